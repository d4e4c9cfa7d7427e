"""The public results page on the reporter side: aggregate figures of a desk that chose to
publish them, per month and category, with small counts suppressed (see `suppression`).

Like every reporter page: no JavaScript, nothing from another origin, no cookie."""

import datetime

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tipline.desks.models import Desk
from tipline.intake.categories import active_categories
from tipline.throttling.gate import allowed_methods

from .models import RewardProgramme
from .statistics import Period, monthly_public_counts
from .suppression import publish

MONTHS = 12


def public_period(today: datetime.date) -> Period:
    """The last `MONTHS` whole months: a fixed grid, so that no two pages over overlapping
    ranges can be subtracted from each other."""
    first_of_this_month = today.replace(day=1)
    end = first_of_this_month - datetime.timedelta(days=1)
    start = first_of_this_month
    for _i in range(MONTHS):
        start = (start - datetime.timedelta(days=1)).replace(day=1)
    return Period(start, end)


def months_of(period: Period) -> list[str]:
    months, day = [], period.start
    while day <= period.end:
        months.append(day.strftime("%Y-%m"))
        day = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return months


@allowed_methods("GET")
def results(request: HttpRequest, desk_slug: str) -> HttpResponse:
    # A training desk never publishes: its reports are synthetic.
    desk = Desk.objects.filter(slug=desk_slug, is_training=False).first()
    published = RewardProgramme.objects.filter(desk=desk, publish_results=True).exists()
    if desk is None or not published:
        raise Http404("no published results")
    period = public_period(timezone.now().date())
    months = months_of(period)
    categories = active_categories(desk)
    slugs = [c.slug for c in categories]
    names = [c.name(get_language()) for c in categories]
    counts = monthly_public_counts(desk, period)
    titles = {
        "received": _("Reports received"),
        "cleared": _("Cases cleared"),
        "seizures": _("Seizures"),
        "rewards": _("Rewards paid"),
    }
    tables = []
    for measure, title in titles.items():
        table = publish(months, slugs, counts[measure])
        tables.append(
            (measure, title, table, list(zip(months, table.cells, table.row_totals, strict=True)))
        )
    return render(
        request,
        "outcomes/public_results.html",
        {"desk": desk, "period": period, "names": names, "tables": tables},
    )
