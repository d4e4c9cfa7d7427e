"""A report shared with us has no reporter here: its receipt stayed with the sender. So the
deadlines towards a reporter (acknowledge, give feedback) do not apply to it: the case page
and the inbox show none, the "overdue" filter and the reminder e-mails leave it out, the
statistics of first response and deadline compliance do not count it as never answered,
and a reply to it (which no one would read) is refused with a clear error, nothing kept.
A reporter's own report beside it keeps all of these."""

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from tipline.casework.tests.helpers import report_in
from tipline.notifications import messages
from tipline.outcomes import statistics
from tipline.reports.models import Message, Report
from tipline.sharing.tests.helpers import TwoDesks
from tipline.sharing.tests.partner_kit import FakePartner, post
from tipline.testing.fixtures import sign_in

pytestmark = pytest.mark.django_db
INBOX = "/staff/desk/customs/"
LONG_AGO = dt.timedelta(days=100)  # past both of the desk's deadlines


@pytest.fixture
def desks(files_dir: object) -> TwoDesks:
    """On the receiving desk, both old and unanswered: #1 shared by a partner, #2 a
    reporter's own."""
    desks = TwoDesks()
    partner = FakePartner(name="Border Agency")
    assert post(partner.package(partner.share_payload())).status_code == 200
    report_in(desks.receiver, description="A reporter's own report")
    Report.objects.update(received_at=timezone.now() - LONG_AGO)
    return desks


@pytest.fixture
def client(desks: TwoDesks) -> Client:
    client = Client()
    sign_in(client, desks.receiver.analyst, desks.receiver.device)
    return client


def deadline_cell(response: object) -> dict[int, str]:
    """Each inbox row's deadline, as the template decides it."""
    return {
        report.number: "none" if not due.applies else "late" if due.late else "due"
        for report, due in response.context["rows"]  # type: ignore[attr-defined]
    }


def test_no_deadline_is_shown_or_filtered_for_a_shared_report(client: Client) -> None:
    inbox = client.get(INBOX)
    assert deadline_cell(inbox) == {1: "none", 2: "late"}
    assert inbox.content.decode().count("acknowledgement late") == 1

    overdue = client.get(INBOX + "?overdue=on")
    assert [report.number for report, _ in overdue.context["rows"]] == [2]

    shared = client.get(INBOX + "report/1/").content.decode()
    assert "Acknowledgement was due" not in shared and "Feedback was due" not in shared
    own = client.get(INBOX + "report/2/").content.decode()
    assert "Acknowledgement was due" in own and "Feedback was due" in own


def test_reminders_count_only_the_reporters_own_reports(desks: TwoDesks, settings: object) -> None:
    settings.EMAIL_ENABLED = True  # type: ignore[attr-defined]
    desks.receiver.analyst.email = "analyst@customs.example"
    desks.receiver.analyst.save()
    assert messages.deadline_reminders() == 1
    body = mail.outbox[-1].body
    assert "- acknowledgement late: 1" in body and "- feedback late: 1" in body


def test_statistics_do_not_count_a_shared_report_as_never_answered(desks: TwoDesks) -> None:
    today = timezone.now().date()
    period = statistics.Period(today - dt.timedelta(days=120), today)
    desk = [desks.receiver.desk]
    assert statistics.first_response(desk, period)["not_yet"] == 1
    compliance = statistics.deadline_compliance(desk, period)
    assert compliance["ack_due"] == 1 and compliance["feedback_due"] == 1
    # Every other figure still counts the shared report.
    assert statistics.reports_in(desk, period).count() == 2


def test_a_reply_to_a_shared_report_is_refused_and_nothing_kept(client: Client) -> None:
    before = Message.objects.count()
    refused = client.post(INBOX + "report/1/reply/", {"text": "Thank you", "feedback": "on"})
    assert refused.status_code == 400
    assert "has no reporter here: nothing was sent" in refused.content.decode()
    assert Message.objects.count() == before
    shared = Report.objects.get(number=1)
    assert shared.acknowledged_at is None and shared.feedback_given_at is None

    answered = client.post(INBOX + "report/2/reply/", {"text": "Thank you"})
    assert answered.status_code == 302
    assert Message.objects.count() == before + 1
