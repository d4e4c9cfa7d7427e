"""Office documents, OpenDocument, audio and video lose their metadata through mat2, in the
limited cleaning process; exiftool is the independent reader. Each file is made here,
carrying an author, a company, comments, dates (and a place, for the video), and goes
through the reporter's form like a real attachment."""

import io
import json
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client

from tipline.reports import cleaning, conversation, isolation
from tipline.reports.attachments import decrypt_details, read_attachment
from tipline.reports.models import Attachment, Report
from tipline.testing.fixtures import DeskWithRecipient

from . import samples_media as media
from .helpers import send_report
from .samples import AUTHOR


@pytest.fixture(scope="module", autouse=True)
def mat2_here() -> None:
    status = isolation.mat2_status()
    if not status.available:
        pytest.skip(f"mat2 is not usable here ({status.detail}); make test installs it")


def exiftool(data: bytes, extension: str) -> dict[str, object]:
    """exiftool's reading of a file; from a named file, since it needs the extension and
    seeking for ZIP-based and audio formats."""
    tool = shutil.which("exiftool")
    if tool is None:
        pytest.skip("exiftool is not installed (make test installs it)")
    with tempfile.NamedTemporaryFile(suffix=f".{extension}") as sample:
        sample.write(data)
        sample.flush()
        result = subprocess.run([tool, "-j", "-G", sample.name], capture_output=True, check=True)
    return dict(json.loads(result.stdout)[0])


def _docx_text(data: bytes) -> str:
    import docx

    return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)


def _xlsx_text(data: bytes) -> str:
    import openpyxl

    return str(openpyxl.load_workbook(io.BytesIO(data)).active["A1"].value)


def _pptx_text(data: bytes) -> str:
    import pptx

    slide = pptx.Presentation(io.BytesIO(data)).slides[0]
    return str(slide.shapes.title.text)


def _odf_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("content.xml").decode()


DOCUMENTS: dict[str, tuple[Callable[[], bytes], Callable[[bytes], str], str]] = {
    "docx": (
        media.docx_with_author,
        _docx_text,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "xlsx": (
        media.xlsx_with_author,
        _xlsx_text,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "pptx": (
        media.pptx_with_author,
        _pptx_text,
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    "odt": (media.odt_with_author, _odf_text, "application/vnd.oasis.opendocument.text"),
    "ods": (media.ods_with_author, _odf_text, "application/vnd.oasis.opendocument.spreadsheet"),
}
AUDIO = {"mp3": "audio/mpeg", "ogg": "audio/ogg", "flac": "audio/flac", "wav": "audio/x-wav"}
IDENTIFYING = (AUTHOR, media.COMPANY, media.COMMENT, "2019")


@pytest.fixture
def drugs(desk_with_recipient: DeskWithRecipient, files_dir: Path):
    return desk_with_recipient.desk.categories.get(slug="drug-trafficking")


def through_the_form(
    client: Client, desk: DeskWithRecipient, category: object, name: str, data: bytes
) -> tuple[dict[str, str], bytes]:
    """Send `data` with a report; what the desk keeps: the file's details and its bytes."""
    response = send_report(client, category, files=[(name, data)])
    assert response.status_code == 200, response.content.decode()[:3000]
    report = Report.objects.get()
    opened = conversation.open_as_staff(report, desk.analyst, desk.private_key)
    attachment = Attachment.objects.get(report=report)
    details = decrypt_details(
        opened.report_key, report.id, attachment.id, bytes(attachment.details)
    )
    return details, read_attachment(opened.report_key, report.id, attachment.id)


def leaked(tags: dict[str, object]) -> list[str]:
    """The identifying values still in exiftool's reading (the file's own name and the
    exiftool version aside)."""
    text = json.dumps(
        {k: v for k, v in tags.items() if not k.startswith(("System:", "ExifTool:", "SourceFile"))}
    )
    return [value for value in IDENTIFYING if value in text]


@pytest.mark.django_db
@pytest.mark.parametrize("extension", sorted(DOCUMENTS))
def test_office_and_odf_documents_lose_author_company_comments_and_dates(
    client: Client, desk_with_recipient: DeskWithRecipient, drugs, extension: str
) -> None:
    make, read_text, media_type = DOCUMENTS[extension]
    original = make()
    assert len(leaked(exiftool(original, extension))) >= 3, "the sample carries metadata"
    details, kept = through_the_form(
        client, desk_with_recipient, drugs, f"letter.{extension}", original
    )
    assert details["metadata"] == "removed"
    assert details["type"] == media_type
    assert leaked(exiftool(kept, extension)) == []
    assert AUTHOR.encode() not in kept
    assert media.TEXT in read_text(kept)  # the content stays


@pytest.mark.django_db
@pytest.mark.parametrize("extension", sorted(AUDIO))
def test_audio_loses_its_tags_and_keeps_its_length(
    client: Client, desk_with_recipient: DeskWithRecipient, drugs, extension: str
) -> None:
    original = media.audio_with_tags(extension, seconds=3.0)
    before = exiftool(original, extension)
    assert leaked(before), "the sample carries tags"
    details, kept = through_the_form(
        client, desk_with_recipient, drugs, f"call.{extension}", original
    )
    assert details["metadata"] == "removed" and details["type"] == AUDIO[extension]
    after = exiftool(kept, extension)
    assert leaked(after) == []
    assert _duration(kept, extension) == pytest.approx(_duration(original, extension), abs=0.1)
    assert _duration(kept, extension) == pytest.approx(3.0, abs=0.1)


@pytest.mark.django_db
def test_video_loses_place_person_and_dates_and_keeps_its_length(
    client: Client, desk_with_recipient: DeskWithRecipient, drugs
) -> None:
    original = media.mp4_with_gps(seconds=3.0)
    before = exiftool(original, "mp4")
    assert leaked(before) and any("GPS" in tag for tag in before)
    details, kept = through_the_form(client, desk_with_recipient, drugs, "pier.mp4", original)
    assert details["metadata"] == "removed" and details["type"] == "video/mp4"
    after = exiftool(kept, "mp4")
    assert leaked(after) == []
    assert not [tag for tag in after if "GPS" in tag]
    assert not [v for k, v in after.items() if "Date" in k and "2019" in str(v)]
    assert _duration(kept, "mp4") == pytest.approx(3.0, abs=0.1)


def _duration(data: bytes, extension: str) -> float:
    """The length in seconds, read by ffprobe (ffmpeg's reader, not mat2's)."""
    probe = shutil.which("ffprobe")
    assert probe
    with tempfile.NamedTemporaryFile(suffix=f".{extension}") as sample:
        sample.write(data)
        sample.flush()
        result = subprocess.run(
            [
                probe,
                "-v",
                "error",
                "-show_entries",
                "format=duration",
                "-of",
                "csv=p=0",
                sample.name,
            ],
            capture_output=True,
            check=True,
        )
    return float(result.stdout.decode().strip())


def test_a_zip_archive_that_is_no_office_document_cannot_be_cleaned() -> None:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("notes.txt", "plain notes")
    data = output.getvalue()
    assert cleaning.detect_type(data[:16]) == "application/zip"
    with pytest.raises(cleaning.CannotClean):
        cleaning.clean(data, "application/zip")


@pytest.mark.parametrize(
    "data",
    [
        b"PK\x03\x04 a broken office document",
        media.docx_with_author()[:3000],  # cut off in the middle
        b"ID3\x04\x00\x00\x00\x00\x00\x00 not a song",
        b"OggS\x00\x02 not a stream",
        b"fLaC\x00\x00\x00\x22 broken",
        b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00 broken video",
    ],
)
def test_a_malformed_file_is_unreadable_not_an_error(data: bytes) -> None:
    with pytest.raises(cleaning.UnreadableFile):
        cleaning.clean(data, cleaning.detect_type(data[:16]))


def test_a_zip_bomb_is_stopped_by_the_cleaning_process_limits(tmp_path: Path) -> None:
    """A .docx whose text part unpacks to 400 MB: mat2 unpacks members to the scratch
    folder, and the process may write (and map) no more than its memory limit."""
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        with zipfile.ZipFile(io.BytesIO(media.docx_with_author())) as source:
            for item in source.infolist():
                if item.filename != "word/document.xml":
                    archive.writestr(item, source.read(item.filename))
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            block = b" " * (1024 * 1024)
            for _ in range(400):
                member.write(block)
    bomb = output.getvalue()
    assert len(bomb) < 2 * 1024 * 1024
    limits = isolation.Limits(seconds=60, memory_mb=256, scratch=tmp_path)
    with pytest.raises(isolation.CleaningFailed) as failed:
        isolation.clean_in_child(bomb, "application/zip", limits)
    assert failed.value.outcome == "unreadable"
    assert list(tmp_path.iterdir()) == []  # the scratch folder went with the child


@pytest.mark.django_db
def test_a_malformed_office_file_gets_a_clear_answer_through_the_form(
    client: Client, desk_with_recipient: DeskWithRecipient, drugs, files_dir: Path
) -> None:
    form = client.get(f"/en/report/narcotics/{drugs.slug}/").content.decode()
    assert (
        'office documents (<bdi class="types" dir="ltr">Word, Excel, PowerPoint, OpenDocument'
        in form
    )
    broken = media.docx_with_author()[:5000]
    response = send_report(client, drugs, files=[("letter.docx", broken)])
    assert response.status_code == 400
    assert "could not be read. It may be damaged." in response.content.decode()
    assert not Report.objects.exists()
    assert [p for p in files_dir.rglob("*") if p.is_file()] == []
