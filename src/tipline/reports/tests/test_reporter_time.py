"""No readable time finer than a reporter needs (`reports.reporter_time`): a report's arrival
to the hour, every later moment of the reporter's (a follow-up, a visit to the receipt page,
a reward becoming claimable) to the day, in the report's columns and in the audit log; and
the conversation still in the order it was written."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tipline.audit.models import AuditEvent
from tipline.casework.tests.helpers import report_in
from tipline.outcomes import rewards
from tipline.outcomes.models import Reward
from tipline.outcomes.tests.helpers import analyst_client, staff_on
from tipline.reports import reporter_time
from tipline.reports.models import Attachment, Message, Report
from tipline.reports.tests.samples import jpeg_with_gps
from tipline.testing.fixtures import DeskWithRecipient

pytestmark = pytest.mark.django_db


def to_the_hour(moment: dt.datetime) -> bool:
    return (moment.minute, moment.second, moment.microsecond) == (0, 0, 0)


def to_the_day(moment: dt.datetime) -> bool:
    return to_the_hour(moment) and moment.astimezone(dt.UTC).hour == 0


def test_after_a_report_a_follow_up_and_a_visit_no_reporter_time_is_finer_than_allowed(
    desk_with_recipient: DeskWithRecipient, files_dir: object
) -> None:
    setup = desk_with_recipient
    rewards.set_programme(setup.desk, currency="PKR", ceiling=Decimal("50000"), acting_user=None)
    report, receipt = report_in(setup, photo=True)
    analyst = analyst_client(setup)
    case = f"/staff/desk/narcotics/report/{report.number}/"
    assert analyst.post(case + "reply/", {"text": "Thank you, tell us more."}).status_code == 302
    response = Client().post(
        "/en/receipt/message/",
        {
            "receipt": receipt,
            "text": "The boat leaves at dawn.",
            "attachments": SimpleUploadedFile("jetty.jpg", jpeg_with_gps()),
        },
    )
    assert response.status_code == 200
    _client, supervisor = staff_on(setup, "sup", "supervisor")
    reward = rewards.propose(report, "500", acting_user=setup.analyst)
    rewards.decide(reward, approve=True, acting_user=supervisor)  # type: ignore[arg-type]
    assert Client().post("/en/receipt/", {"receipt": receipt}).status_code == 200  # a visit

    report = Report.objects.get(pk=report.pk)
    assert to_the_hour(report.received_at)
    assert to_the_day(report.last_reporter_activity_at)
    from_reporter = Message.objects.filter(report=report, author__isnull=True)
    assert from_reporter.count() == 1
    assert all(to_the_day(message.sent_at) for message in from_reporter)
    initial = Attachment.objects.filter(report=report, message__isnull=True)
    later = Attachment.objects.filter(
        report=report, message__isnull=False, message__author__isnull=True
    )
    assert initial.count() == 1 and later.count() == 1
    assert to_the_hour(initial.get().uploaded_at) and to_the_day(later.get().uploaded_at)
    assert to_the_day(Reward.objects.get(pk=reward.pk).claimable_at)  # type: ignore[arg-type]

    # The audit rows of the reporter's moments: no actor, as coarse as the columns.
    by_reporter = {
        event.action: event.at
        for event in AuditEvent.objects.filter(report_id=report.id, actor__isnull=True)
    }
    assert set(by_reporter) == {
        "report.received",
        "report.reporter_message",
        "report.opened_by_reporter",
        "reward.claimable",
    }
    assert to_the_hour(by_reporter.pop("report.received"))
    assert all(to_the_day(moment) for moment in by_reporter.values())

    # The staff's own moments stay exact; the conversation keeps the order it was written
    # in, the reply first although the reporter's message has the earlier (coarser) time.
    page = analyst.get(case).content.decode()
    assert page.index("Thank you, tell us more.") < page.index("The boat leaves at dawn.")
    reply = Message.objects.get(report=report, author__isnull=False)
    assert reply.sent_at > Message.objects.get(report=report, author__isnull=True).sent_at
    assert list(Message.objects.filter(report=report)) == [
        reply,
        Message.objects.get(report=report, author__isnull=True),
    ]


def test_the_coarse_times_are_utc_hours_and_days() -> None:
    moment = dt.datetime(2026, 12, 6, 3, 41, 17, 123456, tzinfo=dt.timezone(dt.timedelta(hours=5)))
    assert reporter_time.arrival_hour(moment) == dt.datetime(2026, 12, 5, 22, tzinfo=dt.UTC)
    assert reporter_time.reporter_day(moment) == dt.datetime(2026, 12, 5, tzinfo=dt.UTC)
