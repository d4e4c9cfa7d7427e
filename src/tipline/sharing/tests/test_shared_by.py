"""A shared report is marked "shared by <partner>" wherever it is shown: its inbox row (and
the inbox's "shared with us" filter), its case page, its export, and the staff e-mail that
says it arrived (which names who shared it and still carries no content)."""

import io
import zipfile
from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tipline import jobs
from tipline.casework.tests.helpers import report_in
from tipline.notifications.tests.test_notifications import Inbox
from tipline.reports.models import Report
from tipline.sharing import outbox
from tipline.sharing.tests.helpers import TwoDesks
from tipline.sharing.tests.partner_kit import FakePartner, post
from tipline.sharing.tests.test_share_between_desks import share_a_report
from tipline.testing.fixtures import sign_in
from tipline.testing.server import free_port

pytestmark = pytest.mark.django_db
INBOX = "/staff/desk/customs/"


@pytest.fixture
def desks(files_dir: object) -> TwoDesks:
    return TwoDesks()


def receiver_client(desks: TwoDesks) -> Client:
    client = Client()
    sign_in(client, desks.receiver.analyst, desks.receiver.device)
    return client


def rows(response: object) -> list[tuple[int, str]]:
    """(number, who shared it or "") of each inbox row."""
    shown = []
    for report, _ in response.context["rows"]:  # type: ignore[attr-defined]
        shown.append((report.number, report.shared_by or ""))  # None: a reporter's own
    return shown


def test_the_inbox_marks_shared_reports_and_filters_them_with_the_same_queries(
    desks: TwoDesks,
) -> None:
    client = receiver_client(desks)
    report_in(desks.receiver, description="A reporter's own report")
    with CaptureQueriesContext(connection) as few:
        page = client.get(INBOX)
    assert rows(page) == [(1, "")]

    share_a_report(desks)
    outbox.deliver_due()
    partner = FakePartner(name="Border Agency")
    assert post(partner.package(partner.share_payload())).status_code == 200
    with CaptureQueriesContext(connection) as many:
        page = client.get(INBOX)
    assert rows(page) == [(3, "Border Agency"), (2, "Narcotics desk"), (1, "")]
    html = page.content.decode()
    assert "shared by <bdi>Border Agency</bdi>" in html
    assert "shared by <bdi>Narcotics desk</bdi>" in html
    # "Shared by" comes with the rows: no query per row, and no ciphertext column read.
    assert len(many.captured_queries) == len(few.captured_queries)
    inbox_sql = [q["sql"] for q in many.captured_queries if "intake_report" in q["sql"]]
    # Who shared a report never needs its ciphertext; the one query that reads `content`
    # is the rows' first lines, by id, for the page shown (casework.rows).
    assert not any("cover_note" in sql for sql in inbox_sql)
    reading_content = [sql for sql in inbox_sql if '"content"' in sql]
    assert len(reading_content) == 1 and '"id" IN' in reading_content[0]

    shared_only = client.get(INBOX + "?shared=on")
    assert shared_only.status_code == 200
    assert rows(shared_only) == [(3, "Border Agency"), (2, "Narcotics desk")]
    assert 'name="shared"' in shared_only.content.decode()


def test_the_case_page_and_the_export_say_who_shared_it(desks: TwoDesks) -> None:
    partner = FakePartner(name="Border Agency")
    assert post(partner.package(partner.share_payload())).status_code == 200
    client = receiver_client(desks)
    case = client.get(INBOX + "report/1/").content.decode()
    assert "Shared by <bdi>Border Agency</bdi>" in case
    # There is no reporter behind a shared report: no form pretends to answer one.
    assert "Reply to the reporter" not in case
    assert "Write to the agency that shared it" in case
    exported = client.get(INBOX + "report/1/export/")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(exported.streaming_content)))  # type: ignore[attr-defined]
    summary = archive.read("summary.txt").decode()
    assert "Shared by: Border Agency (received " in summary
    # A reporter's own report is not marked, and keeps its reply form.
    report_in(desks.receiver, description="A reporter's own report")
    own = client.get(INBOX + "report/2/").content.decode()
    assert "Shared by" not in own.split('id="sharing-heading"')[0]
    assert "Reply to the reporter" in own


@pytest.fixture
def smtp(settings: object) -> Iterator[Inbox]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"  # type: ignore[attr-defined]
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port  # type: ignore[attr-defined]
    settings.EMAIL_ENABLED = True  # type: ignore[attr-defined]
    yield inbox
    controller.stop()


@pytest.mark.django_db(transaction=True)
def test_the_arrival_e_mail_names_who_shared_it_and_nothing_of_the_content(
    files_dir: object, smtp: Inbox
) -> None:
    desks = TwoDesks()
    desks.receiver.analyst.email = "analyst@customs.example"
    desks.receiver.analyst.save()
    partner = FakePartner(name="Border Agency")
    assert post(partner.package(partner.share_payload())).status_code == 200
    jobs.wait_for_in_process_jobs()
    (email,) = smtp.wait_for(1)
    text = email.get_payload(decode=True).decode()  # type: ignore[union-attr]
    assert "shared by Border Agency arrived at Customs desk" in text
    # Its handling says how it may be used, as the inbox and case page do.
    assert "Handling: TLP:AMBER · H0 · XX" in text
    assert email["Subject"] == "[Tipline] Shared report at Customs desk"
    for secret in ("Truck with false floor", "From the border post", "route: A4", "note.txt"):
        assert secret not in text and secret not in email["Subject"]
    assert Report.objects.count() == 1
