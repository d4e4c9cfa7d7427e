"""Reading the audit log: the filters (person, report, kind, since), pages of it newest
first by keyset, and its rows in sentences for the page and the CSV.

Who sees which events is `selectors.audit_events_visible_to` (a supervisor their desks',
an administrator all). Filters only narrow that; a value that is not one of the reader's
choices is a form error (400), never a query."""

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tipline.accounts.models import Role, StaffUser
from tipline.audit.models import AuditEvent
from tipline.desks.models import Desk
from tipline.reports.models import Report

from . import selectors
from .audit_sentences import REPORTER_KINDS, SENTENCES, ReportName, say

PAGE_SIZE = 50
# Keyset cursors and report numbers are database integers: anything larger is refused.
MAX_ID = 2**63 - 1
MAX_NUMBER = 2**31 - 1
# Rows of the CSV turned into sentences at a time: one query for their reports' numbers.
CSV_BATCH = 500


def desks_readable_by(user: StaffUser) -> QuerySet[Desk]:
    if user.role == Role.ADMINISTRATOR:
        return Desk.objects.order_by("name")
    return Desk.objects.filter(memberships__staff=user).order_by("name")


def people_visible_to(user: StaffUser) -> QuerySet[StaffUser]:
    """Whose events the reader may filter by: everyone for an administrator, the members
    of their desks for a supervisor (the log shows only those desks' events anyway)."""
    people = StaffUser.objects.order_by("username")
    if user.role == Role.ADMINISTRATOR:
        return people
    return people.filter(memberships__desk__memberships__staff=user).distinct()


def kind_choices() -> list[tuple[str, str]]:
    """Each kind by its sentence with "…" for the names ("… opened …."; a partner named as
    one, so that a partner's deed reads apart from staff's), in the reader's language, in
    the order of `SENTENCES`; two kinds that still read alike show their kind as well."""
    shown = [
        (kind, str(sentence) % _Blanks())
        for kind, sentence in SENTENCES.items()
        if not kind.startswith("admin.")
    ]
    texts = [text for _kind, text in shown]
    return [(kind, text if texts.count(text) == 1 else f"{text} ({kind})") for kind, text in shown]


class _Blanks(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return _("a partner") if key == "partner" else "…"


class AuditFilterForm(forms.Form):
    person = forms.ChoiceField(label=gettext_lazy("Person"), required=False)
    desk = forms.ChoiceField(label=gettext_lazy("Desk"), required=False)
    number = forms.IntegerField(
        label=gettext_lazy("Report number"), required=False, min_value=1, max_value=MAX_NUMBER
    )
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), required=False)
    since = forms.DateField(
        label=gettext_lazy("Since"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    before = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, widget=forms.HiddenInput
    )
    after = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, widget=forms.HiddenInput
    )

    def __init__(self, user: StaffUser, data: Any = None) -> None:
        super().__init__(data)
        anyone = [("", _("Anyone"))]
        self.fields["person"].choices = anyone + [  # type: ignore[attr-defined]
            (name, name) for name in people_visible_to(user).values_list("username", flat=True)
        ]
        self.desks = {desk.slug: desk for desk in desks_readable_by(user)}
        self.fields["desk"].choices = [("", _("Every desk"))] + [  # type: ignore[attr-defined]
            (slug, desk.name) for slug, desk in self.desks.items()
        ]
        kinds = self.fields["kind"]
        kinds.choices = [("", _("Every kind")), *kind_choices()]  # type: ignore[attr-defined]

    def chosen(self) -> dict[str, Any]:
        """The filters chosen: none on the page asked without any (unbound)."""
        return self.cleaned_data if self.is_bound else {}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("number") and not data.get("desk"):
            if len(self.desks) != 1:
                raise forms.ValidationError(
                    _("Choose the desk of the report number."), code="desk_needed"
                )
            data["desk"] = next(iter(self.desks))
        if data.get("before") and data.get("after"):
            raise forms.ValidationError(_("Ask for one page at a time."), code="two_cursors")
        return data


@dataclass
class AuditPage:
    rows: list["AuditRow"]
    older: int | None  # the id to ask `before` for the next older page
    newer: int | None  # the id to ask `after` for the next newer page
    report_missing: bool  # the desk has no report of that number (any more)


@dataclass(frozen=True)
class AuditRow:
    event: AuditEvent
    sentence: str
    when: str  # ISO: date and time, or the date alone for a reporter's event
    date_only: bool
    report_number: int | None


def filtered(user: StaffUser, form: AuditFilterForm) -> tuple[QuerySet[AuditEvent], bool]:
    """The events the valid form selects, and whether a named report was not found."""
    events = selectors.audit_events_visible_to(user)
    data = form.chosen()
    if data.get("person"):
        events = events.filter(actor__username=data["person"])
    if data.get("desk"):
        desk = form.desks[data["desk"]]
        events = events.filter(desk=desk)
        if data.get("number"):
            report_id = (
                Report.objects.filter(desk=desk, number=data["number"])
                .values_list("id", flat=True)
                .first()
            )
            if report_id is None:
                return events.none(), True
            events = events.filter(report_id=report_id)
    if data.get("kind"):
        events = events.filter(action=data["kind"])
    if data.get("since"):
        start = datetime.datetime.combine(data["since"], datetime.time(), tzinfo=datetime.UTC)
        events = events.filter(at__gte=start)
    return events, False


def page_of(user: StaffUser, form: AuditFilterForm) -> AuditPage:
    """One page, newest first. Keyset on (at, id), the log's own order: a page stays the
    same page however many events arrive meanwhile. Uses index: audit_auditevent at."""
    events, missing = filtered(user, form)
    before, after = form.chosen().get("before"), form.chosen().get("after")
    anchor_id = before or after
    if anchor_id:
        anchor = events.filter(id=anchor_id).values_list("at", flat=True).first()
        if anchor is None:
            events = events.none()
        elif before:
            events = events.filter(Q(at__lt=anchor) | Q(at=anchor, id__lt=anchor_id))
        else:
            events = events.filter(Q(at__gt=anchor) | Q(at=anchor, id__gt=anchor_id))
    if after:
        found = list(events.order_by("at", "id")[: PAGE_SIZE + 1])
        more_newer = len(found) > PAGE_SIZE
        shown = list(reversed(found[:PAGE_SIZE]))
        older = shown[-1].id if shown else None
        newer = shown[0].id if shown and more_newer else None
    else:
        found = list(events.order_by("-at", "-id")[: PAGE_SIZE + 1])
        shown = found[:PAGE_SIZE]
        older = shown[-1].id if len(found) > PAGE_SIZE else None
        newer = shown[0].id if shown and before else None
    return AuditPage(
        rows=list(rows(shown, html=True)), older=older, newer=newer, report_missing=missing
    )


def rows(events: Iterable[AuditEvent], *, html: bool) -> Iterator[AuditRow]:
    """The events as sentences, their reports named by desk and number (one query)."""
    events = list(events)
    names = report_names({e.report_id for e in events if e.report_id is not None})
    for event in events:
        report = None
        if event.report_id is not None:
            report = names.get(event.report_id) or ReportName(
                desk=event.desk.name if event.desk else "—", number=None
            )
        date_only = event.action in REPORTER_KINDS
        at = event.at.astimezone(datetime.UTC)
        yield AuditRow(
            event=event,
            sentence=say(
                event.action,
                actor=event.actor.username if event.actor else None,
                desk=event.desk.name if event.desk else None,
                report=report,
                detail=event.detail if isinstance(event.detail, dict) else {},
                html=html,
            ),
            when=at.date().isoformat() if date_only else at.strftime("%Y-%m-%d %H:%M:%S"),
            date_only=date_only,
            report_number=report.number if report else None,
        )


def _number(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def report_names(report_ids: set[UUID]) -> dict[UUID, ReportName]:
    """Desk and number of each report; of a report deleted since, the number its
    `report.expired` event kept (two queries at most)."""
    reports = Report.objects.filter(id__in=report_ids).values_list("id", "number", "desk__name")
    names = {rid: ReportName(desk=desk, number=number) for rid, number, desk in reports}
    gone = report_ids - names.keys()
    if gone:
        expired = AuditEvent.objects.filter(action="report.expired", report_id__in=gone)
        for rid, detail, desk in expired.values_list("report_id", "detail", "desk__name"):
            number = _number(detail.get("number")) if isinstance(detail, dict) else None
            names[rid] = ReportName(desk=desk or "—", number=number)
    return names


def all_rows(user: StaffUser, form: AuditFilterForm) -> Iterator[AuditRow]:
    """Every event the filters select, newest first, for the CSV: read in batches."""
    events, _missing = filtered(user, form)
    batch: list[AuditEvent] = []
    for event in events.order_by("-at", "-id").iterator(chunk_size=CSV_BATCH):
        batch.append(event)
        if len(batch) == CSV_BATCH:
            yield from rows(batch, html=False)
            batch = []
    yield from rows(batch, html=False)


# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
