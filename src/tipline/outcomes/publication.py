"""When the public figures of a month are published, and how they are frozen.

A month is published once it is whole and `TRIAGE_DAYS` more have passed, so that the
reports of its last day had time to be triaged (those closed as duplicates or unfounded
never count as received). Its figures are then frozen (`PublishedMonth`): an outcome
recorded, corrected or withdrawn later for that month does not move them the next day,
which would tell a watcher that exactly one case of that kind was settled that day.

Corrections go out with the next month's publication, in one batch, and only for a cell
the batch moves by `THRESHOLD` (5) or more: a shown cell never moves by 1 to 4, so no
single late entry can be read off the page. Smaller differences wait until they add up.

No month before the desk's first month is shown or frozen (`first_month`): a desk opened
last week has no past year of "fewer than 5" to publish.
"""

import datetime

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from tipline.desks.models import Desk
from tipline.reports.models import Report

from .models import PublishedMonth
from .statistics import Period, monthly_public_counts
from .suppression import THRESHOLD

MONTHS = 12
TRIAGE_DAYS = 30
MEASURES = ("received", "cleared", "seizures", "rewards")

Counts = dict[str, dict[tuple[str, str], int]]


def first_month(desk: Desk) -> datetime.date:
    """The first day of the desk's first month: the month it was created in, or of its
    earliest report if one is older (reports brought over from an earlier system)."""
    earliest = Report.objects.filter(desk=desk).aggregate(first=Min("received_at"))["first"]
    start = min(desk.created_at, earliest) if earliest else desk.created_at
    return timezone.localtime(start).date().replace(day=1)


def published_months(
    today: datetime.date, since: datetime.date | None = None
) -> list[datetime.date]:
    """The first days of the last `MONTHS` months that are published on `today`, none
    before the month of `since` (a desk's `first_month`); possibly none at all."""
    last = (today - datetime.timedelta(days=TRIAGE_DAYS)).replace(day=1)
    if _month_end(last) + datetime.timedelta(days=TRIAGE_DAYS) > today:
        last = (last - datetime.timedelta(days=1)).replace(day=1)
    months = [last]
    while len(months) < MONTHS:
        months.insert(0, (months[0] - datetime.timedelta(days=1)).replace(day=1))
    return [month for month in months if since is None or month >= since.replace(day=1)]


def period_of(months: list[datetime.date]) -> Period:
    return Period(months[0], _month_end(months[-1]))


def published_counts(desk: Desk, months: list[datetime.date]) -> Counts:
    """The frozen counts of `months`, {measure: {("YYYY-MM", slug): n}}; a month not yet
    frozen is frozen now, and that publication carries the corrections of earlier months."""
    frozen = {p.month: p for p in PublishedMonth.objects.filter(desk=desk, month__in=months)}
    if len(frozen) < len(months):
        _publish(desk, months)
        frozen = {p.month: p for p in PublishedMonth.objects.filter(desk=desk, month__in=months)}
    counts: Counts = {measure: {} for measure in MEASURES}
    for month, published in frozen.items():
        label = month.strftime("%Y-%m")
        for measure, cells in published.figures.items():
            for slug, n in cells.items():
                counts[measure][(label, slug)] = n
    return counts


def _publish(desk: Desk, months: list[datetime.date]) -> None:
    live = monthly_public_counts(desk, period_of(months))
    now = timezone.now()
    with transaction.atomic():
        # Locked, so that two first visitors publish once and revise once.
        earlier = {
            p.month: p
            for p in PublishedMonth.objects.select_for_update().filter(desk=desk, month__in=months)
        }
        new = []
        for month in months:
            exact = _figures_of(live, month)
            published = earlier.get(month)
            if published is None:
                new.append(PublishedMonth(desk=desk, month=month, figures=exact))
                continue
            revised = _revised(published.figures, exact)
            if revised != published.figures:
                PublishedMonth.objects.filter(pk=published.pk).update(
                    figures=revised, revised_at=now
                )
        # One insert; a month another request published a moment ago is left as it is.
        PublishedMonth.objects.bulk_create(new, ignore_conflicts=True)


def _revised(
    frozen: dict[str, dict[str, int]], exact: dict[str, dict[str, int]]
) -> dict[str, dict[str, int]]:
    """The frozen figures with every cell that differs from the exact count by at least
    `THRESHOLD` brought up to date; the other cells stay as published."""
    revised: dict[str, dict[str, int]] = {}
    for measure in MEASURES:
        old, new = frozen.get(measure, {}), exact.get(measure, {})
        cells = {}
        for slug in sorted(set(old) | set(new)):
            before, now = old.get(slug, 0), new.get(slug, 0)
            kept = now if abs(now - before) >= THRESHOLD else before
            if kept:
                cells[slug] = kept
        revised[measure] = cells
    return revised


def _figures_of(live: Counts, month: datetime.date) -> dict[str, dict[str, int]]:
    label = month.strftime("%Y-%m")
    return {
        measure: {slug: n for (m, slug), n in live[measure].items() if m == label and n}
        for measure in MEASURES
    }


def _month_end(first: datetime.date) -> datetime.date:
    return (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(
        days=1
    )
