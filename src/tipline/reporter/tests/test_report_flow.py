"""The whole reporter flow through Django's test client: report, receipt, come back."""

import io

import pikepdf
import pytest
from django.test import Client
from PIL import Image

from tipline.audit.models import AuditEvent
from tipline.reports import conversation
from tipline.reports.attachments import decrypt_details, read_attachment
from tipline.reports.models import Attachment, Report
from tipline.reports.tests.helpers import receipt_from, send_report
from tipline.reports.tests.samples import AUTHOR, jpeg_with_gps, pdf_with_author
from tipline.testing.fixtures import DeskWithRecipient

pytestmark = pytest.mark.django_db


@pytest.fixture
def drugs(desk_with_recipient: DeskWithRecipient, files_dir: object):
    return desk_with_recipient.desk.categories.get(slug="drug-trafficking")


def staff_open(desk: DeskWithRecipient, report: Report) -> conversation.OpenedReport:
    return conversation.open_as_staff(report, desk.analyst, desk.private_key)


def test_desk_page_lists_categories_and_sets_no_cookie(
    client: Client, desk_with_recipient: DeskWithRecipient
) -> None:
    response = client.get("/en/report/narcotics/")
    assert response.status_code == 200
    assert "Drug trafficking" in response.content.decode()
    assert response.cookies == {}
    urdu = client.get("/ur/report/narcotics/")
    assert 'dir="rtl"' in urdu.content.decode()
    assert "منشیات کی اسمگلنگ" in urdu.content.decode()


def test_report_with_two_attachments_reaches_the_recipient(
    client: Client, desk_with_recipient: DeskWithRecipient, drugs
) -> None:
    response = send_report(
        client,
        drugs,
        description="Crates at the north jetty",
        q_substances=["cocaine", "heroin"],
        q_where="North jetty",
        q_when="2026-11-01",
        files=[("jetty.jpg", jpeg_with_gps()), ("manifest.pdf", pdf_with_author())],
    )
    assert response.status_code == 200
    code = receipt_from(response)
    assert len(code.replace(" ", "")) == 20

    report = Report.objects.get()
    assert (report.desk, report.category, report.language, report.number) == (
        desk_with_recipient.desk,
        drugs,
        "en",
        1,
    )
    opened = staff_open(desk_with_recipient, report)
    content = conversation.read_content(opened)
    assert content["description"] == "Crates at the north jetty"
    assert content["answers"]["substances"] == ["cocaine", "heroin"]
    assert content["answers"]["when"] == "2026-11-01"

    names = {}
    for attachment in Attachment.objects.filter(report=report):
        details = decrypt_details(
            opened.report_key, report.id, attachment.id, bytes(attachment.details)
        )
        names[details["name"]] = (
            details,
            read_attachment(opened.report_key, report.id, attachment.id),
        )
    assert set(names) == {"photo-1.jpg", "document-2.pdf"}  # the reporter's names stay home

    jpeg_details, jpeg = names["photo-1.jpg"]
    assert jpeg_details["metadata"] == "removed"
    with Image.open(io.BytesIO(jpeg)) as image:
        assert image.size == (64, 48)
        assert not image.getexif()  # no GPS, no camera, no author
    assert AUTHOR.encode() not in jpeg

    pdf_details, pdf = names["document-2.pdf"]
    assert pdf_details["metadata"] == "removed"
    with pikepdf.open(io.BytesIO(pdf)) as document:
        assert "/Author" not in document.docinfo
        assert "/Metadata" not in document.Root
    assert AUTHOR.encode() not in pdf
    assert AuditEvent.objects.filter(action="report.received", report_id=report.id).exists()


def test_come_back_read_a_reply_and_write_again(
    client: Client, desk_with_recipient: DeskWithRecipient, drugs
) -> None:
    code = receipt_from(send_report(client, drugs, description="First words"))
    report = Report.objects.get()
    conversation.add_staff_reply(
        staff_open(desk_with_recipient, report),
        author=desk_with_recipient.analyst,
        text="Thank you. Which day of the week?",
    )

    typed = code.replace(" ", "-")  # dashes are fine
    page = Client().post("/en/receipt/", {"receipt": typed})
    assert page.status_code == 200
    body = page.content.decode()
    assert "First words" in body and "Thank you. Which day of the week?" in body

    sent = Client().post(
        "/en/receipt/message/", {"receipt": typed, "text": "Tuesdays, after midnight."}
    )
    assert sent.status_code == 200
    assert "Your message was sent" in sent.content.decode()
    shown = conversation.read_conversation(staff_open(desk_with_recipient, report))
    assert [m.text for m in shown[1:]] == [
        "Thank you. Which day of the week?",
        "Tuesdays, after midnight.",
    ]
    assert [m.from_reporter for m in shown[1:]] == [False, True]


def test_reporter_can_add_a_photo_later_and_it_is_cleaned(
    client: Client, desk_with_recipient: DeskWithRecipient, drugs
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    code = receipt_from(send_report(client, drugs))
    response = Client().post(
        "/en/receipt/message/",
        {
            "receipt": code,
            "text": "",
            "attachments": SimpleUploadedFile("later.jpg", jpeg_with_gps()),
        },
    )
    assert response.status_code == 200
    report = Report.objects.get()
    attachment = Attachment.objects.get(report=report)
    assert attachment.message is not None
    opened = staff_open(desk_with_recipient, report)
    with Image.open(io.BytesIO(read_attachment(opened.report_key, report.id, attachment.id))) as im:
        assert not im.getexif()


def test_report_is_kept_in_the_reporters_language(
    client: Client, desk_with_recipient: DeskWithRecipient, drugs
) -> None:
    response = send_report(client, drugs, language="ur", description="شمالی جیٹی پر کشتی")
    assert response.status_code == 200
    assert 'dir="rtl"' in response.content.decode()
    assert Report.objects.get().language == "ur"


def test_report_numbers_count_up_per_desk(
    client: Client, desk_with_recipient: DeskWithRecipient, drugs
) -> None:
    for _ in range(3):
        send_report(client, drugs)
    assert sorted(Report.objects.values_list("number", flat=True)) == [1, 2, 3]


def test_a_report_reads_no_password_hash_or_wrapped_private_key(
    client: Client, desk_with_recipient: DeskWithRecipient, drugs
) -> None:
    """The reporter's request seals to the recipients' public keys and needs nothing else of
    their accounts: it never pulls a password hash or a wrapped private key into memory."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = send_report(client, drugs, description="Crates at the north jetty")
    assert response.status_code == 200
    read = " ".join(q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT"))
    assert "accounts_staffuser" in read  # the recipients' public keys were read
    for secret in ("password", "private_key_by_password", "private_key_by_recovery"):
        assert f'"{secret}"' not in read
    assert Report.objects.get().seals.get().staff == desk_with_recipient.analyst
