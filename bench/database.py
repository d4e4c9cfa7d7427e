"""What one database and one Redis carry: reports committed per second with Argon2id taken
out, and the admission gate's round trips per second in Redis.

    make bench-database              (SQLite in a throwaway data folder)
    make bench-database-postgres     (a throwaway PostgreSQL database)
    .venv/bin/python bench/database.py [--seconds 10] [--processes 2] [--threads 4]
                                       [--database-url URL] [--redis-url URL]

A report's way to the database is the real one (`reports.submission.submit_report`: the
recipients' keys, encryption, the report number, the report, its sealed keys, the detected
language, the audit event, the commit), from several processes of several threads, each
thread with its own connection. Only the receipt derivation is taken out: every report
gets the secrets of one real derivation with a lookup value of its own, so that what is
measured is what a database carries once the hosts in front of it have done their
Argon2id. Once with every report to one desk (they take turns on the desk's row for their
number) and once spread over eight desks. Prints reports per second, p50/p99 of a report's
database work, and the CPU per report of these processes and of the rest of the machine
(on a quiet machine, the database's own processes; nothing for SQLite, which runs inside).

Then, with a Redis, the gate's cost there: per second, the round trips every admitted
report makes when nobody waits (`SharedGate.overloaded`, `enter`, `leave`), from the same
processes.

On this project's 2-core machines the database, Redis and these processes share the same
cores, so the figures are what one such machine carries, not what the database alone
could. Asserts nothing.
"""

import argparse
import multiprocessing
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from submit import cpu_seconds_by_part, machine_busy_seconds  # bench/submit.py, beside this

DESKS = 8


def setup(database_url: str) -> None:
    os.environ.setdefault("TIPLINE_DATA_DIR", tempfile.mkdtemp(prefix="tipline-bench-db-"))
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "tipline.settings"
    import django

    django.setup()


def make_desks() -> None:
    from django.core.management import call_command

    from tipline.accounts.actions import create_staff
    from tipline.desks.actions import create_desk
    from tipline.reports.categories import install_default_categories

    call_command("migrate", verbosity=0)
    desks = [
        create_desk(slug=f"desk-{n}", name=f"Desk {n}", acting_user=None) for n in range(DESKS)
    ]
    for desk in desks:
        install_default_categories(desk)
    create_staff(
        username="recipient",
        password="benchmark passphrase, long enough",
        role="analyst",
        desks=desks,
        acting_user=None,
    )


def submit_for(
    seconds: float, threads: int, desks: int, ready: Any, results: "multiprocessing.Queue[object]"
):
    """In a process of its own: `threads` threads submitting reports for `seconds`."""
    import dataclasses
    import secrets

    setup(os.environ.get("DATABASE_URL", ""))
    from django.db import connections

    from tipline.desks.models import Desk
    from tipline.reports import receipts, submission
    from tipline.reports.models import Category

    real = receipts.derive(receipts.Receipt.new())
    # The derivation taken out: the same secrets, a lookup value of its own per report.
    receipts.derive = lambda _code: dataclasses.replace(real, lookup=secrets.token_hex(32))
    forms = []
    for desk in Desk.objects.order_by("slug")[:desks]:
        forms.append((desk, Category.objects.filter(desk=desk).order_by("pk").first()))
    timings: list[float] = []
    lock = threading.Lock()
    ready.wait()  # every process set up: the round starts for all at once
    cpu_started = time.process_time()
    deadline = time.monotonic() + seconds

    def work(index: int) -> None:
        count = 0
        while time.monotonic() < deadline:
            desk, category = forms[(index + count) % len(forms)]
            started = time.perf_counter()
            submission.submit_report(
                submission.begin(desk),
                desk=desk,
                category=category,
                language="en",
                answers={"how_known": "saw"},
                description=f"Benchmark report {index}.{count}: crates unloaded at night.",
                receipt=receipts.Receipt.read("0" * 20),
            )
            elapsed = time.perf_counter() - started
            count += 1
            with lock:
                timings.append(elapsed)
        connections.close_all()

    in_threads(threads, work)
    results.put((timings, time.process_time() - cpu_started))


def gate_for(
    seconds: float,
    threads: int,
    redis_url: str,
    ready: Any,
    results: "multiprocessing.Queue[object]",
):
    """In a process of its own: `threads` threads taking and freeing a slot of the gate."""
    from tipline.throttling.gate import SharedGate

    gate = SharedGate(redis_url, slots=threads * 64, wait_seconds=1, queue=8)
    counts = [0] * threads
    ready.wait()
    cpu_started = time.process_time()
    deadline = time.monotonic() + seconds

    def work(index: int) -> None:
        while time.monotonic() < deadline:
            if not gate.overloaded() and gate.enter():  # what every admitted report asks
                gate.leave()
                counts[index] += 1

    in_threads(threads, work)
    results.put((sum(counts), time.process_time() - cpu_started))


def in_threads(count: int, work: Callable[[int], None]) -> None:
    """`work(0)` to `work(count - 1)`, each in a thread of its own, until all are done."""
    workers = [threading.Thread(target=work, args=(n,)) for n in range(count)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()


def in_processes(target, processes: int, *args: object) -> tuple[list[object], float, dict]:
    """Run `target(*args, ready, queue)` in `processes` new processes; their results, the
    wall time of the round, and the CPU per part the machine spent in it. Each process sets
    itself up, waits at `ready` for the others, then works; it puts (result, CPU seconds of
    its round) in the queue. Started afresh, not forked: a fork would share the parent's
    pooled database connections."""
    spawn = multiprocessing.get_context("spawn")
    queue: multiprocessing.Queue[object] = spawn.Queue()
    ready = spawn.Barrier(processes + 1)
    running = [spawn.Process(target=target, args=(*args, ready, queue)) for _ in range(processes)]
    for process in running:
        process.start()
    ready.wait()  # set-up (Django, one real derivation) is not part of the round
    before = cpu_seconds_by_part(os.getsid(0))
    busy_before = machine_busy_seconds()
    started = time.perf_counter()
    answers = [queue.get() for _ in running]
    wall = time.perf_counter() - started
    spent = cpu_seconds_by_part(os.getsid(0))
    busy = machine_busy_seconds() - busy_before
    for process in running:
        process.join()
    spent.subtract(before)
    spent["bench"] = sum(cpu for _, cpu in answers)  # type: ignore[misc]
    # A database's backends end with their connections, taking their CPU figures with them:
    # what the machine spent besides these processes and Redis is the database's.
    spent["database"] = busy - spent["bench"] - spent["redis"]
    return [result for result, _ in answers], wall, spent  # type: ignore[misc]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--processes", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/12")
    args = parser.parse_args()

    setup(args.database_url)
    make_desks()
    from django.db import connections

    connections.close_all()
    engine = "postgresql" if args.database_url else "sqlite"
    print(
        f"What one database carries: {engine}, {len(os.sched_getaffinity(0))} cores, "
        f"{args.processes} processes x {args.threads} threads, {args.seconds:.0f} s a round, "
        "Argon2id taken out"
    )
    print(
        f"{'desks':>5} {'reports':>7} {'per s':>7} {'p50':>7} {'p99':>7} "
        f"{'bench cpu':>9} {'rest cpu':>8}"
    )
    for desks in (1, DESKS):
        results, wall, spent = in_processes(
            submit_for, args.processes, args.seconds, args.threads, desks
        )
        timings = [t for result in results for t in result]  # type: ignore[attr-defined]
        count = max(1, len(timings))
        ordered = sorted(timings)
        print(
            f"{desks:>5} {len(timings):>7} {len(timings) / wall:>7.0f} "
            f"{statistics.median(ordered) * 1000:>5.1f}ms "
            f"{ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000:>5.1f}ms "
            f"{spent['bench'] / count * 1000:>7.2f}ms {spent['database'] / count * 1000:>6.2f}ms"
        )
    try:
        import redis

        redis.Redis.from_url(args.redis_url, socket_connect_timeout=1).ping()
    except redis.RedisError:  # no Redis here: say so and stop
        print(f"no Redis at {args.redis_url}: the gate's figures are left out")
        return
    redis.Redis.from_url(args.redis_url).flushdb()
    results, wall, spent = in_processes(
        gate_for, args.processes, args.seconds, args.threads, args.redis_url
    )
    slots = sum(results)  # type: ignore[arg-type]
    print(
        f"gate in Redis: {slots / wall:.0f} reports' worth of round trips per second "
        f"({spent['bench'] / max(1, slots) * 1e6:.0f} µs of these processes' CPU and "
        f"{spent['redis'] / max(1, slots) * 1e6:.0f} µs of Redis's each)"
    )
    redis.Redis.from_url(args.redis_url).flushdb()


if __name__ == "__main__":
    main()
