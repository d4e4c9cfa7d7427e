"""Bad input on the reporter side: a clear answer, and nothing stored."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tipline.accounts.actions import revoke_staff
from tipline.audit.models import AuditEvent
from tipline.reports import conversation
from tipline.reports.models import Attachment, Message, Report
from tipline.reports.tests.helpers import open_form, receipt_from, send_report
from tipline.reports.tests.samples import jpeg_with_gps
from tipline.testing.fixtures import DeskWithRecipient

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(desk_with_recipient: DeskWithRecipient, files_dir: Path) -> DeskWithRecipient:
    desk = desk_with_recipient.desk
    desk.max_attachments = 2
    desk.max_attachment_megabytes = 1
    desk.save()
    return desk_with_recipient


@pytest.fixture
def category(setup: DeskWithRecipient):
    return setup.desk.categories.get(slug="drug-trafficking")


def files_on_disk(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


def assert_nothing_stored(files_dir: Path) -> None:
    assert not Report.objects.exists()
    assert not Attachment.objects.exists()
    assert files_on_disk(files_dir) == []


def test_oversized_file_is_refused_clearly(client: Client, category, files_dir: Path) -> None:
    big = ("big.jpg", b"\xff\xd8\xff" + bytes(1024 * 1024 + 10))
    response = send_report(client, category, files=[big])
    assert response.status_code == 400
    assert "Each file can be at most 1 MB" in response.content.decode()
    assert_nothing_stored(files_dir)


def test_a_request_larger_than_any_allowed_is_refused_before_reading(
    client: Client, category, files_dir: Path
) -> None:
    url = f"/en/report/{category.desk.slug}/{category.slug}/"
    response = client.generic(
        "POST",
        url,
        b"x" * 10,
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(50 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert_nothing_stored(files_dir)


def test_too_many_files_are_refused(client: Client, category, files_dir: Path) -> None:
    photo = jpeg_with_gps()
    response = send_report(client, category, files=[(f"{i}.jpg", photo) for i in range(3)])
    assert response.status_code == 400
    assert "at most 2 files" in response.content.decode()
    assert_nothing_stored(files_dir)


def test_an_empty_report_is_refused(client: Client, category, files_dir: Path) -> None:
    response = send_report(client, category, description="   ", q_how_known="")
    assert response.status_code == 400
    body = response.content.decode()
    assert "Please look at the marked answers" in body and "This field is required" in body
    assert_nothing_stored(files_dir)


def test_an_answer_outside_the_choices_is_refused(
    client: Client, category, files_dir: Path
) -> None:
    response = send_report(client, category, q_how_known="mind-reading")
    assert response.status_code == 400
    assert_nothing_stored(files_dir)


@pytest.mark.parametrize(
    "path",
    ["/en/report/nowhere/", "/en/report/narcotics/no-such-category/", "/xx/report/narcotics/"],
)
def test_unknown_desk_category_or_language_is_a_plain_404(
    client: Client, setup: DeskWithRecipient, path: str
) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert "Content-Security-Policy" in response


def test_malformed_multipart_gets_a_clear_error(client: Client, category, files_dir: Path) -> None:
    url = f"/en/report/{category.desk.slug}/{category.slug}/"
    response = client.generic(
        "POST",
        url,
        b'--x\r\nContent-Disposition: form-data; name="description"\r\n\r\nno end',
        content_type="multipart/form-data; boundary=x",
    )
    assert response.status_code in (400, 403)
    assert_nothing_stored(files_dir)


def test_a_tampered_hidden_receipt_is_refused(client: Client, category, files_dir: Path) -> None:
    data = open_form(client, category)
    data["receipt"] = "00000000000000000000:forged"
    data.update({"description": "x", "q_how_known": "saw"})
    response = client.post(f"/en/report/{category.desk.slug}/{category.slug}/", data)
    assert response.status_code == 400
    assert "expired" in response.content.decode()
    assert_nothing_stored(files_dir)


def test_a_form_sent_twice_makes_one_report_and_shows_the_same_receipt(
    client: Client, category
) -> None:
    data = open_form(client, category)
    data.update({"description": "Sent twice", "q_how_known": "saw"})
    url = f"/en/report/{category.desk.slug}/{category.slug}/"
    first = client.post(url, data)
    second = client.post(url, data)
    assert receipt_from(first) == receipt_from(second)
    assert "already arrived" in second.content.decode()
    assert Report.objects.count() == 1


def test_mixed_scripts_and_control_characters(client: Client, category, setup) -> None:
    text = "Boat \u0000at جیٹی ۳\x07 tonight 今晚\r\n\u202eRTL\u202c end"
    send_report(client, category, description=text)
    report = Report.objects.get()
    opened = conversation.open_as_staff(report, setup.analyst, setup.private_key)
    stored = conversation.read_content(opened)["description"]
    assert stored == "Boat at جیٹی ۳ tonight 今晚\n\u202eRTL\u202c end"


# A type no cleaner knows (RAR), and a ZIP archive that is no office document.
RAR_ARCHIVE = b"Rar!\x1a\x07\x00 an archive"


def test_a_file_that_cannot_be_cleaned_is_refused_by_default(
    client: Client, category, files_dir: Path
) -> None:
    response = send_report(client, category, files=[("notes.rar", RAR_ARCHIVE)])
    assert response.status_code == 400
    assert "cannot be cleaned of hidden data" in response.content.decode()
    assert_nothing_stored(files_dir)


def test_a_file_that_cannot_be_cleaned_is_kept_when_the_desk_warns(
    client: Client, category, setup
) -> None:
    setup.desk.uncleanable_files = "warn"
    setup.desk.save()
    form = client.get(f"/en/report/{setup.desk.slug}/{category.slug}/").content.decode()
    assert "may contain hidden data that identifies you" in form
    response = send_report(client, category, files=[("notes.rar", RAR_ARCHIVE)])
    assert response.status_code == 200
    opened = conversation.open_as_staff(Report.objects.get(), setup.analyst, setup.private_key)
    assert conversation.read_conversation(opened)[0].attachments[0].metadata == "kept"


def test_a_broken_image_is_refused_as_unreadable(client: Client, category, files_dir) -> None:
    response = send_report(client, category, files=[("x.jpg", b"\xff\xd8\xff\xe0 not really")])
    assert response.status_code == 400
    assert "could not be read" in response.content.decode()
    assert_nothing_stored(files_dir)


def test_a_desk_without_recipients_refuses_reports_clearly(
    client: Client, category, setup, files_dir
) -> None:
    revoke_staff(setup.analyst, acting_user=None)
    response = client.get(f"/en/report/{setup.desk.slug}/{category.slug}/")
    assert response.status_code == 503
    assert "cannot receive reports yet" in response.content.decode()
    assert (
        "cannot receive reports yet"
        in client.get(f"/en/report/{setup.desk.slug}/").content.decode()
    )
    assert_nothing_stored(files_dir)


@pytest.mark.parametrize("typed", ["", "1234", "12345678901234567890x", "١٢٣٤"])
def test_a_malformed_receipt_gets_a_quick_clear_answer(client: Client, setup, typed: str) -> None:
    response = client.post("/en/receipt/", {"receipt": typed})
    assert response.status_code == 400
    assert AuditEvent.objects.filter(action="report.opened_by_reporter").count() == 0


def test_wrong_receipts_get_one_answer_whether_or_not_the_code_exists(
    client: Client, category
) -> None:
    """The answer to an unknown code depends on nothing: not which code, not how many exist.

    (Timing is not asserted; the derivation runs once per try whatever the code.)
    """
    answers = set()
    for code in ["11111111111111111111", "2222 2222 2222 2222 2222"]:
        response = Client().post("/en/receipt/", {"receipt": code})
        assert response.status_code == 404
        body = response.content.decode()
        answers.add(body[body.index("<main") : body.index("<form")])
    assert len(answers) == 1
    assert "No report has this receipt code" in answers.pop()


def test_wrong_receipts_are_throttled_in_memory(client: Client, setup) -> None:
    for _ in range(10):
        assert Client().post("/en/receipt/", {"receipt": "3" * 20}).status_code == 404
    response = Client().post("/en/receipt/", {"receipt": "3" * 20})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


def test_an_empty_message_is_refused(client: Client, category) -> None:
    code = receipt_from(send_report(client, category))
    response = Client().post("/en/receipt/message/", {"receipt": code, "text": "  "})
    assert response.status_code == 400
    assert "Write something or attach a file" in response.content.decode()
    assert not Message.objects.exists()


def test_a_message_with_a_wrong_receipt_stores_nothing(
    client: Client, category, files_dir: Path
) -> None:
    send_report(client, category)
    before = sorted(files_on_disk(files_dir))
    response = Client().post(
        "/en/receipt/message/",
        {
            "receipt": "9" * 20,
            "text": "hi",
            "attachments": SimpleUploadedFile("a.jpg", jpeg_with_gps()),
        },
    )
    assert response.status_code == 404
    assert not Message.objects.exists()
    assert sorted(files_on_disk(files_dir)) == before
