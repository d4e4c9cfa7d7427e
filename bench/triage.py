"""Triage speed: embedding one report, and related reports among 10,000 and 100,000.

    OMP_NUM_THREADS=1 .venv/bin/python bench/triage.py [--sizes 10000,100000]

The index is built as the app builds it (random unit vectors quantised to int8, keyed
sketches, a few fingerprints, shards of 1,024 encrypted by the vault) and stored as BLOBs in
a throwaway SQLite file; "related" times reading every shard back from that file,
decrypting it, unpacking it and ranking (per-language centring included), i.e. what the
case page does. Prints medians and peak memory; asserts nothing.
"""

import argparse
import os
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tipline.testing.settings")
os.environ.setdefault("TIPLINE_DATA_DIR", tempfile.mkdtemp(prefix="tipline-bench-triage-"))

import django

django.setup()

import numpy as np  # noqa: E402

from tipline import vault  # noqa: E402
from tipline.triage import embedding, index, selectors  # noqa: E402


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000")
    args = parser.parse_args()
    text = "A white truck crossed the border at 2 am; the driver paid the customs officer. " * 3
    embedding.embed([text])  # the model loads once per process
    timings = []
    for _ in range(20):
        started = time.perf_counter()
        embedding.embed([text])
        timings.append((time.perf_counter() - started) * 1000)
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"embed one report of {len(text)} characters: {statistics.median(timings):.1f} ms")
    print(f"peak memory after loading the model: {peak_mib():.0f} MiB")
    key = vault.new_triage_key()
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "index.sqlite3"
            last = build(size, key, path)
            stored = path.stat().st_size / 2**20
            timings = []
            for _ in range(5):
                started = time.perf_counter()
                related(key, path, last)
                timings.append((time.perf_counter() - started) * 1000)
            print(
                f"related among {size:,}: {statistics.median(timings):.0f} ms (median of 5; "
                f"read, decrypt, rank), index {stored:.0f} MiB, peak memory {peak_mib():.0f} MiB"
            )


if __name__ == "__main__":
    main()
