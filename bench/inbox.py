"""Inbox speed with 100,000 reports in a desk: the first page and filtered pages.

    make bench-inbox                 (SQLite in a throwaway data folder)
    make bench-inbox-postgres        (a throwaway PostgreSQL database)
    .venv/bin/python bench/inbox.py [--reports N] [--database-url URL]

Reports are written straight into the table (routing columns varied). Each row of the
inbox shows the report's first words, decrypted for the page: every report has a real
encrypted text of a realistic size and a sealed report key for the measured analyst. To
fill 100,000 reports in seconds they share one report key, sealed once, its sealed copy
stored per report; each row still opens its own sealed copy (one X25519 opening) and
decrypts its own text, as the view does. The "with first lines" column is a whole inbox
page as the view builds it; "+ counts" adds the line of counts above it. Prints medians;
asserts nothing.
"""

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


def median_ms(action: Callable[[], object], repeat: int = 9) -> float:
    action()  # warm the caches once, as a busy desk would have them
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=100_000)
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
    from django.utils import timezone

    from tipline import vault
    from tipline.accounts.models import StaffUser
    from tipline.casework import rows as row_lines
    from tipline.casework import selectors
    from tipline.casework.models import Reading
    from tipline.desks.actions import create_desk
    from tipline.reports.categories import install_default_categories
    from tipline.reports.creation import content_context
    from tipline.reports.models import Report, ReportKeySeal, Status
    from tipline.vault import params

    params.STAFF_PASSWORD_COST = params.Argon2Cost(1, 8192)  # setup only; not measured
    call_command("migrate", verbosity=0)
    from tipline.accounts.actions import create_staff

    desk = create_desk(
        slug=f"bench-{uuid.uuid4().hex[:6]}",
        name="Bench desk",
        languages=["en", "ur", "zh-hans"],
        acting_user=None,
    )
    install_default_categories(desk)
    analysts = [
        create_staff(
            username=f"bench-{desk.slug}-{i}",
            password="bench passphrase long",
            role="analyst",
            desks=[desk],
            acting_user=None,
        ).user
        for i in range(5)
    ]
    user: StaffUser = analysts[0]
    public_key = bytes(user.public_key)
    report_key = vault.new_report_key()
    sealed = vault.seal_report_key(report_key, public_key)
    words = [
        "white",
        "van",
        "north",
        "jetty",
        "crates",
        "river",
        "night",
        "boat",
        "mill",
        "market",
        "truck",
    ]
    categories = list(desk.categories.all())
    rng = random.Random(7)
    now = timezone.now()
    started = time.perf_counter()
    batch: list[Report] = []
    readings: list[Reading] = []
    seals: list[ReportKeySeal] = []
    for number in range(1, args.reports + 1):
        status = rng.choices(list(Status.values), weights=[10, 10, 30, 50])[0]
        report_id = uuid.uuid4()
        text = " ".join(rng.choice(words) for _ in range(rng.randint(60, 450)))
        content = json.dumps({"description": text, "answers": {"how_known": "saw"}})
        seals.append(
            ReportKeySeal(
                report_id=report_id,
                staff=user,
                sealed=sealed,
            )
        )
        batch.append(
            Report(
                id=report_id,
                desk=desk,
                number=number,
                category=rng.choice(categories),
                language=rng.choices(["en", "ur", "zh-hans"], weights=[60, 25, 15])[0],
                status=status,
                close_reason="actioned" if status == Status.CLOSED else "",
                closed_at=now if status == Status.CLOSED else None,
                assigned_to=rng.choice([None, *analysts]),
                received_at=now - dt.timedelta(minutes=args.reports - number),
                # The reporter wrote after the measured analyst's reading in 3 in 100.
                last_reporter_activity_at=now + dt.timedelta(seconds=rng.random() < 0.03),
                acknowledged_at=None if rng.random() < 0.1 else now,
                receipt_lookup=uuid.uuid4().hex + uuid.uuid4().hex,
                report_key_for_reporter=os.urandom(73),
                content=vault.encrypt_text(report_key, content, context=content_context(report_id)),
            )
        )
        if rng.random() >= 0.05:  # the measured analyst has read 95 in 100
            readings.append(Reading(report=batch[-1], user=analysts[0], read_at=now))
        if len(batch) == 5000:
            Report.objects.bulk_create(batch)
            Reading.objects.bulk_create(readings)
            ReportKeySeal.objects.bulk_create(seals)
            batch, readings, seals = [], [], []
    Report.objects.bulk_create(batch)
    Reading.objects.bulk_create(readings)
    ReportKeySeal.objects.bulk_create(seals)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE intake_report")
            cursor.execute("ANALYZE casework_reading")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    fill = time.perf_counter() - started

    private_key = vault.unlock_with_password(user.key_record, "bench passphrase long")
    filters = selectors.InboxFilters
    cases = {
        "first page": filters(),
        "status = in progress": filters(status=Status.IN_PROGRESS),
        "language = ur": filters(language="ur"),
        "assigned to me": filters(assigned="me"),
        "unread": filters(unread=True),
        "deadline passed": filters(overdue=True),
        "category + date range": filters(
            category_id=categories[0].id, received_from=(now - dt.timedelta(days=20)).date()
        ),
    }
    print(
        f"Tipline inbox benchmark: {connection.vendor}, {args.reports:,} reports in one desk "
        f"(filled in {fill:.1f} s)"
    )
    print(
        f"{'page':<28}{'query':>10}{'query+render':>16}{'with first lines':>20}"
        f"{'+ counts':>12}{'rows':>7}"
    )
    for name, chosen in cases.items():
        query = median_ms(lambda chosen=chosen: selectors.inbox(desk, user, chosen))

        def full(chosen=chosen, lines: bool = False, counted: bool = False) -> str:
            rows, _ = selectors.inbox(desk, user, chosen)
            if lines:
                row_lines.describe_rows(rows, user, private_key)
            return render_to_string(
                "casework/inbox.html",
                {
                    "desk": desk,
                    "rows": [(r, selectors.deadlines(r, desk)) for r in rows],
                    "form": None,
                    "counts": selectors.counts(desk, user, chosen) if counted else None,
                },
            )

        rendered = median_ms(full)
        with_lines = median_ms(lambda full=full: full(lines=True))
        with_counts = median_ms(lambda full=full: full(lines=True, counted=True))
        rows = len(selectors.inbox(desk, user, chosen)[0])
        print(
            f"{name:<28}{query:>8.1f} ms{rendered:>13.1f} ms{with_lines:>17.1f} ms"
            f"{with_counts:>9.1f} ms{rows:>7}"
        )
    for order in (selectors.Sort.ACTIVITY, selectors.Sort.DUE):

        def ordered(order=order) -> None:
            rows, _ = selectors.inbox(desk, user, filters(), None, order)
            row_lines.describe_rows(rows, user, private_key)

        print(f"{'sorted: ' + order:<28}{median_ms(ordered):>8.1f} ms (query + first lines)")
    # A page deep in the history, through the keyset cursor.
    rows, cursor = selectors.inbox(desk, user, filters())
    for _ in range(200):
        rows, cursor = selectors.inbox(desk, user, filters(), cursor)
    deep = median_ms(lambda: selectors.inbox(desk, user, filters(), cursor))
    print(f"{'page 201 (keyset cursor)':<28}{deep:>8.1f} ms")


if __name__ == "__main__":
    main()
