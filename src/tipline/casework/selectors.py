"""Reads for the inbox and the supervisor's pages. Nothing here decrypts anything: the inbox
is built from readable routing columns only, so it stays fast and needs no key (a row's line
of text is decrypted apart, for the page shown: `rows`)."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from tipline.accounts.models import Role, StaffUser
from tipline.audit.models import AuditEvent
from tipline.desks.models import Desk
from tipline.reports.models import Channel, Message, Report, ReportKeySeal, Status
from tipline.sharing.models import ReceivedShare
from tipline.triage import language as detected_language

from .models import Reading

PAGE_SIZE = 50
# The inbox never loads ciphertext columns.
INBOX_COLUMNS = [
    "id",
    "desk_id",
    "number",
    "category_id",
    "language",
    "channel",
    "status",
    "close_reason",
    "assigned_to_id",
    "received_at",
    "last_reporter_activity_at",
    "acknowledged_at",
    "feedback_given_at",
]


@dataclass(frozen=True)
class InboxFilters:
    status: str = ""
    category_id: int | None = None
    language: str = ""
    text_language: str = ""  # detected by triage from the text
    assigned: str = ""  # "" any, "me", "none", or a staff id
    label_id: int | None = None
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    unread: bool = False  # unread by the staff member who looks (`Reading`)
    overdue: bool = False
    shared: bool = False  # shared with us by a partner or another desk
    # Reports found by words (a subquery of ids, `triage.search.matching`); None: no search.
    found: Any = None


@dataclass(frozen=True)
class Cursor:
    """Where a page ends: the sort moment (arrival, latest activity or due date) and the
    number of its last report (keyset paging; arrival is kept to the hour and the reporter's
    activity to the day, and within them the desk's number orders). The field keeps its
    first name, `received_at`."""

    received_at: dt.datetime
    number: int

    def encode(self) -> str:
        return f"{self.received_at.isoformat()}|{self.number}"

    @classmethod
    def decode(cls, text: str) -> "Cursor | None":
        try:
            moment, _, number = text.partition("|")
            parsed = dt.datetime.fromisoformat(moment)
            if parsed.tzinfo is None or not number.isascii() or not number.isdigit():
                return None
            return cls(parsed, int(number))
        except ValueError:
            return None


class Sort:
    """The inbox's orders. Each pages by a keyset cursor (the sort moment and the id of a
    page's last report), never by offset, so a deep page costs what the first one does."""

    NEWEST = "newest"  # arrival, newest first
    ACTIVITY = "activity"  # the reporter's latest report or message, most recent first
    DUE = "due"  # the next deadline towards the reporter, soonest first (open reports only)
    VALUES = (NEWEST, ACTIVITY, DUE)


def inbox(
    desk: Desk,
    user: StaffUser,
    filters: InboxFilters,
    after: Cursor | None = None,
    sort: str = Sort.NEWEST,
) -> tuple[list[Report], Cursor | None]:
    """One page of a desk's reports in `sort` order, and the cursor of the next page.

    Uses index: intake_report report_inbox* (desk, <filter column>, -received_at);
    report_inbox_activity (desk, -last_reporter_activity_at, -number) for the activity order.
    """
    if sort == Sort.DUE:
        return _by_due(desk, user, filters, after)
    moment = "last_reporter_activity_at" if sort == Sort.ACTIVITY else "received_at"
    reports = _filtered(desk, user, filters)
    if after is not None:
        reports = reports.filter(
            Q(**{f"{moment}__lt": after.received_at})
            | Q(**{moment: after.received_at, "number__lt": after.number})
        )
    rows = _page_rows(reports, user, moment).order_by(f"-{moment}", "-number")
    page = _with_markers(list(rows[: PAGE_SIZE + 1]))
    if len(page) > PAGE_SIZE:
        page = page[:PAGE_SIZE]
        return page, Cursor(getattr(page[-1], moment), page[-1].number)
    return page, None


def _page_rows(reports: QuerySet[Report], user: StaffUser, *also: str) -> QuerySet[Report]:
    return (
        reports.select_related("category", "assigned_to", "detected_language")
        .prefetch_related("labels__label")
        .only(
            *INBOX_COLUMNS,
            *also,
            "category__names",
            "assigned_to__username",
            "detected_language__language",
        )
        .annotate(
            shared_by=_SHARED_BY,
            shared_handling=_SHARED_HANDLING,
            my_read_at=_read_by(user),
            my_seen_position=_seen_by(user),
            reporter_position=_LAST_FROM_REPORTER,
        )
    )


def _with_markers(page: list[Report]) -> list[Report]:
    """Each person's own markers (`Reading`): never opened by them ("new"), or the reporter
    wrote after the last message they saw ("new message")."""
    for report in page:
        read_at = report.my_read_at  # type: ignore[attr-defined]
        report.is_new = read_at is None  # type: ignore[attr-defined]
        report.has_new_message = (  # type: ignore[attr-defined]
            read_at is not None and (report.reporter_position or 0) > report.my_seen_position  # type: ignore[attr-defined]
        )
    return page


def _by_due(
    desk: Desk, user: StaffUser, filters: InboxFilters, after: Cursor | None
) -> tuple[list[Report], Cursor | None]:
    """Open reports with a deadline still to meet, the soonest deadline first.

    Every deadline is a fixed number of days after arrival, so the reports still to be
    acknowledged are in deadline order when taken oldest first, and so are those still
    awaiting feedback: two keyset reads by arrival (index report_inbox, read backwards),
    merged here. Closed reports, shared ones (no reporter here) and those with both
    deadlines met have no due date and are left out of this order."""
    pending = (
        _filtered(desk, user, filters)
        .exclude(status=Status.CLOSED)
        .exclude(channel=Channel.SHARED)
        .filter(feedback_given_at__isnull=True)
    )
    streams = [
        (pending.filter(acknowledged_at__isnull=True), desk.acknowledge_within_days),
        (pending.filter(acknowledged_at__isnull=False), desk.feedback_within_days),
    ]
    merged: list[Report] = []
    for reports, days in streams:
        shift = dt.timedelta(days=days)
        if after is not None:
            since = after.received_at - shift
            reports = reports.filter(
                Q(received_at__gt=since) | Q(received_at=since, number__gt=after.number)
            )
        for report in _page_rows(reports, user).order_by("received_at", "number")[: PAGE_SIZE + 1]:
            report.due_at = report.received_at + shift  # type: ignore[attr-defined]
            merged.append(report)
    merged.sort(key=lambda report: (report.due_at, report.number))  # type: ignore[attr-defined]
    if len(merged) > PAGE_SIZE:
        page = _with_markers(merged[:PAGE_SIZE])
        return page, Cursor(page[-1].due_at, page[-1].number)  # type: ignore[attr-defined]
    return _with_markers(merged), None


@dataclass(frozen=True)
class Counts:
    shown: int
    unread: int
    late: int


def counts(desk: Desk, user: StaffUser, filters: InboxFilters) -> Counts:
    """How many reports the filters show, and how many of those are unread or late: the
    line above the inbox. One pass over the filtered reports, whatever the page."""
    now = timezone.now()
    acknowledge_cutoff = now - dt.timedelta(days=desk.acknowledge_within_days)
    feedback_cutoff = now - dt.timedelta(days=desk.feedback_within_days)
    # The same conditions as the "unread" and "deadline passed" filters (`_filtered`).
    unread = Q(seen_all=False)
    late = (
        ~Q(status=Status.CLOSED)
        & (
            Q(acknowledged_at__isnull=True, received_at__lt=acknowledge_cutoff)
            | Q(feedback_given_at__isnull=True, received_at__lt=feedback_cutoff)
        )
        & ~Q(channel=Channel.SHARED)
    )
    totals = (
        _filtered(desk, user, filters)
        .annotate(reporter_at=Coalesce(_LAST_FROM_REPORTER, 0))
        .annotate(
            seen_all=Exists(
                Reading.objects.filter(
                    report=OuterRef("pk"), user=user, seen_position__gte=OuterRef("reporter_at")
                )
            )
        )
        .aggregate(
            shown=Count("id"), unread=Count("id", filter=unread), late=Count("id", filter=late)
        )
    )
    return Counts(**totals)


# Who shared a report with us ("" for a reporter's own): a scalar subquery evaluated for
# the page's rows only, by sharing_receivedshare's unique report_id. Not a join: one more
# join in the FROM clause turned SQLite's plan for deep keyset pages from the inbox index
# into a sort of every older report (bench/inbox.py; figures in docs/deploy.md, Capacity).
_SHARED_BY = Subquery(
    ReceivedShare.objects.filter(report_id=OuterRef("pk"))
    .annotate(name=Coalesce("from_desk__name", "sender_name"))
    .values("name")[:1]
)
# Its TLP level, handling code and grading (sharing's `stix.Handling`), by the same index.
_SHARED_HANDLING = Subquery(
    ReceivedShare.objects.filter(report_id=OuterRef("pk")).values("handling")[:1]
)


def _read_by(user: StaffUser) -> Subquery:
    """When `user` last opened each report of the page (None: never), a scalar subquery.
    Uses index: casework_reading one_reading_per_person (user_id, report_id)."""
    return Subquery(Reading.objects.filter(report=OuterRef("pk"), user=user).values("read_at")[:1])


def _seen_by(user: StaffUser) -> Subquery:
    """The place of the last message `user` had seen in each report of the page, by the
    same index as `_read_by`."""
    return Subquery(
        Reading.objects.filter(report=OuterRef("pk"), user=user).values("seen_position")[:1]
    )


# The place of the reporter's last message in each report (None: the report alone so far).
_LAST_FROM_REPORTER = Subquery(
    Message.objects.filter(report=OuterRef("pk"), author__isnull=True)
    .order_by("-position")
    .values("position")[:1]
)


def _filtered(desk: Desk, user: StaffUser, filters: InboxFilters) -> QuerySet[Report]:
    reports = Report.objects.filter(desk=desk)
    if filters.status:
        reports = reports.filter(status=filters.status)
    if filters.category_id:
        reports = reports.filter(category_id=filters.category_id)
    if filters.language:
        reports = reports.filter(language=filters.language)
    if filters.text_language:
        # Uses index: triage_detectedlanguage detected_language (language, report_id).
        # "ur" takes Urdu in Latin letters too; "other" is what no named choice takes.
        codes, complement = detected_language.filter_codes(filters.text_language)
        matching = Q(detected_language__language__in=codes)
        if complement:
            reports = reports.filter(detected_language__isnull=False).exclude(matching)
        else:
            reports = reports.filter(matching)
    if filters.assigned == "me":
        reports = reports.filter(assigned_to=user)
    elif filters.assigned == "none":
        reports = reports.filter(assigned_to__isnull=True)
    elif filters.assigned:
        reports = reports.filter(assigned_to_id=int(filters.assigned))
    if filters.label_id:
        # Uses index: casework_reportlabel one_label_per_report (label_id, report_id).
        reports = reports.filter(labels__label_id=filters.label_id)
    if filters.shared:
        # Shared reports are few: their ids (sharing_receivedshare, by its unique report_id)
        # are looked up first, then the reports by primary key.
        reports = reports.filter(channel=Channel.SHARED)
    if filters.found is not None:
        reports = reports.filter(pk__in=filters.found)
    if filters.received_from:
        reports = reports.filter(received_at__date__gte=filters.received_from)
    if filters.received_to:
        reports = reports.filter(received_at__date__lte=filters.received_to)
    if filters.unread:
        # Unread by this person: no reading of theirs that saw the reporter's last message.
        # Uses index: casework_reading one_reading_per_person (user_id, report_id).
        reports = reports.annotate(reporter_position=Coalesce(_LAST_FROM_REPORTER, 0)).exclude(
            Exists(
                Reading.objects.filter(
                    report=OuterRef("pk"),
                    user=user,
                    seen_position__gte=OuterRef("reporter_position"),
                )
            )
        )
    if filters.overdue:
        now = timezone.now()
        acknowledge_cutoff = now - dt.timedelta(days=desk.acknowledge_within_days)
        feedback_cutoff = now - dt.timedelta(days=desk.feedback_within_days)
        reports = (
            reports.exclude(status=Status.CLOSED)
            .filter(
                Q(acknowledged_at__isnull=True, received_at__lt=acknowledge_cutoff)
                | Q(feedback_given_at__isnull=True, received_at__lt=feedback_cutoff)
            )
            .exclude(channel=Channel.SHARED)
        )
    return reports


def next_unread(desk: Desk, user: StaffUser, number: int) -> int | None:
    """The number of the report to read after report `number`: the next one down the
    inbox's first order (newest first) that `user` can open and has not read (never opened,
    or the reporter wrote since), going round to the newest; None when none is left.

    Walks the desk's reports by number from `number` down, then from the top, and stops at
    the first unread one. Uses index: intake_report (desk_id, number) unique; per report,
    intake_reportkeyseal (report_id, staff_id) and casework_reading one_reading_per_person.
    Asked only when the analyst follows the link, never to draw the case page."""
    unread = (
        Report.objects.filter(desk=desk)
        .exclude(number=number)
        .filter(Exists(ReportKeySeal.objects.filter(report=OuterRef("pk"), staff=user)))
        .annotate(reporter_position=Coalesce(_LAST_FROM_REPORTER, 0))
        .exclude(
            Exists(
                Reading.objects.filter(
                    report=OuterRef("pk"),
                    user=user,
                    seen_position__gte=OuterRef("reporter_position"),
                )
            )
        )
        .values_list("number", flat=True)
    )
    found = unread.filter(number__lt=number).order_by("-number").first()
    if found is None:
        found = unread.filter(number__gt=number).order_by("-number").first()
    return found


def workload(desk: Desk) -> dict[str, object]:
    """Open reports per assignee and per status, for a supervisor."""
    open_reports = Report.objects.filter(desk=desk).exclude(status=Status.CLOSED)
    per_assignee = (
        open_reports.values("assigned_to__username")
        .annotate(reports=Count("id"))
        .order_by("-reports")
    )
    counted = Report.objects.filter(desk=desk).values("status").annotate(reports=Count("id"))
    per_status = {row["status"]: row["reports"] for row in counted}
    return {
        "per_assignee": list(per_assignee),
        # Each state by its name in the reader's language, in the workflow's order.
        "per_status": [(label, per_status.get(value, 0)) for value, label in Status.choices],
    }


def audit_events_visible_to(user: StaffUser) -> QuerySet[AuditEvent]:
    """The audit events a supervisor or administrator may read.

    A supervisor sees the events of their own desks only (a desk's reports, its staff's
    work on them); events of other desks, and installation-wide events with no desk
    (sign-ins, administration), are the administrator's, whose reads are audited too.
    """
    events = AuditEvent.objects.select_related("actor", "desk")
    if user.role == Role.ADMINISTRATOR:
        return events
    return events.filter(desk__memberships__staff=user)
