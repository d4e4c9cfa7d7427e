"""Working a case: read, reply, note, status, assignment, download, export; all audited."""

import io
import zipfile

import pytest
from django.test import Client
from PIL import Image

from tipline.audit.models import AuditEvent
from tipline.desks.actions import create_desk
from tipline.reports import conversation
from tipline.reports.models import Note, Report
from tipline.reports.receipts import Receipt
from tipline.testing.fixtures import DeskWithRecipient, sign_in

from .helpers import report_in

pytestmark = pytest.mark.django_db
CASE = "/staff/desk/narcotics/report/1/"


@pytest.fixture
def work(
    desk_with_recipient: DeskWithRecipient, files_dir: object
) -> tuple[Client, DeskWithRecipient, str]:
    _, code = report_in(
        desk_with_recipient, description="Crates at the jetty", photo=True, q_where="North jetty"
    )
    client = Client()
    sign_in(client, desk_with_recipient.analyst, desk_with_recipient.device)
    return client, desk_with_recipient, code


def audited(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def test_the_case_shows_the_report_and_is_audited(
    work: tuple[Client, DeskWithRecipient, str],
) -> None:
    client, _, _ = work
    response = client.get(CASE)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Crates at the jetty" in body and "North jetty" in body and "photo-1.jpg" in body
    assert response["Cache-Control"] == "no-store"
    assert audited("report.viewed") == 1


def test_a_reply_reaches_the_reporter_and_acknowledges(
    work: tuple[Client, DeskWithRecipient, str],
) -> None:
    client, _, code = work
    response = client.post(CASE + "reply/", {"text": "Thank you, we are looking into it."})
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.acknowledged_at is not None and report.feedback_given_at is None
    opened = conversation.open_as_reporter(Receipt.read(code))
    assert opened is not None
    assert [m.text for m in conversation.read_conversation(opened)[1:]] == [
        "Thank you, we are looking into it."
    ]
    client.post(CASE + "reply/", {"text": "The shipment was stopped.", "feedback": "on"})
    assert Report.objects.get().feedback_given_at is not None
    assert audited("report.replied") == 2


def test_notes_are_encrypted_and_never_shown_to_the_reporter(
    work: tuple[Client, DeskWithRecipient, str],
) -> None:
    client, _, code = work
    client.post(CASE + "note/", {"text": "Matches the harbour master's log"})
    assert "Matches the harbour master" in client.get(CASE).content.decode()
    assert b"harbour master" not in bytes(Note.objects.get().body)
    reporter_page = Client().post("/en/receipt/", {"receipt": code}).content.decode()
    assert "harbour master" not in reporter_page
    assert audited("report.note_added") == 1


def test_empty_reply_or_note_gets_a_clear_error(
    work: tuple[Client, DeskWithRecipient, str],
) -> None:
    client, _, _ = work
    for what in ("reply", "note"):
        response = client.post(CASE + f"{what}/", {"text": "   "})
        assert response.status_code == 400
        assert "errorlist" in response.content.decode()
    assert audited("report.replied") == 0 and audited("report.note_added") == 0


def test_status_workflow_and_closing_needs_a_reason(
    work: tuple[Client, DeskWithRecipient, str],
) -> None:
    client, _, _ = work
    assert client.post(CASE + "status/", {"status": "in_triage"}).status_code == 302
    assert Report.objects.get().status == "in_triage"
    response = client.post(CASE + "status/", {"status": "closed"})
    assert response.status_code == 400 and "needs a reason" in response.content.decode()
    client.post(CASE + "status/", {"status": "closed", "close_reason": "actioned"})
    report = Report.objects.get()
    assert (report.status, report.close_reason) == ("closed", "actioned") and report.closed_at
    assert client.post(CASE + "status/", {"status": "sideways"}).status_code == 400
    assert audited("report.status_changed") == 2


def test_assignment_only_to_someone_who_can_read_it(
    work: tuple[Client, DeskWithRecipient, str],
) -> None:
    client, setup, _ = work
    client.post(CASE + "assign/", {"assignee": str(setup.analyst.pk)})
    assert Report.objects.get().assigned_to == setup.analyst
    assert client.post(CASE + "assign/", {"assignee": "99999"}).status_code == 400
    client.post(CASE + "assign/", {"assignee": ""})
    assert Report.objects.get().assigned_to is None
    assert audited("report.assigned") == 2


def test_an_unknown_action_or_a_get_changes_nothing(
    work: tuple[Client, DeskWithRecipient, str],
) -> None:
    client, _, _ = work
    assert client.post(CASE + "delete/", {}).status_code == 404
    assert client.get(CASE + "status/").status_code == 405
    assert Report.objects.get().status == "new"


def test_download_is_an_attachment_that_cannot_run(
    work: tuple[Client, DeskWithRecipient, str],
) -> None:
    client, _, _ = work
    report = Report.objects.get()
    attachment = report.attachments.get()
    response = client.get(f"{CASE}file/{attachment.id}/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == "attachment; filename*=UTF-8''photo-1.jpg"
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    data = b"".join(response.streaming_content)
    with Image.open(io.BytesIO(data)) as image:
        assert not image.getexif()
    assert audited("report.attachment_downloaded") == 1


def test_download_of_another_reports_file_is_not_found(
    work: tuple[Client, DeskWithRecipient, str],
) -> None:
    client, setup, _ = work
    attachment = Report.objects.get().attachments.get()
    report_in(setup)
    assert client.get(f"/staff/desk/narcotics/report/2/file/{attachment.id}/").status_code == 404


def test_export_is_one_zip_with_summary_and_files(
    work: tuple[Client, DeskWithRecipient, str],
) -> None:
    client, _, _ = work
    client.post(CASE + "note/", {"text": "Internal: check the port"})
    response = client.get(CASE + "export/")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert set(archive.namelist()) == {
        "summary.txt",
        "summary.pdf",
        "attachments/01-photo-1.jpg",
    }
    summary = archive.read("summary.txt").decode()
    assert (
        "Crates at the jetty" in summary
        and "North jetty" in summary
        and "check the port" in summary
    )
    assert audited("report.exported") == 1


def test_an_image_preview_is_redrawn_by_the_server_from_the_clean_copy(
    work: tuple[Client, DeskWithRecipient, str],
) -> None:
    client, _, _ = work
    attachment = Report.objects.get().attachments.get()
    assert f"file/{attachment.id}/preview/" in client.get(CASE).content.decode()
    response = client.get(f"{CASE}file/{attachment.id}/preview/")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert "sandbox" in response["Content-Security-Policy"]
    with Image.open(io.BytesIO(response.content)) as image:
        assert image.format == "PNG" and not image.getexif() and not image.info.get("exif")
    assert audited("report.attachment_previewed") == 1


def test_labels_from_the_desk_vocabulary(work: tuple[Client, DeskWithRecipient, str]) -> None:
    from tipline.casework.models import Label

    client, setup, _ = work
    harbour = Label.objects.create(desk=setup.desk, name="Operation Harbour")
    Label.objects.create(desk=setup.desk, name="Border")
    assert client.post(CASE + "labels/", {"labels": [str(harbour.id)]}).status_code == 302
    assert list(Report.objects.get().labels.values_list("label__name", flat=True)) == [
        "Operation Harbour"
    ]
    inbox = client.get(f"/staff/desk/narcotics/?label={harbour.id}")
    assert [row[0].number for row in inbox.context["rows"]] == [1]
    assert "Operation Harbour" in inbox.content.decode()
    customs = create_desk(slug="customs", name="Customs", acting_user=None)
    other_desk_label = Label.objects.create(desk=customs, name="Elsewhere")
    response = client.post(CASE + "labels/", {"labels": [str(other_desk_label.id)]})
    assert response.status_code == 400
    assert audited("report.labels_changed") == 1
