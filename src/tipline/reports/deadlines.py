"""A report's deadlines towards its reporter (acknowledge, give feedback), from its desk's
rules. Readable columns only: the inbox, reminders and statistics compute them unlocked."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from tipline.desks.models import Desk

from .models import Report, Status


@dataclass(frozen=True)
class Deadlines:
    """A report's deadlines towards its reporter. A report shared with us has no reporter
    here (the receipt never crosses), so none of them applies to it."""

    applies: bool
    acknowledge_by: dt.datetime
    feedback_by: dt.datetime
    acknowledge_late: bool
    feedback_late: bool
    acknowledge_done: bool
    feedback_done: bool

    @property
    def late(self) -> bool:
        return self.acknowledge_late or self.feedback_late


def deadlines(report: Report, desk: Desk, now: dt.datetime | None = None) -> Deadlines:
    now = now or timezone.now()
    has_reporter = report.has_reporter
    acknowledge_by = report.received_at + dt.timedelta(days=desk.acknowledge_within_days)
    feedback_by = report.received_at + dt.timedelta(days=desk.feedback_within_days)
    open_ = has_reporter and report.status != Status.CLOSED
    return Deadlines(
        applies=has_reporter,
        acknowledge_by=acknowledge_by,
        feedback_by=feedback_by,
        acknowledge_late=open_ and report.acknowledged_at is None and now > acknowledge_by,
        feedback_late=open_ and report.feedback_given_at is None and now > feedback_by,
        acknowledge_done=report.acknowledged_at is not None,
        feedback_done=report.feedback_given_at is not None,
    )
