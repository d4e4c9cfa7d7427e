"""What staff are told, and to whom. No content, no report number, no reporter detail:
only that something arrived at a desk (and its category, unless the desk says no)."""

import datetime as dt
import logging
from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mass_mail
from django.utils import timezone

from tipline.accounts.models import StaffUser
from tipline.casework.selectors import deadlines
from tipline.desks.models import Desk
from tipline.desks.selectors import recipients_of
from tipline.intake.models import Report, Status

logger = logging.getLogger(__name__)
# Remind this long before a deadline, and every day after it has passed.
ACKNOWLEDGE_WARNING = dt.timedelta(days=2)
FEEDBACK_WARNING = dt.timedelta(days=14)


def _send(desk: Desk, subject: str, body: str, to: list[StaffUser]) -> int:
    addresses = [staff.email for staff in to if staff.email]
    if not addresses or not settings.EMAIL_ENABLED:
        return 0
    messages = [(subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for address in addresses]
    return int(send_mass_mail(messages, fail_silently=False))


def _desk_link(desk: Desk) -> str:
    return f"{settings.SITE_URL.rstrip('/')}/staff/desk/{desk.slug}/"


def report_arrived(report_id: object) -> int:
    report = Report.objects.select_related("desk", "category").filter(pk=report_id).first()
    if report is None:
        return 0  # deleted meanwhile (retention): nothing to say
    desk = report.desk
    what = f" ({report.category})" if desk.notifications_name_category else ""
    body = (
        f"A new report{what} arrived at {desk.name}.\n\n"
        f"Sign in to read it: {_desk_link(desk)}\n\n"
        "This message says nothing more on purpose.\n"
    )
    return _send(desk, f"[Tipline] New report at {desk.name}", body, recipients_of(desk))


def reporter_wrote(report_id: object) -> int:
    report = Report.objects.select_related("desk").filter(pk=report_id).first()
    if report is None:
        return 0
    desk = report.desk
    recipients = [report.assigned_to] if report.assigned_to else recipients_of(desk)
    body = f"A reporter wrote again at {desk.name}.\n\nSign in to read it: {_desk_link(desk)}\n"
    return _send(desk, f"[Tipline] New message at {desk.name}", body, recipients)


def deadline_reminders(now: dt.datetime | None = None) -> int:
    """One message per desk and recipient: how many reports are near or past a deadline."""
    now = now or timezone.now()
    sent = 0
    for desk in Desk.objects.all():
        counts: defaultdict[str, int] = defaultdict(int)
        open_reports = Report.objects.filter(desk=desk).exclude(status=Status.CLOSED)
        for report in open_reports.only(
            "received_at", "status", "acknowledged_at", "feedback_given_at"
        ).iterator():
            due = deadlines(report, desk, now)
            if not due.acknowledge_done:
                if due.acknowledge_late:
                    counts["acknowledgement late"] += 1
                elif due.acknowledge_by - now < ACKNOWLEDGE_WARNING:
                    counts["acknowledgement due soon"] += 1
            if not due.feedback_done:
                if due.feedback_late:
                    counts["feedback late"] += 1
                elif due.feedback_by - now < FEEDBACK_WARNING:
                    counts["feedback due soon"] += 1
        if not counts:
            continue
        lines = "\n".join(f"- {what}: {count}" for what, count in sorted(counts.items()))
        body = f"Deadlines at {desk.name}:\n{lines}\n\nSign in: {_desk_link(desk)}\n"
        sent += _send(desk, f"[Tipline] Deadlines at {desk.name}", body, recipients_of(desk))
    logger.info("deadline reminders: %d messages", sent)
    return sent
