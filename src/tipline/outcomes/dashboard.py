"""The sections of a dashboard and a campaign page: for each, a chart and the table behind
it (the same numbers, also offered as CSV)."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from tipline.desks.models import Desk
from tipline.reports.models import Category, translated

from . import statistics
from .charts import bar_chart
from .models import Campaign, RewardState, SeizureKind, Substance
from .numbers import grouped
from .statistics import Period, Table


@dataclass(frozen=True)
class Section:
    slug: str
    table: Table
    svg: str

    @property
    def rows(self) -> list[tuple[str, list[object]]]:
        return list(zip(self.table.rows, self.table.values, strict=True))


def dashboard_sections(desks: list[Desk], period: Period, language: str) -> list[Section]:
    weeks = statistics.weeks_of(period)
    week_labels = [week.isoformat() for week in weeks]
    reports = statistics.reports_in(desks, period)
    sections = []

    by_category = statistics.weekly_counts(reports, "category__slug")
    names = _category_names(desks, language)
    slugs = sorted({slug for _week, slug in by_category})
    sections.append(
        _weekly(
            "reports-by-category",
            _("Reports per week by category"),
            weeks,
            week_labels,
            [(names.get(slug, slug), slug) for slug in slugs],
            by_category,
        )
    )
    by_language = statistics.weekly_counts(reports, "language")
    languages = sorted({code for _week, code in by_language})
    sections.append(
        _weekly(
            "reports-by-language",
            _("Reports per week by language"),
            weeks,
            week_labels,
            [(code, code) for code in languages],
            by_language,
        )
    )
    response = statistics.first_response(desks, period)
    sections.append(
        _single(
            "first-response",
            _("Time to first response"),
            [
                (_("within a day"), response["within_1_day"]),
                (_("2 to 7 days"), response["within_7_days"]),
                (_("8 to 30 days"), response["within_30_days"]),
                (_("later"), response["later"]),
                (_("no reply yet"), response["not_yet"]),
            ],
            _("Reports"),
        )
    )
    compliance = statistics.deadline_compliance(desks, period)
    sections.append(
        _single(
            "deadlines",
            _("Deadline compliance"),
            [
                (_("acknowledgements due"), compliance["ack_due"]),
                (_("acknowledged in time"), compliance["ack_on_time"]),
                (_("feedback due"), compliance["feedback_due"]),
                (_("feedback in time"), compliance["feedback_on_time"]),
            ],
            _("Reports"),
        )
    )
    age = statistics.open_by_age(desks)
    sections.append(
        _single(
            "open-by-age",
            _("Open cases by age"),
            [
                (_("under 7 days"), age["under_7_days"]),
                (_("7 to 30 days"), age["from_7_to_30_days"]),
                (_("30 to 90 days"), age["from_30_to_90_days"]),
                (_("over 90 days"), age["over_90_days"]),
            ],
            _("Open cases"),
        )
    )
    totals = statistics.outcome_totals(statistics.current_outcomes(desks, period))
    sections.append(
        _single(
            "outcomes",
            _("Outcomes"),
            [
                (_("arrests"), totals.arrests),
                (_("charges brought"), totals.charges),
                (_("cases cleared"), totals.cleared),
                (_("seizures"), totals.seizures),
                (_("firearms seized (pieces)"), totals.firearms),
                (_("ammunition seized (rounds)"), totals.ammunition),
                (_("outcomes through partner"), totals.through_partner),
            ],
            _("Figure"),
        )
    )
    sections.append(
        _single(
            "seizures",
            _("Seizures by kind"),
            [
                (str(label), totals.seizures_by_kind.get(kind, 0))
                for kind, label in SeizureKind.choices
            ],
            _("Seizures"),
        )
    )
    sections.append(drugs_section(totals))
    sections.append(assets_section(totals))
    sections.append(seizure_values_section(totals))
    rewards = statistics.reward_totals(desks, period)
    sections.append(
        _single(
            "rewards",
            _("Rewards by state"),
            [(str(label), rewards.by_state.get(state, 0)) for state, label in RewardState.choices],
            _("Rewards"),
        )
    )
    sections.append(
        Section(
            "rewards-paid",
            Table(
                _("Rewards paid"),
                [currency for currency, _n, _s in rewards.paid],
                [_("paid"), _("amount")],
                [[n, s] for _c, n, s in rewards.paid],
            ),
            "",
        )
    )
    return sections


def drugs_section(totals: statistics.OutcomeTotals) -> Section:
    names = dict(Substance.choices)
    return Section(
        "drugs",
        Table(
            _("Drugs seized by substance"),
            [
                f"{names.get(substance, substance)!s} ({unit})"
                for substance, unit, _q in totals.drugs
            ],
            [_("quantity")],
            [[quantity] for _s, _u, quantity in totals.drugs],
        ),
        "",
    )


def assets_section(totals: statistics.OutcomeTotals) -> Section:
    return Section(
        "assets",
        Table(
            _("Assets frozen or confiscated by currency"),
            [currency for currency, _v in totals.assets],
            [_("value")],
            [[value] for _c, value in totals.assets],
        ),
        "",
    )


def seizure_values_section(totals: statistics.OutcomeTotals) -> Section:
    """The estimated value of what was seized, one line per currency: amounts in different
    currencies are never added up."""
    return Section(
        "seizure-values",
        Table(
            _("Value of seizures by currency"),
            [currency for currency, _v in totals.seizure_values],
            [_("value")],
            [[value] for _c, value in totals.seizure_values],
        ),
        "",
    )


@dataclass(frozen=True)
class CampaignFigures:
    received: int
    cleared: int
    arrests: int
    firearms: Decimal
    totals: statistics.OutcomeTotals
    rewards_paid: list[tuple[str, int, Decimal]]
    sections: list[Section]
    drugs: list[tuple[str, str]]  # "3.5 kg", "Heroin"


def campaign_figures(campaign: Campaign, language: str = "en") -> CampaignFigures:
    desks = list(campaign.desks.all())
    period = Period(campaign.starts_on, campaign.ends_on)
    slugs = list(campaign.category_slugs) or None
    received = statistics.reports_in(desks, period, slugs).count()
    totals = statistics.outcome_totals(statistics.current_outcomes(desks, period, slugs))
    rewards = statistics.reward_totals(desks, period, slugs)
    growth = statistics.weekly_growth(desks, period, slugs)
    labels = [week.isoformat() for week, *_rest in growth]
    series_names = [_("reports received"), _("cases cleared"), _("arrests")]
    table = Table(
        _("Week by week, cumulated"),
        labels,
        series_names,
        [[r, c, a] for _w, r, c, a in growth],
    )
    svg = bar_chart(
        "campaign-growth",
        table.title,
        _("Cumulated reports received, cases cleared and arrests at the end of each week."),
        labels,
        [(name, [row[i] for row in table.values]) for i, name in enumerate(series_names)],
        line=True,
    )
    sections = [
        Section("growth", table, svg),
        drugs_section(totals),
        assets_section(totals),
        seizure_values_section(totals),
    ]
    return CampaignFigures(
        received=received,
        cleared=totals.cleared,
        arrests=totals.arrests,
        firearms=totals.firearms,
        totals=totals,
        drugs=[
            (f"{grouped(quantity, language)} {unit}", str(Substance(substance).label).lower())
            for substance, unit, quantity in totals.drugs
        ],
        rewards_paid=rewards.paid,
        sections=sections,
    )


def _weekly(
    slug: str,
    title: str,
    weeks: list,
    labels: list[str],
    series: list[tuple[str, str]],
    counts: dict,
) -> Section:
    table = Table(
        title,
        labels,
        [name for name, _key in series],
        [[counts.get((week, key), 0) for _name, key in series] for week in weeks],
    )
    svg = bar_chart(
        slug,
        title,
        _("Stacked bars, one per week from %(first)s to %(last)s; the table below has the numbers.")
        % {"first": labels[0] if labels else "", "last": labels[-1] if labels else ""},
        labels,
        [(name, [row[i] for row in table.values]) for i, (name, _key) in enumerate(series)],
    )
    return Section(slug, table, svg)


def _single(slug: str, title: str, rows: list[tuple[str, object]], column: str) -> Section:
    table = Table(title, [label for label, _v in rows], [column], [[v] for _l, v in rows])  # type: ignore[misc]
    description = "; ".join(f"{label}: {value}" for label, value in rows)
    svg = bar_chart(
        slug,
        title,
        description,
        [label for label, _v in rows],
        [(column, [float(v) for _l, v in rows])],  # type: ignore[arg-type]
        stacked=False,
    )
    return Section(slug, table, svg)


def _category_names(desks: list[Desk], language: str) -> dict[str, str]:
    names: dict[str, str] = {}
    for slug, texts in Category.objects.filter(desk__in=desks).values_list("slug", "names"):
        names.setdefault(slug, translated(texts, language))
    return names
