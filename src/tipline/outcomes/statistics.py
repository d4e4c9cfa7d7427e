"""Figures for dashboards, campaigns and the public page, computed by the database.

Every function here is a handful of aggregate queries (GROUP BY week, category, kind...):
the work grows with the number of groups shown, never with the number of rows, so that
100,000 reports cost the same few queries as ten (bench/stats.py measures it). The only
Python loops are over desks and over the grouped results.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, DateField, F, FloatField, Func, Q, QuerySet, Sum
from django.utils import timezone

from tipline.desks.models import Desk
from tipline.reports.models import Channel, CloseReason, Report, Status

from .models import Outcome, OutcomeKind, Reward, RewardState, SeizureKind, Unit


class WeekStart(Func):
    """The Monday (UTC) of a timestamp's or date's week, as a date, in the database's own
    functions (Django's TruncWeek calls back into Python for every row on SQLite)."""

    output_field = DateField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="date(%(expressions)s, 'weekday 0', '-6 days')", **extra
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="(date_trunc('week', (%(expressions)s)::timestamp))::date",
            **extra,
        )


class MonthStart(Func):
    """The first day (UTC) of a timestamp's or date's month, as a date."""

    output_field = DateField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="date(%(expressions)s, 'start of month')", **extra
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="(date_trunc('month', (%(expressions)s)::timestamp))::date",
            **extra,
        )


class DaysBetween(Func):
    """Days (fractional) from the second timestamp to the first, computed by the database."""

    output_field = FloatField()
    arity = 2

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="(julianday(%(expressions)s))",
            arg_joiner=") - julianday(",
            **extra,
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="(EXTRACT(EPOCH FROM (%(expressions)s)) / 86400.0)",
            arg_joiner=" - ",
            **extra,
        )


@dataclass(frozen=True)
class Period:
    """From `start` to `end`, both days included (UTC)."""

    start: datetime.date
    end: datetime.date

    @property
    def since(self) -> datetime.datetime:
        return datetime.datetime.combine(self.start, datetime.time.min, tzinfo=datetime.UTC)

    @property
    def until(self) -> datetime.datetime:
        day_after = self.end + datetime.timedelta(days=1)
        return datetime.datetime.combine(day_after, datetime.time.min, tzinfo=datetime.UTC)

    @classmethod
    def last_weeks(cls, weeks: int = 12) -> "Period":
        today = timezone.now().date()
        return cls(today - datetime.timedelta(weeks=weeks), today)


@dataclass
class Table:
    """A table behind a chart: row labels, column labels, numbers (row-major)."""

    title: str
    rows: list[str]
    columns: list[str]
    values: list[list[float | Decimal | int]] = field(default_factory=list)


@dataclass(frozen=True)
class OutcomeTotals:
    arrests: int
    charges: int
    cleared: int
    seizures: int
    firearms: Decimal  # pieces
    ammunition: Decimal  # rounds
    through_partner: int
    seizures_by_kind: dict[str, int]
    drugs: list[tuple[str, str, Decimal]]  # substance, unit, quantity
    assets: list[tuple[str, Decimal]]  # currency, value
    seizure_values: list[tuple[str, Decimal]]  # currency, value of what was seized


@dataclass(frozen=True)
class RewardTotals:
    by_state: dict[str, int]
    paid: list[tuple[str, int, Decimal]]  # currency, how many, sum


def reports_in(
    desks: list[Desk], period: Period, category_slugs: list[str] | None = None
) -> QuerySet[Report]:
    reports = Report.objects.filter(
        desk__in=desks, received_at__gte=period.since, received_at__lt=period.until
    )
    if category_slugs:
        reports = reports.filter(category__slug__in=category_slugs)
    return reports


def reporters_reports_in(desks: list[Desk], period: Period) -> QuerySet[Report]:
    """The period's reports that have a reporter behind them here: not those a partner or
    another desk shared with us (their receipt stayed with the sender), which no one here
    can acknowledge or answer and which would otherwise count as never answered."""
    return reports_in(desks, period).exclude(channel=Channel.SHARED)


def current_outcomes(
    desks: list[Desk], period: Period, category_slugs: list[str] | None = None
) -> QuerySet[Outcome]:
    """Outcomes that count: current, not withdrawn, happened in the period.
    Uses index: outcome_stats (desk, current, kind, occurred_on)."""
    outcomes = Outcome.objects.filter(
        desk__in=desks,
        current=True,
        withdrawn=False,
        occurred_on__gte=period.start,
        occurred_on__lte=period.end,
    )
    if category_slugs:
        outcomes = outcomes.filter(category__slug__in=category_slugs)
    return outcomes


def weekly_counts(reports: QuerySet[Report], by: str) -> dict[tuple[datetime.date, str], int]:
    """Reports per (week, `by`) where `by` is "category__slug" or "language"."""
    rows = (
        reports.annotate(week=WeekStart("received_at"))
        .values("week", by)
        .annotate(n=Count("id"))
        .order_by()
    )
    return {(_day(row["week"]), row[by]): row["n"] for row in rows}


def weeks_of(period: Period) -> list[datetime.date]:
    first = period.start - datetime.timedelta(days=period.start.weekday())
    weeks = []
    while first <= period.end:
        weeks.append(first)
        first += datetime.timedelta(weeks=1)
    return weeks


def outcome_totals(outcomes: QuerySet[Outcome]) -> OutcomeTotals:
    by_kind = dict(
        outcomes.values("kind")
        .annotate(n=Count("id"), total=Sum("count"))
        .order_by()
        .values_list("kind", "total")
    )
    counts = dict(
        outcomes.values("kind").annotate(n=Count("id")).order_by().values_list("kind", "n")
    )
    seizures = outcomes.filter(kind=OutcomeKind.SEIZURE)
    by_seizure = dict(
        seizures.values("seizure_kind")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("seizure_kind", "n")
    )
    # Pieces only, rounds only: the form refuses other units for these kinds, and a row
    # entered otherwise before that rule is left out rather than added to the wrong unit.
    firearms = seizures.filter(seizure_kind=SeizureKind.FIREARMS, unit=Unit.PIECES).aggregate(
        q=Sum("quantity")
    )["q"]
    ammunition = seizures.filter(seizure_kind=SeizureKind.AMMUNITION, unit=Unit.ROUNDS).aggregate(
        q=Sum("quantity")
    )["q"]
    drugs = [
        (row["substance"], row["unit"], row["q"])
        for row in seizures.filter(seizure_kind=SeizureKind.DRUGS)
        .values("substance", "unit")
        .annotate(q=Sum("quantity"))
        .order_by("substance", "unit")
        if row["q"] is not None
    ]
    assets = [
        (row["currency"], row["v"])
        for row in outcomes.filter(kind=OutcomeKind.ASSETS)
        .values("currency")
        .annotate(v=Sum("value"))
        .order_by("currency")
    ]
    seizure_values = [
        (row["currency"], row["v"])
        for row in seizures.filter(value__isnull=False)
        .values("currency")
        .annotate(v=Sum("value"))
        .order_by("currency")
    ]
    return OutcomeTotals(
        arrests=by_kind.get(OutcomeKind.ARRESTS) or 0,
        charges=by_kind.get(OutcomeKind.CHARGES) or 0,
        cleared=counts.get(OutcomeKind.CLEARED, 0),
        seizures=counts.get(OutcomeKind.SEIZURE, 0),
        firearms=firearms or Decimal(0),
        ammunition=ammunition or Decimal(0),
        through_partner=outcomes.filter(through_partner=True).count(),
        seizures_by_kind=by_seizure,
        drugs=drugs,
        assets=assets,
        seizure_values=seizure_values,
    )


def reward_totals(
    desks: list[Desk], period: Period, category_slugs: list[str] | None = None
) -> RewardTotals:
    rewards = Reward.objects.filter(desk__in=desks)
    if category_slugs:
        rewards = rewards.filter(category__slug__in=category_slugs)
    proposed = rewards.filter(proposed_at__gte=period.since, proposed_at__lt=period.until)
    by_state = dict(
        proposed.values("state").annotate(n=Count("id")).order_by().values_list("state", "n")
    )
    paid = [
        (row["currency"], row["n"], row["s"])
        for row in rewards.filter(
            state=RewardState.PAID, paid_at__gte=period.since, paid_at__lt=period.until
        )
        .values("currency")
        .annotate(n=Count("id"), s=Sum("amount"))
        .order_by("currency")
    ]
    return RewardTotals(by_state=by_state, paid=paid)


def first_response(desks: list[Desk], period: Period) -> dict[str, int]:
    """Reports of the period by how soon the first reply came (or that none came yet)."""
    reports = reporters_reports_in(desks, period).annotate(
        days=DaysBetween(F("acknowledged_at"), F("received_at"))
    )
    return reports.aggregate(
        within_1_day=Count("id", filter=Q(days__lte=1)),
        within_7_days=Count("id", filter=Q(days__gt=1, days__lte=7)),
        within_30_days=Count("id", filter=Q(days__gt=7, days__lte=30)),
        later=Count("id", filter=Q(days__gt=30)),
        not_yet=Count("id", filter=Q(acknowledged_at__isnull=True)),
    )


def deadline_compliance(desks: list[Desk], period: Period) -> dict[str, int]:
    """Acknowledged and fed back within each desk's limits, over the reports of the period
    whose deadline has come (one aggregate per desk: each has its own limits)."""
    now = timezone.now()
    # Every figure is there, zero too: a viewer whose desks do not count sees zeros.
    totals = dict.fromkeys(("ack_due", "ack_on_time", "feedback_due", "feedback_on_time"), 0)
    for desk in desks:
        ack = datetime.timedelta(days=desk.acknowledge_within_days)
        feedback = datetime.timedelta(days=desk.feedback_within_days)
        reports = reporters_reports_in([desk], period).annotate(
            ack_days=DaysBetween(F("acknowledged_at"), F("received_at")),
            feedback_days=DaysBetween(F("feedback_given_at"), F("received_at")),
        )
        figures = reports.aggregate(
            ack_due=Count("id", filter=Q(received_at__lte=now - ack)),
            ack_on_time=Count("id", filter=Q(ack_days__lte=desk.acknowledge_within_days)),
            feedback_due=Count("id", filter=Q(received_at__lte=now - feedback)),
            feedback_on_time=Count("id", filter=Q(feedback_days__lte=desk.feedback_within_days)),
        )
        for name, value in figures.items():
            totals[name] += value
    return dict(totals)


def open_by_age(desks: list[Desk]) -> dict[str, int]:
    now = timezone.now()
    day = datetime.timedelta(days=1)
    open_reports = Report.objects.filter(desk__in=desks).exclude(status=Status.CLOSED)
    return open_reports.aggregate(
        under_7_days=Count("id", filter=Q(received_at__gt=now - 7 * day)),
        from_7_to_30_days=Count(
            "id", filter=Q(received_at__lte=now - 7 * day, received_at__gt=now - 30 * day)
        ),
        from_30_to_90_days=Count(
            "id", filter=Q(received_at__lte=now - 30 * day, received_at__gt=now - 90 * day)
        ),
        over_90_days=Count("id", filter=Q(received_at__lte=now - 90 * day)),
    )


def weekly_growth(
    desks: list[Desk], period: Period, category_slugs: list[str] | None
) -> list[tuple[datetime.date, int, int, int]]:
    """Per week of the period: reports received, cases cleared, arrests, cumulated."""
    reports = dict(
        reports_in(desks, period, category_slugs)
        .annotate(week=WeekStart("received_at"))
        .values("week")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("week", "n")
    )
    outcomes = (
        current_outcomes(desks, period, category_slugs)
        .annotate(week=WeekStart("occurred_on"))
        .values("week")
        .annotate(
            cleared=Count("id", filter=Q(kind=OutcomeKind.CLEARED)),
            arrests=Sum("count", filter=Q(kind=OutcomeKind.ARRESTS)),
        )
        .order_by()
    )
    by_week = {_day(row["week"]): (row["cleared"], row["arrests"] or 0) for row in outcomes}
    received = {_day(week): n for week, n in reports.items()}
    growth, r, c, a = [], 0, 0, 0
    for week in weeks_of(period):
        r += received.get(week, 0)
        c += by_week.get(week, (0, 0))[0]
        a += by_week.get(week, (0, 0))[1]
        growth.append((week, r, c, a))
    return growth


def monthly_public_counts(desk: Desk, period: Period) -> dict[str, dict[tuple[str, str], int]]:
    """Exact counts per (month, category slug) for the public page, before suppression:
    reports received, cases cleared, seizures, rewards paid.

    "Received" leaves out reports staff closed as duplicates or as unfounded (without
    substance, spam): whoever files reports to move a public figure only moves it until
    triage closes them, and months are published after triage had time (`publication`)."""
    received = (
        reports_in([desk], period)
        .exclude(
            status=Status.CLOSED, close_reason__in=[CloseReason.DUPLICATE, CloseReason.UNFOUNDED]
        )
        .annotate(month=MonthStart("received_at"))
        .values("month", "category__slug")
        .annotate(n=Count("id"))
        .order_by()
    )
    outcomes = (
        current_outcomes([desk], period)
        .filter(kind__in=[OutcomeKind.CLEARED, OutcomeKind.SEIZURE])
        .annotate(month=MonthStart("occurred_on"))
        .values("month", "category__slug", "kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    paid = (
        Reward.objects.filter(
            desk=desk, state=RewardState.PAID, paid_at__gte=period.since, paid_at__lt=period.until
        )
        .annotate(month=MonthStart("paid_at"))
        .values("month", "category__slug")
        .annotate(n=Count("id"))
        .order_by()
    )
    tables: dict[str, dict[tuple[str, str], int]] = {
        "received": {},
        "cleared": {},
        "seizures": {},
        "rewards": {},
    }
    for row in received:
        tables["received"][(_month(row["month"]), row["category__slug"])] = row["n"]
    for row in outcomes:
        name = "cleared" if row["kind"] == OutcomeKind.CLEARED else "seizures"
        tables[name][(_month(row["month"]), row["category__slug"])] = row["n"]
    for row in paid:
        tables["rewards"][(_month(row["month"]), row["category__slug"])] = row["n"]
    return tables


def _day(value: datetime.date | datetime.datetime) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def _month(value: datetime.date | datetime.datetime) -> str:
    return _day(value).strftime("%Y-%m")
