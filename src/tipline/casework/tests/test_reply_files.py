"""Files from the desk to the reporter: an analyst attaches files to a reply; they are
cleaned like the reporter's, encrypted to the report key, held to the desk's limits and
audited; the reporter downloads them with the receipt, as an attachment, never inline."""

import json
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tipline.audit.models import AuditEvent
from tipline.reports import conversation, isolation
from tipline.reports.attachments import read_attachment
from tipline.reports.models import Attachment, Message, Report
from tipline.reports.tests.samples import AUTHOR, jpeg_with_gps, pdf_with_author
from tipline.testing.fixtures import DeskWithRecipient, sign_in

from .helpers import report_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(desk_with_recipient: DeskWithRecipient, files_dir: Path) -> DeskWithRecipient:
    return desk_with_recipient


@pytest.fixture
def analyst(setup: DeskWithRecipient) -> Client:
    client = Client()
    sign_in(client, setup.analyst, setup.device)
    return client


def reply_with(client: Client, report: Report, text: str, files: list[tuple[str, bytes]]) -> object:
    return client.post(
        f"/staff/desk/{report.desk.slug}/report/{report.number}/reply/",
        {"text": text, "attachments": [SimpleUploadedFile(n, c) for n, c in files]},
    )


def desk_files_on_page(client: Client, code: str) -> list[str]:
    page = client.post("/en/receipt/", {"receipt": code}).content.decode()
    return re.findall(r'name="file" value="([0-9a-f-]{36})"', page)


def test_a_reply_carries_a_cleaned_file_encrypted_to_the_report(
    setup: DeskWithRecipient, analyst: Client, files_dir: Path
) -> None:
    report, _ = report_in(setup)
    response = reply_with(
        analyst, report, "Please fill in this form.", [("form.pdf", pdf_with_author())]
    )
    assert response.status_code == 302  # type: ignore[attr-defined]

    message = Message.objects.get(report=report)
    attachment = Attachment.objects.get(message=message)
    opened = conversation.open_as_staff(report, setup.analyst, setup.private_key)
    kept = read_attachment(opened.report_key, report.id, attachment.id)
    assert AUTHOR.encode() not in kept and kept.startswith(b"%PDF-")
    on_disk = [p.read_bytes() for p in files_dir.rglob("*") if p.is_file()]
    assert on_disk and not any(b"%PDF-" in blob or b"form.pdf" in blob for blob in on_disk)
    event = AuditEvent.objects.get(action="report.replied", report_id=report.id)
    assert event.actor == setup.analyst and event.detail["attachments"] == 1
    shown = conversation.read_conversation(opened)[1].attachments
    assert [(f.name, f.metadata) for f in shown] == [("form.pdf", "removed")]
    report.refresh_from_db()
    assert report.acknowledged_at is not None


def test_a_reply_may_be_only_a_file_but_not_nothing(
    setup: DeskWithRecipient, analyst: Client
) -> None:
    report, _ = report_in(setup)
    assert reply_with(analyst, report, "", [("p.jpg", jpeg_with_gps())]).status_code == 302  # type: ignore[attr-defined]
    empty = reply_with(analyst, report, "  ", [])
    assert empty.status_code == 400  # type: ignore[attr-defined]
    assert Message.objects.filter(report=report).count() == 1


def test_the_desks_limits_hold_for_staff_files_and_nothing_is_kept(
    setup: DeskWithRecipient, analyst: Client, files_dir: Path
) -> None:
    report, _ = report_in(setup)
    setup.desk.max_attachments = 1
    setup.desk.save()
    before = {p for p in files_dir.rglob("*") if p.is_file()}
    response = reply_with(
        analyst, report, "two files", [("a.jpg", jpeg_with_gps()), ("b.jpg", jpeg_with_gps())]
    )
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "At most 1 files per reply." in response.content.decode()  # type: ignore[attr-defined]
    broken = reply_with(analyst, report, "broken", [("x.jpg", b"\xff\xd8\xff\xe0 broken")])
    assert broken.status_code == 400  # type: ignore[attr-defined]
    assert "could not be read" in broken.content.decode()  # type: ignore[attr-defined]
    assert not Message.objects.filter(report=report).exists()
    assert {p for p in files_dir.rglob("*") if p.is_file()} == before


def test_the_reporter_downloads_the_desks_file_as_an_attachment_with_a_safe_name(
    setup: DeskWithRecipient, analyst: Client
) -> None:
    report, code = report_in(setup, photo=True)
    name = 'نقشہ "pier"\u202e<b>.pdf'
    reply_with(analyst, report, "Is this the pier?", [(name, pdf_with_author())])
    reporter = Client()
    (file_id,) = desk_files_on_page(reporter, code)  # the reporter's own photo has no form
    response = reporter.post("/en/receipt/file/", {"receipt": code, "file": file_id})
    assert response.status_code == 200
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert body.startswith(b"%PDF-") and AUTHOR.encode() not in body
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="')
    assert "\u202e" not in disposition and "<" not in disposition and '"pier"' not in disposition
    assert "filename*=UTF-8''" in disposition
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["Cache-Control"] == "no-store"
    assert response.cookies == {} or "tipline_staff" not in response.cookies
    assert AuditEvent.objects.filter(
        action="report.file_downloaded_by_reporter", report_id=report.id, actor=None
    ).exists()


def test_a_wrong_receipt_or_a_reporters_own_file_gives_nothing(
    setup: DeskWithRecipient, analyst: Client
) -> None:
    report, code = report_in(setup, photo=True)
    other, other_code = report_in(setup)
    reply_with(analyst, other, "for the other", [("other.pdf", pdf_with_author())])
    (other_file,) = desk_files_on_page(Client(), other_code)
    own_photo = Attachment.objects.get(report=report).id
    reporter = Client()
    for receipt, file_id in [
        (code, own_photo),  # the reporter's own upload: not through this door
        (code, other_file),  # another report's file with this report's receipt
        ("1" * 20, other_file),  # a receipt that opens nothing
        ("not a receipt", other_file),
    ]:
        response = reporter.post("/en/receipt/file/", {"receipt": receipt, "file": str(file_id)})
        assert response.status_code == 404, receipt
        assert "Content-Disposition" not in response
    assert reporter.post("/en/receipt/file/", {"receipt": code, "file": "x"}).status_code == 400
    assert reporter.get("/en/receipt/file/").status_code == 302


def test_an_office_file_from_the_desk_is_cleaned_by_mat2(
    setup: DeskWithRecipient, analyst: Client
) -> None:
    if not isolation.mat2_status().available:
        pytest.skip("mat2 is not installed here (make test installs it)")
    from tipline.reports.tests.samples_media import COMPANY, docx_with_author

    report, code = report_in(setup)
    reply_with(analyst, report, "Fill this in.", [("form.docx", docx_with_author())])
    reporter = Client()
    (file_id,) = desk_files_on_page(reporter, code)
    body = b"".join(
        reporter.post("/en/receipt/file/", {"receipt": code, "file": file_id}).streaming_content  # type: ignore[attr-defined]
    )
    assert body.startswith(b"PK") and COMPANY.encode() not in body
    assert json.dumps(AUTHOR) not in body.decode("latin-1")
