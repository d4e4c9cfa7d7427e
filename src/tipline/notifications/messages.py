"""What staff are told, and to whom. No content, no report number, no reporter detail:
only that something arrived at a desk (and its category, unless the desk says no)."""

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Callable

from django.conf import settings
from django.core.mail import send_mass_mail
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tipline.accounts.models import StaffUser
from tipline.desks.models import Desk
from tipline.desks.selectors import recipients_of
from tipline.reports.deadlines import deadlines
from tipline.reports.models import Channel, Report, Status

logger = logging.getLogger(__name__)
# What a reminder counts; gettext_noop marks them, compose() translates them per recipient.
ACKNOWLEDGEMENT_LATE = gettext_noop("acknowledgement late")
ACKNOWLEDGEMENT_DUE_SOON = gettext_noop("acknowledgement due soon")
FEEDBACK_LATE = gettext_noop("feedback late")
FEEDBACK_DUE_SOON = gettext_noop("feedback due soon")
# Remind this long before a deadline, and every day after it has passed.
ACKNOWLEDGE_WARNING = dt.timedelta(days=2)
FEEDBACK_WARNING = dt.timedelta(days=14)


Compose = Callable[[], tuple[str, str]]


def _send(desk: Desk, compose: Compose, to: list[StaffUser]) -> int:
    """Send each recipient the message composed in their own language (their account's)."""
    if not settings.EMAIL_ENABLED:
        return 0
    messages = []
    for staff in to:
        if not staff.email:
            continue
        with translation.override(staff.language or settings.LANGUAGE_CODE):
            subject, body = compose()
        messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, [staff.email]))
    if not messages:
        return 0
    return int(send_mass_mail(messages, fail_silently=False))


def _desk_link(desk: Desk) -> str:
    return f"{settings.SITE_URL.rstrip('/')}/staff/desk/{desk.slug}/"


def report_arrived(report_id: object, shared_by: str = "", marking: str = "") -> int:
    """A report arrived: from a reporter, or shared by a partner agency or another desk
    (`shared_by` names it; who shared is routing, not content, and is all that is said,
    with its handling `marking`, e.g. "TLP:AMBER · H1 · B2": how it may be used)."""
    if not settings.EMAIL_ENABLED:
        return 0  # nothing to send: ask the database nothing (every submission comes here)
    report = Report.objects.select_related("desk", "category").filter(pk=report_id).first()
    if report is None:
        return 0  # deleted meanwhile (retention): nothing to say
    desk = report.desk
    name_category = desk.notifications_name_category

    def compose() -> tuple[str, str]:
        names = {"desk": desk.name, "category": str(report.category), "partner": shared_by}
        if shared_by:
            arrived = (
                _("A report (%(category)s) shared by %(partner)s arrived at %(desk)s.")
                if name_category
                else _("A report shared by %(partner)s arrived at %(desk)s.")
            ) % names
        else:
            arrived = (
                _("A new report (%(category)s) arrived at %(desk)s.")
                if name_category
                else _("A new report arrived at %(desk)s.")
            ) % names
        if marking:
            arrived += "\n" + _("Handling: %(marking)s") % {"marking": marking}
        body = (
            f"{arrived}\n\n"
            + _("Sign in to read it: %(link)s") % {"link": _desk_link(desk)}
            + "\n\n"
            + _("This message says nothing more on purpose.")
            + "\n"
        )
        subject = (
            _("[Tipline] Shared report at %(desk)s")
            if shared_by
            else _("[Tipline] New report at %(desk)s")
        )
        return subject % names, body

    return _send(desk, compose, recipients_of(desk))


def reporter_wrote(report_id: object) -> int:
    if not settings.EMAIL_ENABLED:
        return 0
    report = Report.objects.select_related("desk").filter(pk=report_id).first()
    if report is None:
        return 0
    desk = report.desk
    recipients = [report.assigned_to] if report.assigned_to else recipients_of(desk)

    def compose() -> tuple[str, str]:
        body = (
            _("A reporter wrote again at %(desk)s.") % {"desk": desk.name}
            + "\n\n"
            + _("Sign in to read it: %(link)s") % {"link": _desk_link(desk)}
            + "\n"
        )
        return _("[Tipline] New message at %(desk)s") % {"desk": desk.name}, body

    return _send(desk, compose, recipients)


def deadline_reminders(now: dt.datetime | None = None) -> int:
    """One message per desk and recipient: how many reports are near or past a deadline."""
    now = now or timezone.now()
    sent = 0
    for desk in Desk.objects.all():
        counts: defaultdict[str, int] = defaultdict(int)
        open_reports = (
            Report.objects.filter(desk=desk)
            .exclude(status=Status.CLOSED)
            .exclude(channel=Channel.SHARED)  # no reporter here to acknowledge
        )
        for report in open_reports.only(
            "received_at", "status", "channel", "acknowledged_at", "feedback_given_at"
        ).iterator():
            due = deadlines(report, desk, now)
            if not due.acknowledge_done:
                if due.acknowledge_late:
                    counts[ACKNOWLEDGEMENT_LATE] += 1
                elif due.acknowledge_by - now < ACKNOWLEDGE_WARNING:
                    counts[ACKNOWLEDGEMENT_DUE_SOON] += 1
            if not due.feedback_done:
                if due.feedback_late:
                    counts[FEEDBACK_LATE] += 1
                elif due.feedback_by - now < FEEDBACK_WARNING:
                    counts[FEEDBACK_DUE_SOON] += 1
        if not counts:
            continue
        sent += _send(desk, _deadline_composer(desk, dict(counts)), recipients_of(desk))
    logger.info("deadline reminders: %d messages", sent)
    return sent


def _deadline_composer(desk: Desk, counts: dict[str, int]) -> Compose:
    def compose() -> tuple[str, str]:
        lines = "\n".join(f"- {_(what)}: {count}" for what, count in sorted(counts.items()))
        body = (
            _("Deadlines at %(desk)s:") % {"desk": desk.name}
            + f"\n{lines}\n\n"
            + _("Sign in: %(link)s") % {"link": _desk_link(desk)}
            + "\n"
        )
        return _("[Tipline] Deadlines at %(desk)s") % {"desk": desk.name}, body

    return compose
