"""Anonymous submissions per second over HTTP against a real `tipline serve`.

    make bench-submit                  (SQLite)
    make bench-submit-postgres         (a throwaway PostgreSQL database)
    .venv/bin/python bench/submit.py [--seconds 20] [--clients 1,8] [--surge 32]
                                     [--workers 1] [--database-url URL]

Starts its own server on 127.0.0.1 (a fresh data folder, a desk, one recipient, made with
the documented commands), then for each number of clients submits complete reports (GET the
form, POST it, read the receipt) for a bounded time and count. Prints submissions per
second, median and p99 latency of the POST, errors, and (from the server's phase timings)
the share of server time in Argon2id, encryption, files, the database and the rest. A surge
round shows the server refusing quickly with 503 + Retry-After instead of slowing to a
crawl. Loopback only; everything stops by itself.
"""

import argparse
import http.client
import os
import re
import statistics
import subprocess
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

from tipline.testing.reporter_client import Reporter
from tipline.testing.server import ServerProcess, free_port, tipline_command

TIMING = re.compile(r"submission (\d+) total=([\d.]+) (.*) rest=([-\d.]+)")


def run_round(port: int, path: str, clients: int, seconds: float, limit: int) -> dict[str, object]:
    statuses: Counter[int] = Counter()
    latencies: list[float] = []
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

    started = time.perf_counter()
    cpu_started = time.process_time()
    threads = [threading.Thread(target=work) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    client_cpu = time.process_time() - cpu_started
    latencies.sort()
    return {
        "ok": statuses[200],
        "rate": statuses[200] / wall,
        "median": statistics.median(latencies) * 1000 if latencies else 0.0,
        "p99": latencies[max(0, int(len(latencies) * 0.99) - 1)] * 1000 if latencies else 0.0,
        "others": {k: v for k, v in statuses.items() if k != 200},
        # The clients share the machine's cores with the server: how much they took.
        "client_cores": client_cpu / wall,
    }


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
    args = parser.parse_args()

    data = Path(tempfile.mkdtemp(prefix="tipline-bench-submit-"))
    env = {**os.environ, "TIPLINE_DATA_DIR": str(data), "TIPLINE_PHASE_TIMINGS": "true"}
    env.pop("DATABASE_URL", None)
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
        engine = "postgresql" if args.database_url else "sqlite"
        print(
            f"Tipline submission benchmark: {engine}, {os.cpu_count()} cores, "
            f"{args.workers} worker(s) x {args.threads} threads, {args.seconds:.0f} s per round"
        )
        print(
            f"{'clients':>7} {'ok':>6} {'per s':>7} {'median':>9} {'p99':>9}  "
            "argon2id  encrypt  files  database  rest  client cpu  other statuses"
        )
        offset = 0
        rounds = [int(c) for c in args.clients.split(",")] + ([args.surge] if args.surge else [])
        for clients in rounds:
            result = run_round(server.port, path, clients, args.seconds, args.max_submissions)
            time.sleep(0.5)
            shares, offset = phase_shares(log, offset)
            total = shares.get("total", 0.0) or 1.0

            def share(name: str, shares: dict[str, float] = shares, total: float = total) -> str:
                return f"{shares.get(name, 0.0) / total * 100:5.1f}%"

            print(
                f"{clients:>7} {result['ok']:>6} {result['rate']:>7.1f} "
                f"{result['median']:>7.0f}ms {result['p99']:>7.0f}ms  "
                f"{share('argon2id')}   {share('encryption')}  {share('files')}   "
                f"{share('database')}  {share('rest')}  {result['client_cores']:5.2f} cores  "
                f"{result['others'] or '-'}"
            )
    finally:
        server.stop()


if __name__ == "__main__":
    main()
