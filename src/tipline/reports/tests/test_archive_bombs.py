"""Archives are measured from their central directory before anything opens them
(`reports.archives`): a ZIP bomb is refused in the reporter's language and nothing of it is
kept, whether the desk cleans such files or keeps them with a warning."""

import contextlib
import io
import os
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client

from tipline.desks.models import UncleanableFiles
from tipline.reports import archives, cleaning, isolation
from tipline.reports.models import Report
from tipline.reports.tests.test_crash_safety import database_url
from tipline.testing.fixtures import STRONG_PASSWORD, DeskWithRecipient
from tipline.testing.reporter_client import Reporter
from tipline.testing.server import ServerProcess, free_port
from tipline.throttling.tests.test_serve_gate import REPORT_PATH, open_receipt, sign_in

from .helpers import send_report
from .samples import jpeg_with_gps
from .samples_archives import docx_bomb, heavy_docx, zip_bomb
from .samples_media import docx_with_author, odt_with_author, xlsx_with_author


@pytest.fixture(scope="module")
def bomb() -> bytes:
    made = docx_bomb(400)
    assert len(made) < 600 * 1024  # a few hundred KB...
    with zipfile.ZipFile(io.BytesIO(made)) as archive:  # ...declaring 400 MB
        assert sum(item.file_size for item in archive.infolist()) > 400 * 1024 * 1024
    return made


def test_a_docx_bomb_is_refused_from_its_central_directory(bomb: bytes) -> None:
    with pytest.raises(archives.ArchiveTooLarge, match="bytes declared"):
        archives.measure(bomb)
    with pytest.raises(cleaning.ArchiveTooLarge):
        cleaning.clean(bomb, cleaning.detect_type(bomb[:16]))


def test_a_member_that_inflates_too_many_times_is_refused() -> None:
    """Under the total bound, but one member inflates about 1,000 times."""
    with pytest.raises(archives.ArchiveTooLarge, match=r"inflates \d{3,4} times"):
        archives.measure(docx_bomb(20))


@pytest.mark.parametrize("make", [docx_with_author, xlsx_with_author, odt_with_author])
def test_ordinary_documents_pass_the_measure(make) -> None:  # type: ignore[no-untyped-def]
    archives.measure(make())
    archives.measure_stream(iter([make()]))
    archives.measure(heavy_docx(1))  # large text compresses about 9 times: within bounds


def test_a_declared_total_over_the_bound_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """Members that each compress little but together declare more than the bound."""
    document = docx_with_author()
    declared = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(document)).infolist())
    monkeypatch.setattr(archives, "MAX_TOTAL_BYTES", declared - 1)
    with pytest.raises(archives.ArchiveTooLarge, match="declared"):
        archives.measure(document)


def test_a_streamed_archive_is_measured_from_its_tail_alone(bomb: bytes) -> None:
    pieces = [bomb[at : at + 1000] for at in range(0, len(bomb), 1000)]
    with pytest.raises(archives.ArchiveTooLarge, match="declared"):
        archives.measure_stream(iter(pieces))
    with pytest.raises(archives.ArchiveTooLarge, match="inflates"):
        archives.measure_stream(iter([zip_bomb(50)]))
    archives.measure_stream(iter([b"not a zip at all"]))  # the parsers after say what it is


def test_a_central_directory_longer_than_the_kept_tail_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        for number in range(200):
            archive.writestr(f"member-{number:04}.txt", b"x")
    monkeypatch.setattr(archives, "TAIL_BYTES", 1024)
    data = output.getvalue()
    with pytest.raises(archives.ArchiveTooLarge, match="central directory"):
        archives.measure_stream(iter([data[at : at + 100] for at in range(0, len(data), 100)]))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", "would unpack to far more than its size"),
        ("ur", "کھلنے پر اپنے سائز سے کہیں زیادہ بڑی"),
        ("zh-hans", "解压后会远大于其本身大小"),
        ("ps", "د خلاصېدو وروسته"),
        ("fa", "پس از باز شدن بسیار بزرگ‌تر"),
    ],
)
def test_a_docx_bomb_through_the_form_is_refused_in_the_reporters_language(
    client: Client,
    desk_with_recipient: DeskWithRecipient,
    files_dir: Path,
    bomb: bytes,
    language: str,
    words: str,
) -> None:
    category = desk_with_recipient.desk.categories.get(slug="drug-trafficking")
    response = send_report(client, category, language=language, files=[("letter.docx", bomb)])
    assert response.status_code == 400
    page = response.content.decode()
    assert words in page and "letter.docx" in page
    assert not Report.objects.exists()
    assert [p for p in files_dir.rglob("*") if p.is_file()] == []


@pytest.mark.django_db
def test_a_zip_bomb_is_not_kept_where_the_desk_keeps_uncleanable_files(
    client: Client, desk_with_recipient: DeskWithRecipient, files_dir: Path
) -> None:
    desk = desk_with_recipient.desk
    desk.uncleanable_files = UncleanableFiles.WARN
    desk.save()
    category = desk.categories.get(slug="drug-trafficking")
    response = send_report(client, category, files=[("photos.zip", zip_bomb(300))])
    assert response.status_code == 400
    assert "would unpack to far more than its size" in response.content.decode()
    assert not Report.objects.exists()
    assert [p for p in files_dir.rglob("*") if p.is_file()] == []
    # An ordinary archive is still kept, with the warning the desk chose.
    ordinary = io.BytesIO()
    with zipfile.ZipFile(ordinary, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("notes.txt", "The crates are at the north pier. " * 100)
    response = send_report(client, category, files=[("notes.zip", ordinary.getvalue())])
    assert response.status_code == 200
    assert Report.objects.count() == 1


@pytest.fixture
def served_with_tight_cleaning(
    tmp_path: Path, settings: object, real_receipt_cost: None
) -> Iterator[tuple[int, DeskWithRecipient, Path]]:
    """A real `tipline serve` with two gate slots, one cleaning slot, and cleanings stopped
    after 2 CPU seconds, cleaning in a scratch folder the test can watch."""
    data, scratch = tmp_path / "data", tmp_path / "scratch"
    scratch.mkdir()
    settings.FILES_DIR = data / "files"  # type: ignore[attr-defined]
    setup = DeskWithRecipient()
    env = {
        **os.environ,
        "TIPLINE_DATA_DIR": str(data),
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "tipline.settings",
        "TIPLINE_EXPENSIVE_CONCURRENCY": "2",
        "TIPLINE_CLEANING_CONCURRENCY": "1",
        "TIPLINE_CLEANING_CPU_SECONDS": "2",
        "TIPLINE_CLEANING_SCRATCH_DIR": str(scratch),
    }
    env.pop("TIPLINE_REDIS_URL", None)
    env.pop("TIPLINE_BROKER_URL", None)
    port = free_port()
    with (tmp_path / "server.log").open("w") as log:
        server = ServerProcess(env, port, log)
        server.wait_until_ready()
        try:
            yield port, setup, scratch
        finally:
            server.stop()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_four_hostile_uploads_at_once_leave_sign_in_receipts_and_reports_answering(
    served_with_tight_cleaning: tuple[int, DeskWithRecipient, Path],
) -> None:
    """Documents within the archive bounds whose XML takes mat2 seconds of CPU each: they
    wait for the one cleaning slot, each stopped at its CPU limit, while the gate's two
    slots stay free for sign-in, receipts and reports without files (when cleaning held
    them, two hostile files shut everyone out)."""
    port, setup, scratch = served_with_tight_cleaning
    status, receipt, _ = Reporter(port, REPORT_PATH).submit("a first report")
    assert status == 200 and receipt
    hostile = heavy_docx(4)
    archives.measure(hostile)  # nothing the measure can see
    answers: list[int] = []

    def send_hostile() -> None:
        answers.append(Reporter(port, REPORT_PATH, timeout=120).submit("x", photo=hostile)[0])

    senders = [threading.Thread(target=send_hostile) for _ in range(4)]
    for sender in senders:
        sender.start()
    deadline = time.monotonic() + 60
    while not any(scratch.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert any(scratch.iterdir()), "no cleaning started"
    # A cleaning runs now, and others wait for its slot: the rest of the site answers.
    assert open_receipt(port, receipt) == 200
    assert sign_in(port, setup.analyst.username, STRONG_PASSWORD) == 302
    assert Reporter(port, REPORT_PATH).submit("a second report")[0] == 200
    for sender in senders:
        sender.join(timeout=120)
    # "Could not be read", nothing kept; or, arriving all at once, "busy, come back".
    assert len(answers) == 4 and set(answers) <= {400, 503} and 400 in answers
    assert Report.objects.count() == 2


@pytest.mark.django_db
def test_a_file_that_finds_no_cleaning_slot_is_refused_as_busy_and_nothing_kept(
    client: Client, desk_with_recipient: DeskWithRecipient, files_dir: Path, settings: object
) -> None:
    settings.CLEANING_WAIT_SECONDS = 0  # type: ignore[attr-defined]
    category = desk_with_recipient.desk.categories.get(slug="drug-trafficking")
    limits = isolation.configured_limits()
    with contextlib.ExitStack() as taken:
        for _ in range(limits.slots):  # every cleaning slot of this process taken
            taken.enter_context(isolation.cleaning_slot(limits))
        response = send_report(
            client, category, language="ur", files=[("jetty.jpg", jpeg_with_gps())]
        )
    assert response.status_code == 400
    assert "فائلیں ابھی جانچی نہیں جا سکتیں" in response.content.decode()
    assert not Report.objects.exists()
    assert [p for p in files_dir.rglob("*") if p.is_file()] == []
    response = send_report(client, category, files=[("jetty.jpg", jpeg_with_gps())])
    assert response.status_code == 200  # the slot is free again
