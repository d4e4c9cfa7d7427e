"""Anonymous submissions per second over HTTP against a real `tipline serve`.

    make bench-submit                  (SQLite)
    make bench-submit-postgres         (a throwaway PostgreSQL database)
    .venv/bin/python bench/submit.py [--seconds 20] [--clients 1,8] [--surge 96]
                                     [--workers 1] [--database-url URL] [--impatient]

Starts its own server on 127.0.0.1 (a fresh data folder, a desk, one recipient, made with
the documented commands), then for each number of clients submits complete reports (GET the
form, POST it, read the receipt) for a bounded time and count. Prints submissions per
second, median and p99 latency of the admitted POSTs, every status, and (from the server's
phase timings) the share of server time in Argon2id, encryption, files, the database and
the rest; the CPU the server took per report and what the rest of the machine took. Then,
per round, where a good report's CPU went, process by process (read from /proc): the
derivation service, the web workers, the database and Redis when they run on this machine,
and the clients; and the share of the ceiling that CPU allows, Argon2id's CPU in the
ceiling over the total. That share is what no tuning of the rest can pass: 90% of the
ceiling needs everything but the derivation under a ninth of it.

The ceiling is measured in the same run, before and after the rounds: Argon2id derivations
per second on every core (bench/vault.py's `receipt_ceilings`: the better of threads and
the derivation service that `tipline serve` uses), since one derivation per
report bounds what any server can accept. Each round's rate is printed as a share of it,
and the surge round as a share of the 8-client rate.

A refused client (503/429) comes back after the Retry-After it was given, as a person
reading "busy, try again shortly" would; `--impatient` makes it retry at once instead (a
flood rather than a surge). Loopback only; everything stops by itself.
"""

import argparse
import http.client
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

from tipline.testing.reporter_client import Reporter
from tipline.testing.server import ServerProcess, free_port, tipline_command

sys.path.insert(0, str(Path(__file__).resolve().parent))
from vault import receipt_ceilings  # bench/vault.py, beside this file

TIMING = re.compile(r"submission (\d+) total=([\d.]+) (.*) rest=([-\d.]+)")
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds_by_part(session: int) -> Counter[str]:
    """User + system CPU of the processes that serve reports, by what they do: the
    derivation service ("argon2id": its children and their parent), the rest of the
    server's session ("web": gunicorn's master and workers, the scheduler), and the
    database and Redis when they run on this machine (every process of theirs, the
    background ones included: they take the same cores)."""
    parts: Counter[str] = Counter()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat.rsplit(")", 1)[1].split()
        seconds = (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime
        if int(fields[3]) == session:  # field 6, the session id
            parts["argon2id" if b"tipline.vault.derivations" in command else "web"] += seconds
        elif name == "postgres":
            parts["database"] += seconds
        elif name == "redis-server":
            parts["redis"] += seconds
    return parts


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine spent not idle (all cores)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / TICKS


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] * 1000


def run_round(
    port: int, path: str, clients: int, seconds: float, limit: int, *, patient: bool
) -> dict[str, object]:
    statuses: Counter[int] = Counter()
    latencies: list[float] = []
    refusals: list[float] = []
    lock = threading.Lock()
    counter = iter(range(10**9))
    deadline = time.monotonic() + seconds

    def work() -> None:
        reporter = Reporter(port, path)
        while time.monotonic() < deadline:
            with lock:
                index = next(counter)
                if index >= limit:
                    return
            try:
                status, _, elapsed = reporter.submit(
                    f"Benchmark report {index}: a boat unloads crates at night."
                )
            except (OSError, http.client.HTTPException):
                status, elapsed = 598, 0.0
                reporter.reconnect()
            with lock:
                statuses[status] += 1
                if status == 200:
                    latencies.append(elapsed)
                elif status in (429, 503):
                    refusals.append(elapsed)
            if status in (429, 503) and patient:
                wait = reporter.retry_after or 1.0
                time.sleep(max(0.0, min(wait, deadline - time.monotonic())))
                reporter.reconnect()  # the server has closed the idle connection meanwhile

    started = time.perf_counter()
    cpu_started = time.process_time()
    threads = [threading.Thread(target=work) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    client_cpu = time.process_time() - cpu_started
    return {
        "ok": statuses[200],
        "rate": statuses[200] / wall,
        "wall": wall,
        "median": percentile(latencies, 0.5),
        "p99": percentile(latencies, 0.99),
        "refused_p99": percentile(refusals, 0.99),
        "others": {k: v for k, v in statuses.items() if k != 200},
        # The clients share the machine's cores with the server: how much they took.
        "client_cpu": client_cpu,
    }


def warm_up(port: int, path: str, reports: int = 20) -> None:
    """A few reports before the first round, not counted: a server that has run a while
    has its templates compiled, its catalogues and language model loaded and its database
    connections open; the first round should not pay for that."""
    reporter = Reporter(port, path)
    for index in range(reports):
        reporter.submit(f"Warm-up report {index}.")
    reporter.connection.close()


def measured_ceiling(seconds: float) -> tuple[float, float]:
    """The ceiling now (derivations per second, CPU seconds each), both ways printed."""
    ways = receipt_ceilings(seconds)
    parts = [f"{way} {rate:.1f}/s ({cpu * 1000:.0f} ms CPU)" for way, (rate, cpu) in ways.items()]
    print("  Argon2id, every core busy: " + ", ".join(parts))
    return max(ways.values())


def phase_shares(log: Path, offset: int) -> tuple[dict[str, float], int]:
    text = log.read_text(errors="replace")
    totals: defaultdict[str, float] = defaultdict(float)
    for match in TIMING.finditer(text[offset:]):
        if match.group(1) != "200":
            continue
        totals["total"] += float(match.group(2))
        for part in match.group(3).split():
            name, value = part.split("=")
            totals[name] += float(value)
        totals["rest"] += float(match.group(4))
    return dict(totals), len(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--max-submissions", type=int, default=3000)
    parser.add_argument("--clients", default="1,8")
    parser.add_argument("--surge", type=int, default=96, help="clients in the surge round; 0 skips")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--threads", type=int, default=64)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--ceiling-seconds", type=float, default=4)
    parser.add_argument(
        "--impatient", action="store_true", help="refused clients retry at once (a flood)"
    )
    args = parser.parse_args()

    data = Path(tempfile.mkdtemp(prefix="tipline-bench-submit-"))
    env = {**os.environ, "TIPLINE_DATA_DIR": str(data), "TIPLINE_PHASE_TIMINGS": "true"}
    env.pop("DATABASE_URL", None)
    # The per-process limits (Argon2id at once, admitted requests) divide the cores by this.
    env["TIPLINE_WEB_WORKERS"] = str(args.workers)
    if args.database_url:
        env["DATABASE_URL"] = args.database_url

    def run(*command: str, stdin: str | None = None) -> None:
        subprocess.run(
            [tipline_command(), *command],
            env=env,
            input=stdin,
            text=True,
            check=True,
            stdout=subprocess.DEVNULL,
        )

    run("migrate", "-v0")
    run("createdesk", "bench", "--name", "Bench desk", "--languages", "en,ur,zh-hans")
    run(
        "createstaff",
        "bench-analyst",
        "--role",
        "analyst",
        "--desk",
        "bench",
        "--password-stdin",
        stdin="benchmark passphrase, long enough\n",
    )
    log = data / "server.log"
    with open(log, "w") as output:
        server = ServerProcess(
            env, free_port(), output, "--workers", str(args.workers), "--threads", str(args.threads)
        )
    try:
        server.wait_until_ready()
        path = "/en/report/bench/drug-trafficking/"
        warm_up(server.port, path)
        engine = "postgresql" if args.database_url else "sqlite"
        print(
            f"Tipline submission benchmark: {engine}, {len(os.sched_getaffinity(0))} cores, "
            f"{args.workers} worker(s) x {args.threads} threads, {args.seconds:.0f} s per round, "
            f"refused clients {'retry at once' if args.impatient else 'honour Retry-After'}"
        )
        ceiling_before, argon2_cpu = measured_ceiling(args.ceiling_seconds)
        print(
            f"ceiling before the rounds: {ceiling_before:.1f} Argon2id derivations/s, "
            f"{argon2_cpu * 1000:.0f} ms of CPU each"
        )
        print(
            f"{'clients':>7} {'ok':>5} {'per s':>6} {'ratio':>6} {'p50':>7} {'p99':>7} "
            f"{'refused p99':>11} {'cpu/report':>10} {'client cpu':>10} {'others':>6}  "
            "argon2id encrypt files database rest  statuses"
        )
        offset = 0
        rounds = [int(c) for c in args.clients.split(",")] + ([args.surge] if args.surge else [])
        results: dict[int, dict[str, object]] = {}
        for clients in rounds:
            parts_before = cpu_seconds_by_part(server.process.pid)
            busy_before = machine_busy_seconds()
            result = run_round(
                server.port,
                path,
                clients,
                args.seconds,
                args.max_submissions,
                patient=not args.impatient,
            )
            parts = cpu_seconds_by_part(server.process.pid)
            parts.subtract(parts_before)
            parts["clients"] = float(result["client_cpu"])
            server_cpu = parts["argon2id"] + parts["web"]
            # What the rest of the machine (other people's work) took, in cores.
            others = (machine_busy_seconds() - busy_before - sum(parts.values())) / float(
                result["wall"]
            )
            good = max(1, int(result["ok"]))  # type: ignore[call-overload]
            result["cpu_per_report"] = {part: cpu / good for part, cpu in parts.items()}
            results[clients] = result
            time.sleep(0.5)
            shares, offset = phase_shares(log, offset)
            total = shares.get("total", 0.0) or 1.0

            def share(name: str, shares: dict[str, float] = shares, total: float = total) -> str:
                return f"{shares.get(name, 0.0) / total * 100:4.0f}%"

            ok = int(result["ok"])  # type: ignore[call-overload]
            print(
                f"{clients:>7} {ok:>5} {result['rate']:>6.1f} "
                f"{float(result['rate']) / ceiling_before * 100:>5.0f}% "
                f"{result['median']:>5.0f}ms {result['p99']:>5.0f}ms "
                f"{result['refused_p99']:>9.0f}ms "
                f"{server_cpu / max(ok, 1) * 1000:>8.0f}ms "
                f"{float(result['client_cpu']) / max(ok, 1) * 1000:>8.1f}ms "
                f"{max(others, 0.0):>5.2f}c  "
                f"{share('argon2id')}    {share('encryption')}   {share('files')}    "
                f"{share('database')}   {share('rest')}  "
                f"{ {200: ok, **result['others']} }"  # type: ignore[dict-item]
            )
        ceiling_after, argon2_cpu_after = measured_ceiling(args.ceiling_seconds)
        ceiling = (ceiling_before + ceiling_after) / 2
        argon2_cpu = (argon2_cpu + argon2_cpu_after) / 2
        print(
            f"ceiling after the rounds: {ceiling_after:.1f}/s, {argon2_cpu_after * 1000:.0f} ms "
            f"of CPU each; mean {ceiling:.1f}/s (spread {abs(ceiling_after - ceiling_before):.1f})"
        )
        print(
            "Where a good report's CPU went (ms; the database and Redis count when they run on "
            "this machine), and the share of the ceiling that allows: Argon2id's CPU per "
            "derivation in the ceiling over the CPU a report took"
        )
        print(
            f"{'clients':>7} {'argon2id':>8} {'web':>6} {'database':>8} {'redis':>6} "
            f"{'clients':>7} {'total':>6} {'allows':>6}"
        )
        for clients in rounds:
            spent: dict[str, float] = results[clients]["cpu_per_report"]  # type: ignore[assignment]
            total = sum(spent.values())
            print(
                f"{clients:>7} "
                + " ".join(
                    f"{spent.get(part, 0.0) * 1000:>{width}.1f}"
                    for part, width in (
                        ("argon2id", 8),
                        ("web", 6),
                        ("database", 8),
                        ("redis", 6),
                        ("clients", 7),
                    )
                )
                + f" {total * 1000:>6.1f} {argon2_cpu / total * 100 if total else 0:>5.1f}%"
            )
        for clients in rounds:
            print(
                f"{clients:>3} clients: {float(results[clients]['rate']) / ceiling * 100:5.1f}% "
                "of the mean ceiling"
            )
        if args.surge and 8 in results and float(results[8]["rate"]):
            surge = float(results[args.surge]["rate"]) / float(results[8]["rate"])
            print(f"surge: {args.surge} clients give {surge * 100:.0f}% of the 8-client rate")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
