"""Search speed with 100,000 reports in a desk: the inbox's first page of a search.

    make bench-search                (SQLite in a throwaway data folder)
    make bench-search-postgres       (a throwaway PostgreSQL database)
    .venv/bin/python bench/search.py [--reports N] [--words W] [--database-url URL]

Each report gets W distinct words (default 60) drawn from a 20,000-word vocabulary with
Zipf's law (a few words in many reports, most in few), written as the analyser writes them:
keyed tokens of one triage epoch whose key is really sealed to the measured analyst. Report
texts are random bytes (a search never decrypts them; rows' first lines are measured by
bench/inbox.py). What is timed is what the inbox view does for a search: open the epoch
keys the analyst holds, compute the tokens of the typed words, and read the first page of
matching reports with the counts above it. Prints medians; asserts nothing.
"""

import argparse
import datetime as dt
import itertools
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
    parser.add_argument("--words", type=int, default=60)
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
    from django.utils import timezone

    from tipline import vault
    from tipline.accounts.actions import create_staff
    from tipline.casework import selectors
    from tipline.desks.actions import create_desk
    from tipline.reports.categories import install_default_categories
    from tipline.reports.models import Report, ReportKeySeal
    from tipline.triage import search
    from tipline.triage.models import Epoch, EpochSeal, SearchToken
    from tipline.vault import params

    params.STAFF_PASSWORD_COST = params.Argon2Cost(1, 8192)  # setup only; not measured
    call_command("migrate", verbosity=0)
    desk = create_desk(
        slug=f"bench-{uuid.uuid4().hex[:6]}", name="Bench desk", languages=["en"], acting_user=None
    )
    install_default_categories(desk)
    password = "bench passphrase long"
    user = create_staff(
        username=f"bench-{desk.slug}",
        password=password,
        role="analyst",
        desks=[desk],
        acting_user=None,
    ).user
    private_key = vault.unlock_with_password(user.key_record, password)
    triage_key = vault.new_triage_key()
    epoch = Epoch.objects.create(desk=desk, members=str(user.pk))
    EpochSeal.objects.create(
        epoch=epoch, staff=user, sealed=vault.seal_triage_key(triage_key, bytes(user.public_key))
    )
    vocabulary = [f"w{rank}" for rank in range(1, 20_001)]
    tokens = vault.search_tokens(triage_key, vocabulary)
    weights = list(itertools.accumulate(1 / rank for rank in range(1, len(vocabulary) + 1)))
    category = desk.categories.first()
    rng = random.Random(7)
    now = timezone.now()
    started = time.perf_counter()
    reports, seals, rows = [], [], []
    for number in range(1, args.reports + 1):
        report_id = uuid.uuid4()
        reports.append(
            Report(
                id=report_id,
                desk=desk,
                number=number,
                category=category,
                language="en",
                received_at=now - dt.timedelta(minutes=args.reports - number),
                receipt_lookup=uuid.uuid4().hex + uuid.uuid4().hex,
                report_key_for_reporter=os.urandom(73),
                content=os.urandom(600),
            )
        )
        seals.append(ReportKeySeal(report_id=report_id, staff=user, sealed=os.urandom(80)))
        picked = set(rng.choices(range(len(vocabulary)), cum_weights=weights, k=args.words * 2))
        rows += [(epoch.pk, report_id.hex, tokens[i]) for i in list(picked)[: args.words]]
        if len(reports) == 5000:
            Report.objects.bulk_create(reports)
            ReportKeySeal.objects.bulk_create(seals)
            _insert(connection, rows)
            reports, seals, rows = [], [], []
    Report.objects.bulk_create(reports)
    ReportKeySeal.objects.bulk_create(seals)
    _insert(connection, rows)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.vendor == "sqlite" else "ANALYZE triage_searchtoken")
    fill = time.perf_counter() - started
    stored = SearchToken.objects.count()
    print(
        f"Tipline search benchmark: {connection.vendor}, {args.reports:,} reports in one desk, "
        f"{stored:,} tokens (filled in {fill:.1f} s)"
    )
    print(f"{'search':<34}{'matches':>9}{'first page':>13}{'+ counts':>12}")
    cases = {
        "a rare word": ["w15000"],
        "a word in ~1% of reports": ["w80"],
        "a common word": ["w2"],
        "two middling words": ["w40", "w60"],
        "three words, one rare": ["w2", "w30", "w9000"],
        "no such word": ["nothing"],
    }
    for name, typed in cases.items():
        text = " ".join(typed)

        def page(text: str = text, counted: bool = False) -> object:
            found = search.matching(desk.pk, user, private_key, text)
            filters = selectors.InboxFilters(found=found)
            rows_shown, _ = selectors.inbox(desk, user, filters)
            if counted:
                return selectors.counts(desk, user, filters)
            return rows_shown

        matches = selectors.counts(
            desk,
            user,
            selectors.InboxFilters(found=search.matching(desk.pk, user, private_key, text)),
        ).shown
        first = median_ms(page)
        with_counts = median_ms(lambda page=page: (page(), page(counted=True)))
        print(f"{name:<34}{matches:>9}{first:>10.1f} ms{with_counts:>9.1f} ms")


def _insert(connection: object, rows: list[tuple[int, str, int]]) -> None:
    """Tokens straight into the table (Django's bulk_create is slower by far for millions)."""
    from django.db import connection as db

    if db.vendor == "postgresql":
        rows = [(epoch, str(uuid.UUID(report)), token) for epoch, report, token in rows]
    with db.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO triage_searchtoken (epoch_id, report_id, token) VALUES (%s, %s, %s)", rows
        )


if __name__ == "__main__":
    main()
