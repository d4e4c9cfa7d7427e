"""Statistics pages over 100,000 reports and 20,000 outcomes: the desk dashboard (a year),
a campaign page and the public results page.

    make bench-stats                 (SQLite in a throwaway data folder)
    make bench-stats-postgres        (a throwaway PostgreSQL database)
    .venv/bin/python bench/stats.py [--reports N] [--outcomes N] [--database-url URL]

Rows are written straight into the tables (statistics never decrypt). Each page is timed
as its view builds it: the aggregate queries, the charts and the template. Prints medians
and query counts; asserts nothing.
"""

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


def median_ms(action: Callable[[], object], repeat: int = 5) -> float:
    action()
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--outcomes", type=int, default=20_000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    os.environ.setdefault("TIPLINE_DATA_DIR", tempfile.mkdtemp(prefix="tipline-bench-"))
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "tipline.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.template.loader import render_to_string
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone, translation

    from tipline.accounts.actions import create_staff
    from tipline.desks.actions import create_desk
    from tipline.outcomes import actions, dashboard, public, rewards
    from tipline.outcomes.forms import PeriodForm
    from tipline.outcomes.models import Outcome, Reward, RewardState
    from tipline.outcomes.statistics import Period
    from tipline.reports.categories import install_default_categories
    from tipline.reports.models import Report, Status
    from tipline.vault import params

    params.STAFF_PASSWORD_COST = params.Argon2Cost(1, 8192)  # setup only; not measured
    call_command("migrate", verbosity=0)
    desk = create_desk(
        slug=f"bench-{uuid.uuid4().hex[:6]}", name="Bench desk", languages=["en"], acting_user=None
    )
    install_default_categories(desk)
    staff = [
        create_staff(
            username=f"{desk.slug}-{role}",
            password="bench passphrase long",
            role=role,
            desks=[desk],
            acting_user=None,
        ).user
        for role in ("analyst", "supervisor")
    ]
    categories = list(desk.categories.all())
    rng = random.Random(9)
    now = timezone.now()
    year = dt.timedelta(days=365)
    started = time.perf_counter()
    reports: list[Report] = []
    for number in range(1, args.reports + 1):
        received = now - year * (1 - number / args.reports)
        status = rng.choices(list(Status.values), weights=[10, 10, 30, 50])[0]
        reports.append(
            Report(
                id=uuid.uuid4(),
                desk=desk,
                number=number,
                category=rng.choice(categories),
                language=rng.choices(["en", "ur", "zh-hans"], weights=[60, 25, 15])[0],
                status=status,
                received_at=received,
                acknowledged_at=None
                if rng.random() < 0.1
                else received + dt.timedelta(hours=rng.randint(1, 400)),
                feedback_given_at=None
                if rng.random() < 0.3
                else received + dt.timedelta(days=rng.randint(5, 120)),
                receipt_lookup=uuid.uuid4().hex + uuid.uuid4().hex,
                report_key_for_reporter=os.urandom(73),
                content=os.urandom(400),
            )
        )
    Report.objects.bulk_create(reports, batch_size=5000)
    kinds = ["arrests", "charges", "cleared", "seizure", "assets"]
    outcomes = []
    for report in rng.sample(reports, args.outcomes):
        kind = rng.choice(kinds)
        on = (report.received_at + dt.timedelta(days=rng.randint(0, 60))).date()
        fields: dict[str, object] = {}
        if kind in ("arrests", "charges"):
            fields["count"] = rng.randint(1, 6)
        elif kind == "seizure":
            fields.update(seizure_kind=rng.choice(["drugs", "firearms", "cash"]))
            if fields["seizure_kind"] == "drugs":
                fields.update(
                    substance=rng.choice(["heroin", "cannabis", "methamphetamine"]),
                    quantity=Decimal(rng.randint(1, 5000)) / 10,
                    unit="kg",
                )
            elif fields["seizure_kind"] == "firearms":
                fields.update(quantity=Decimal(rng.randint(1, 9)), unit="pieces")
            else:
                fields.update(value=Decimal(rng.randint(100, 10**6)), currency="PKR")
        elif kind == "assets":
            fields.update(
                asset_action="frozen",
                value=Decimal(rng.randint(10**3, 10**8)),
                currency=rng.choice(["PKR", "USD"]),
            )
        outcomes.append(
            Outcome(
                report=report,
                desk=desk,
                category_id=report.category_id,
                kind=kind,
                occurred_on=min(on, now.date()),
                recorded_by=staff[0],
                through_partner=rng.random() < 0.05,
                **fields,
            )
        )
    Outcome.objects.bulk_create(outcomes, batch_size=5000)
    Reward.objects.bulk_create(
        [
            Reward(
                report=report,
                desk=desk,
                category_id=report.category_id,
                amount=Decimal(rng.randint(1000, 50000)),
                currency="PKR",
                state=RewardState.PAID,
                proposed_by=staff[0],
                decided_by=staff[1],
                proposed_at=report.received_at,
                paid_at=report.received_at + dt.timedelta(days=30),
            )
            for report in rng.sample(reports, 500)
        ]
    )
    rewards.set_programme(
        desk, currency="PKR", ceiling=Decimal(50000), publish_results=True, acting_user=staff[1]
    )
    campaign = actions.create_campaign(
        name="Bench campaign",
        starts_on=(now - dt.timedelta(days=180)).date(),
        ends_on=now.date(),
        desks=[desk],
        category_slugs=["drug-trafficking", "arms-trafficking"],
        acting_user=staff[1],
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    fill = time.perf_counter() - started

    period = Period((now - year).date(), now.date())
    factory = RequestFactory()
    translation.activate("en")

    def dashboard_page(period: Period = period) -> str:
        return render_to_string(
            "outcomes/dashboard.html",
            {
                "form": PeriodForm(),
                "desk": desk,
                "desks": [desk],
                "period": period,
                "query": "",
                "sections": dashboard.dashboard_sections([desk], period, "en"),
            },
        )

    def campaign_page() -> str:
        return render_to_string(
            "outcomes/campaign.html",
            {"campaign": campaign, "figures": dashboard.campaign_figures(campaign)},
        )

    def public_page() -> object:
        request = factory.get(f"/en/results/{desk.slug}/")
        request.client_bucket = "bench"  # type: ignore[attr-defined]
        response = public.results(request, desk.slug)
        if response.status_code != 200:
            raise SystemExit(f"public page answered {response.status_code}")
        return response

    print(
        f"Tipline statistics benchmark: {connection.vendor}, {args.reports:,} reports, "
        f"{args.outcomes:,} outcomes, 500 paid rewards (filled in {fill:.1f} s)"
    )
    print(f"{'page':<34}{'median ms':>10}{'queries':>9}")
    for name, page in [
        ("desk dashboard, twelve weeks", lambda: dashboard_page(Period.last_weeks())),
        ("desk dashboard, one year", dashboard_page),
        ("campaign page, six months", campaign_page),
        ("public results, twelve months", public_page),
    ]:
        with CaptureQueriesContext(connection) as queries:
            page()
        print(f"{name:<34}{median_ms(page):>10.1f}{len(queries):>9}")


if __name__ == "__main__":
    main()
