"""The triage index in memory: packing a shard's entries into bytes (then encrypted by the
vault) and finding the nearest entries to one report.

A shard holds, for each report: its id, when it was received, its embedding as int8 with one
float32 scale (a quarter of the float32 size, cosine error ~0.01), a bottom-k MinHash
sketch of its text (keyed 32-bit shingle values) and keyed fingerprints of its files.
"""

import struct
import unicodedata
import uuid
from dataclasses import dataclass

import numpy as np

from tipline import vault

from . import language, priors
from .embedding import DIMENSIONS

SHARD_SIZE = 1024
SKETCH_SIZE = 32
EMPTY = 2**32 - 1  # pads a sketch of a text with fewer shingles
MEAN_SAMPLE = 20_000  # rows the language means are estimated from
SHINGLE = 5
FINGERPRINT = 16
_HEADER = struct.Struct("<4sIII")  # magic, entries, dimensions, fingerprints
_MAGIC = b"TRI3"
CHUNK = 4096  # rows converted to float32 at a time (bounded memory)
MIN_PER_LANGUAGE = 5
# How many reports a language's prior counts as (measured on the held-out set: 2, 5 and 10
# give within a report of each other; see tests/test_related_reports.py).
PRIOR_WEIGHT = 5


@dataclass
class Entries:
    """Columns of several reports' index entries (one row per report)."""

    ids: np.ndarray  # (n, 16) uint8: report UUID bytes
    received: np.ndarray  # (n,) float64: received_at as a POSIX timestamp
    vectors: np.ndarray  # (n, DIMENSIONS) int8
    scales: np.ndarray  # (n,) float32
    languages: np.ndarray  # (n, 4) uint8: detected language code, ASCII, zero-padded
    sketches: np.ndarray  # (n, SKETCH_SIZE) uint32, padded with EMPTY
    fp_owner: np.ndarray  # (m,) uint32: row of the report each fingerprint belongs to
    fingerprints: np.ndarray  # (m, FINGERPRINT) uint8

    def __len__(self) -> int:
        return int(self.ids.shape[0])

    def report_id(self, row: int) -> uuid.UUID:
        return uuid.UUID(bytes=self.ids[row].tobytes())


def empty() -> Entries:
    return Entries(
        ids=np.zeros((0, 16), np.uint8),
        received=np.zeros(0, np.float64),
        vectors=np.zeros((0, DIMENSIONS), np.int8),
        scales=np.zeros(0, np.float32),
        languages=np.zeros((0, 4), np.uint8),
        sketches=np.zeros((0, SKETCH_SIZE), np.uint32),
        fp_owner=np.zeros(0, np.uint32),
        fingerprints=np.zeros((0, FINGERPRINT), np.uint8),
    )


def entry(
    report_id: uuid.UUID,
    received: float,
    language: str,
    vector: np.ndarray,
    sketch: list[int],
    fingerprints: list[bytes],
) -> Entries:
    """One report's entry, from its unit vector, sketch values and file fingerprints."""
    scale = float(np.max(np.abs(vector))) or 1.0
    quantised = np.round(vector / scale * 127).astype(np.int8)
    padded = sorted(sketch)[:SKETCH_SIZE] + [EMPTY] * (SKETCH_SIZE - min(len(sketch), SKETCH_SIZE))
    return Entries(
        ids=np.frombuffer(report_id.bytes, np.uint8).reshape(1, 16).copy(),
        received=np.array([received], np.float64),
        vectors=quantised.reshape(1, DIMENSIONS),
        scales=np.array([scale / 127], np.float32),
        languages=np.frombuffer(language.encode("ascii")[:4].ljust(4, b"\0"), np.uint8)
        .reshape(1, 4)
        .copy(),
        sketches=np.array([padded], np.uint32),
        fp_owner=np.zeros(len(fingerprints), np.uint32),
        fingerprints=np.frombuffer(b"".join(fingerprints), np.uint8).reshape(-1, FINGERPRINT),
    )


def concatenate(first: Entries, second: Entries) -> Entries:
    return Entries(
        ids=np.concatenate([first.ids, second.ids]),
        received=np.concatenate([first.received, second.received]),
        vectors=np.concatenate([first.vectors, second.vectors]),
        scales=np.concatenate([first.scales, second.scales]),
        languages=np.concatenate([first.languages, second.languages]),
        sketches=np.concatenate([first.sketches, second.sketches]),
        fp_owner=np.concatenate([first.fp_owner, second.fp_owner + len(first)]).astype(np.uint32),
        fingerprints=np.concatenate([first.fingerprints, second.fingerprints]),
    )


def concatenate_all(parts: list[Entries]) -> Entries:
    """Many shards' entries as one (one copy, not one per shard)."""
    if not parts:
        return empty()
    offsets = np.cumsum([0] + [len(p) for p in parts[:-1]])
    return Entries(
        ids=np.concatenate([p.ids for p in parts]),
        received=np.concatenate([p.received for p in parts]),
        vectors=np.concatenate([p.vectors for p in parts]),
        scales=np.concatenate([p.scales for p in parts]),
        languages=np.concatenate([p.languages for p in parts]),
        sketches=np.concatenate([p.sketches for p in parts]),
        fp_owner=np.concatenate(
            [p.fp_owner + o for p, o in zip(parts, offsets, strict=True)]
        ).astype(np.uint32),
        fingerprints=np.concatenate([p.fingerprints for p in parts]),
    )


def keep_rows(entries: Entries, keep: np.ndarray) -> Entries:
    """Only the rows where `keep` is true (drops reports deleted since they were indexed)."""
    new_row = np.cumsum(keep) - 1
    fp_keep = keep[entries.fp_owner] if len(entries.fp_owner) else np.zeros(0, bool)
    return Entries(
        ids=entries.ids[keep],
        received=entries.received[keep],
        vectors=entries.vectors[keep],
        scales=entries.scales[keep],
        languages=entries.languages[keep],
        sketches=entries.sketches[keep],
        fp_owner=new_row[entries.fp_owner[fp_keep]].astype(np.uint32),
        fingerprints=entries.fingerprints[fp_keep],
    )


def pack(entries: Entries) -> bytes:
    n, m = len(entries), int(entries.fingerprints.shape[0])
    return b"".join(
        [
            _HEADER.pack(_MAGIC, n, DIMENSIONS, m),
            entries.ids.astype(np.uint8).tobytes(),
            entries.received.astype("<f8").tobytes(),
            entries.vectors.astype(np.int8).tobytes(),
            entries.scales.astype("<f4").tobytes(),
            entries.languages.astype(np.uint8).tobytes(),
            entries.sketches.astype("<u4").tobytes(),
            entries.fp_owner.astype("<u4").tobytes(),
            entries.fingerprints.astype(np.uint8).tobytes(),
        ]
    )


class MalformedShard(ValueError):
    """A decrypted shard is not in this format (a bug or a newer version wrote it)."""


def unpack(data: bytes) -> Entries:
    if len(data) < _HEADER.size:
        raise MalformedShard("too short")
    magic, n, dimensions, m = _HEADER.unpack_from(data)
    if magic != _MAGIC or dimensions != DIMENSIONS:
        raise MalformedShard("unknown shard format")
    sizes = [
        ("ids", np.uint8, n * 16, (n, 16)),
        ("received", "<f8", n, (n,)),
        ("vectors", np.int8, n * DIMENSIONS, (n, DIMENSIONS)),
        ("scales", "<f4", n, (n,)),
        ("languages", np.uint8, n * 4, (n, 4)),
        ("sketches", "<u4", n * SKETCH_SIZE, (n, SKETCH_SIZE)),
        ("fp_owner", "<u4", m, (m,)),
        ("fingerprints", np.uint8, m * FINGERPRINT, (m, FINGERPRINT)),
    ]
    offset, columns = _HEADER.size, {}
    for name, dtype, count, shape in sizes:
        width = np.dtype(dtype).itemsize * count
        if offset + width > len(data):
            raise MalformedShard("truncated")
        columns[name] = np.frombuffer(data, dtype, count, offset).reshape(shape)
        offset += width
    return Entries(**columns)


def shingles(text: str) -> set[str]:
    """Character 5-grams of the text with case, punctuation and spacing folded away, so a
    copy with changed spacing or a few edited words still shares most shingles."""
    folded = "".join(
        ch for ch in unicodedata.normalize("NFKC", text).casefold() if ch.isalnum() or ch == " "
    )
    words = " ".join(folded.split())
    if len(words) <= SHINGLE:
        return {words} if words else set()
    return {words[i : i + SHINGLE] for i in range(len(words) - SHINGLE + 1)}


def sketch(triage_key: vault.TriageKey, text: str) -> list[int]:
    """Bottom-k MinHash of the text's shingles under the epoch's key."""
    return sorted(vault.keyed_shingle_values(triage_key, sorted(shingles(text))))[:SKETCH_SIZE]


def resemblance(first: np.ndarray, second: np.ndarray) -> float:
    """Estimated Jaccard similarity of two texts from their bottom-k sketches."""
    empty_value = np.uint32(EMPTY)
    a, b = first[first != empty_value], second[second != empty_value]
    if not len(a) or not len(b):
        return 0.0
    union = np.union1d(a, b)[:SKETCH_SIZE]
    both = np.intersect1d(np.intersect1d(a, b), union)
    return float(len(both)) / float(len(union))


def language_codes(entries: Entries) -> np.ndarray:
    """One int per row naming its language (the 4 code bytes read as a little-endian int)."""
    return entries.languages.view("<u4").reshape(-1)


def language_code(language: str) -> int:
    """The int `language_codes` gives for a language code such as "ur"."""
    return int.from_bytes(language.encode("ascii")[:4].ljust(4, b"\0"), "little")


SHORT_MARK = "!"  # before the code of a text too short to judge (`indexed_language`)


def indexed_language(code: str, too_short: bool) -> str:
    """What an entry holds for a text detected as `code` (4 bytes: "ur-Latn" is "ur-L")."""
    return (SHORT_MARK if too_short else "") + code


def counted_language(code: int) -> tuple[str, bool]:
    """An entry's language as a desk counts it (`language.group`), and whether its text was
    too short to judge."""
    text = code.to_bytes(4, "little").rstrip(b"\0").decode("ascii", "replace")
    short = text.startswith(SHORT_MARK)
    text = text.removeprefix(SHORT_MARK)
    if text.startswith("ur-"):
        text = language.ROMAN_URDU
    return language.group(text), short


def language_means(
    parts: list[Entries], offsets: dict[str, np.ndarray] | None = None
) -> dict[int, np.ndarray]:
    """The mean vector of each detected language over the desk's index (key -1: all rows).

    The embedding of a text carries its language as well as its meaning; reports in the same
    language look alike whatever they say. Subtracting each language's mean vector removes
    most of that, so that a report's partner in another language ranks first (held-out set:
    from 8-14 of 32 pairs to 30-32 of 32, `tests/test_related_reports.py`).

    A few reports do not make a mean. So a language with a shipped offset
    (`priors.offsets()`) starts from a prior, the desk's overall mean moved by that offset,
    worth `PRIOR_WEIGHT` reports: its mean is (sum of its vectors + PRIOR_WEIGHT x prior) /
    (count + PRIOR_WEIGHT). A language without one uses its own mean from `MIN_PER_LANGUAGE`
    reports on, the overall mean before."""
    if offsets is None:
        offsets = priors.offsets()
    sums: dict[int, np.ndarray] = {}
    counts: dict[int, int] = {}
    total = np.zeros(DIMENSIONS, np.float64)
    rows = 0
    step = max(1, sum(len(p) for p in parts) // MEAN_SAMPLE)
    for entries in parts:
        # Every `step`-th row (views, no copy), in blocks: one int8 -> float32 conversion
        # and one matrix product per block give every language's sum at once.
        vectors, scales = entries.vectors[::step], entries.scales[::step]
        codes = language_codes(entries)[::step]
        present, which = np.unique(codes, return_inverse=True)
        part_sums = np.zeros((len(present), DIMENSIONS), np.float64)
        for start in range(0, len(vectors), CHUNK):
            stop = start + CHUNK
            weights = np.zeros((len(present), min(stop, len(vectors)) - start), np.float32)
            weights[which[start:stop], np.arange(weights.shape[1])] = scales[start:stop]
            part_sums += weights @ vectors[start:stop].astype(np.float32)
        part_counts = np.bincount(which, minlength=len(present))
        for i, code in enumerate(int(c) for c in present):
            sums[code] = sums.get(code, 0) + part_sums[i]
            counts[code] = counts.get(code, 0) + int(part_counts[i])
        total += part_sums.sum(axis=0)
        rows += len(vectors)
    overall = total / max(rows, 1)
    offset_of = {language_code(language): offset for language, offset in offsets.items()}
    # The overall mean already holds the offsets in the desk's mix of languages; a language's
    # prior is the overall mean moved from that mix to the language alone.
    mix = sum(
        (counts[code] * offset_of[code] for code in counts if code in offset_of),
        np.zeros(DIMENSIONS, np.float64),
    ) / max(rows, 1)
    means: dict[int, np.ndarray] = {}
    for code, count in counts.items():
        if code in offset_of:
            prior = overall - mix + offset_of[code]
            means[code] = (sums[code] + PRIOR_WEIGHT * prior) / (count + PRIOR_WEIGHT)
        elif count >= MIN_PER_LANGUAGE:
            means[code] = sums[code] / count
        else:
            means[code] = overall
    means[-1] = overall
    return {code: mean.astype(np.float32) for code, mean in means.items()}


def centred(vector: np.ndarray, mean: np.ndarray) -> np.ndarray:
    shifted = vector - mean
    return shifted / (float(np.linalg.norm(shifted)) or 1.0)


def centred_scores(entries: Entries, query: np.ndarray, means: dict[int, np.ndarray]) -> np.ndarray:
    """Cosine similarity of every entry, centred on its language's mean, with a centred
    unit query: (v - m)·q / |v - m|, computed in blocks of `CHUNK` rows."""
    if not len(entries):
        return np.zeros(0, np.float32)
    codes = language_codes(entries)
    known = sorted(means)
    table = np.stack([means[c] for c in known])  # (L, DIMENSIONS)
    known_codes = np.array(known, np.int64)
    found = np.searchsorted(known_codes, codes.astype(np.int64))
    found = np.minimum(found, len(known) - 1)
    which = np.where(known_codes[found] == codes, found, known.index(-1))
    mean_dot_query = table @ query  # (L,)
    mean_norm2 = (table * table).sum(axis=1)  # (L,)
    # One product per block gives v.q and every v.m: the block is read once, and scaled
    # after the product (a few columns) rather than before (384).
    against = np.column_stack([query, table.T]).astype(np.float32)  # (DIMENSIONS, 1 + L)
    out = np.empty(len(entries), np.float32)
    for start in range(0, len(entries), CHUNK):
        stop = start + CHUNK
        products = entries.vectors[start:stop].astype(np.float32) @ against
        products *= entries.scales[start:stop, None]
        w = which[start:stop]
        dots = products[:, 0] - mean_dot_query[w]
        # |v - m|^2 = |v|^2 - 2 v.m + |m|^2, with |v| = 1 (unit vectors, quantised)
        own_mean = products[np.arange(len(w)), 1 + w]
        norms = np.sqrt(np.maximum(1.0 - 2 * own_mean + mean_norm2[w], 1e-12))
        out[start:stop] = dots / norms
    return out
