"""The public results page on the reporter side: aggregate figures of a desk that chose to
publish them, per whole month and category, frozen when published (see `publication`),
with small counts suppressed (see `suppression`).

Like every reporter page: no JavaScript, nothing from another origin, no cookie."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tipline.desks.models import Desk
from tipline.desks.selectors import offered_languages
from tipline.reports.categories import active_categories
from tipline.throttling.gate import allowed_methods
from tipline.web import languages

from .publication import TRIAGE_DAYS, first_month, period_of, published_counts, published_months
from .selectors import publishes_results
from .suppression import publish


@allowed_methods("GET")
def results(request: HttpRequest, desk_slug: str) -> HttpResponse:
    desk = Desk.objects.filter(slug=desk_slug).first()
    if desk is None or not publishes_results(desk):
        raise Http404("no published results")
    # A page of the desk: it speaks the desk's languages only (web.languages).
    offered = offered_languages(desk)
    if get_language() not in offered:
        return languages.other_language_page(request, desk, offered)
    switcher = languages.language_links(request, offered)
    first_days = published_months(timezone.now().date(), since=first_month(desk))
    if not first_days:  # a desk younger than its first publication
        context = {"desk": desk, "triage_days": TRIAGE_DAYS, "language_links": switcher}
        return render(request, "outcomes/public_results.html", context)
    period = period_of(first_days)
    months = [day.strftime("%Y-%m") for day in first_days]
    categories = active_categories(desk)
    slugs = [c.slug for c in categories]
    names = [c.name(get_language()) for c in categories]
    counts = published_counts(desk, first_days)
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
        {
            "desk": desk,
            "period": period,
            "names": names,
            "tables": tables,
            "language_links": switcher,
        },
    )
