"""Related reports of one report, computed in the recipient's request.

Decrypts every shard of the desk's index this recipient holds a key for (one
XChaCha20-Poly1305 pass per 1,024 reports), scores all entries against the report's vector
in numpy, then looks closer: near-duplicate text (MinHash resemblance) among the best, and
identical files (keyed fingerprints) among all. In the report's own epoch its stored sketch
and fingerprints are compared; in each other epoch the recipient holds, the report's
sketch and fingerprints are computed under that epoch's key first (a `Probe`, in memory for
this request). Nothing decrypted or computed is written.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from tipline import vault
from tipline.accounts.models import StaffUser
from tipline.reports import conversation

from . import cuts, index
from .actions import file_fingerprints, report_text, reporter_files, shard_context
from .epochs import keys_of
from .models import Indexed, Shard

NEAR_DUPLICATE = 0.5  # estimated Jaccard of 5-gram shingles
SHOWN = 10
CANDIDATES = 50
# Below this many analysed reports on the desk, the cut is not applied (see `rank`).
MIN_FOR_CUT = 20
# Files larger than this are compared within their own epoch only: hashing them again under
# every other epoch's key on each view of the case would cost seconds.
PROBE_MAX_BYTES = 64 * 2**20


class Reason:
    TEXT = "text"
    NEAR_DUPLICATE = "near_duplicate"
    ATTACHMENT = "attachment"


@dataclass
class Match:
    report_id: uuid.UUID
    score: float
    reasons: list[str] = field(default_factory=list)


@dataclass
class Loaded:
    """Decrypted shards, one `Entries` per epoch the recipient holds, and those epochs' keys
    (in memory for this request only)."""

    by_epoch: dict[int, index.Entries]
    keys: dict[int, vault.TriageKey] = field(default_factory=dict, repr=False)


@dataclass
class Probe:
    """The report's text sketch and file fingerprints under another epoch's key."""

    sketch: np.ndarray
    fingerprints: set[bytes]


# Given the other epochs with earlier entries, the report's probe in each of them.
Prober = Callable[[list[int]], dict[int, Probe]]


def load(user: StaffUser, private_key: vault.StaffPrivateKey, desk_id: int) -> Loaded:
    keys = keys_of(user, private_key, desk_id)
    by_epoch: dict[int, list[index.Entries]] = {}
    for shard in Shard.objects.filter(epoch_id__in=keys).only("id", "epoch_id", "blob"):
        if not shard.blob:
            continue
        plain = vault.decrypt_triage_index(
            keys[shard.epoch_id], bytes(shard.blob), context=shard_context(shard.epoch_id, shard.pk)
        )
        by_epoch.setdefault(shard.epoch_id, []).append(index.unpack(plain))
    return Loaded({epoch: index.concatenate_all(parts) for epoch, parts in by_epoch.items()}, keys)


def related_reports(
    opened: conversation.OpenedReport,
    user: StaffUser,
    private_key: vault.StaffPrivateKey,
    *,
    shown: int = SHOWN,
) -> list[Match] | None:
    """The most similar earlier reports of the desk, best first; None while the report
    itself is not analysed yet."""
    report = opened.report
    indexed = Indexed.objects.filter(report=report).select_related("shard").first()
    if indexed is None:
        return None
    loaded = load(user, private_key, report.desk_id)
    return rank(
        loaded, report.id, indexed.shard.epoch_id, shown=shown, probe=prober(opened, loaded)
    )


def prober(opened: conversation.OpenedReport, loaded: Loaded) -> Prober:
    """Computes the opened report's probes: its text's sketch under each epoch's key, and its
    files' fingerprints (each file decrypted once, hashed under all the keys)."""

    def probe(epochs: list[int]) -> dict[int, Probe]:
        keys = [loaded.keys[epoch] for epoch in epochs]
        if not keys:
            return {}
        text = report_text(opened)
        files: list[list[bytes]] = [
            file_fingerprints(opened, attachment, keys)
            for attachment in reporter_files(opened.report)
            if attachment.size_bytes <= PROBE_MAX_BYTES
        ]
        return {
            epoch: Probe(
                np.array(index.sketch(key, text), np.uint32),
                {found[i] for found in files},
            )
            for i, (epoch, key) in enumerate(zip(epochs, keys, strict=True))
        }

    return probe


def rank(
    loaded: Loaded,
    report_id: uuid.UUID,
    epoch_id: int,
    *,
    shown: int = SHOWN,
    means: dict[int, np.ndarray] | None = None,
    probe: Prober | None = None,
    cut_text: bool = True,
) -> list[Match]:
    """The best earlier matches of one indexed report. `means` are the language means to
    centre on; by default those of everything loaded (what the case page does). Without
    `probe`, near-duplicates and same files are looked for in the report's own epoch only."""
    home = loaded.by_epoch.get(epoch_id)
    if home is None:
        return []
    target = np.frombuffer(report_id.bytes, np.uint8)
    rows = np.flatnonzero((home.ids == target).all(axis=1))
    if not len(rows):
        return []
    row = int(rows[0])
    if means is None:
        means = index.language_means(list(loaded.by_epoch.values()))
    own_code = int(index.language_codes(home)[row])
    # A text too short to judge gets no "similar text" rows (near-duplicates and files still).
    own_language, own_short = index.counted_language(own_code)
    # On a young desk the language means rest on a few reports and scores wander (a true
    # partner can score below zero): rank only, as the page says.
    young = sum(len(entries) for entries in loaded.by_epoch.values()) < MIN_FOR_CUT
    vector = home.vectors[row].astype(np.float32) * home.scales[row]
    query = index.centred(vector, means.get(own_code, means[-1]))
    received = home.received[row]
    probes = {epoch_id: Probe(home.sketches[row], _files_of(home, row))}
    if probe is not None:
        others = [
            epoch
            for epoch, entries in loaded.by_epoch.items()
            if epoch != epoch_id and bool((entries.received < received).any())
        ]
        probes.update(probe(others))
    matches: dict[uuid.UUID, Match] = {}
    for this_epoch, entries in loaded.by_epoch.items():
        earlier = entries.received < received
        if this_epoch == epoch_id:
            earlier &= ~(entries.ids == target).all(axis=1)
        similarity = index.centred_scores(entries, query, means)
        scores = np.where(earlier, similarity, -np.inf)
        take = min(CANDIDATES, len(scores))
        best = np.argpartition(-scores, take - 1)[:take] if take else np.zeros(0, np.int64)
        best = best[np.argsort(-scores[best])]
        own = probes.get(this_epoch)
        codes = index.language_codes(entries)
        for candidate in best:
            if not np.isfinite(scores[candidate]):
                break
            match = Match(entries.report_id(int(candidate)), float(scores[candidate]))
            if own is not None:
                resemblance = index.resemblance(own.sketch, entries.sketches[candidate])
                if resemblance >= NEAR_DUPLICATE:
                    match.reasons.append(Reason.NEAR_DUPLICATE)
            other_language, other_short = index.counted_language(int(codes[candidate]))
            if not cut_text or (
                not (own_short or other_short)
                and (young or match.score >= cut(own_language, other_language))
            ):
                match.reasons.append(Reason.TEXT)
            if match.reasons:
                matches[match.report_id] = match
        if own is not None and own.fingerprints and len(entries.fingerprints):
            wanted = np.frombuffer(b"".join(own.fingerprints), "V16")
            same = np.isin(entries.fingerprints.reshape(-1).view("V16"), wanted)
            for owner in np.unique(entries.fp_owner[same]):
                if earlier[owner]:
                    other = entries.report_id(int(owner))
                    match = matches.get(other) or Match(other, float(similarity[owner]))
                    if Reason.ATTACHMENT not in match.reasons:
                        match.reasons.insert(0, Reason.ATTACHMENT)
                    matches[other] = match
    # Same file or near-duplicate text first, then by similarity.
    ordered = sorted(matches.values(), key=lambda m: (m.reasons[0] == Reason.TEXT, -m.score))
    return ordered[:shown]


def cut(query_language: str, candidate_language: str) -> float:
    """The least score shown as "similar text" between two languages (as counted), set on
    outside text where a tip has nothing related (`calibration.py`, docs/design.md)."""
    return cuts.CUTS.get(f"{query_language}:{candidate_language}", cuts.DEFAULT)


def _files_of(entries: index.Entries, row: int) -> set[bytes]:
    return {bytes(f) for f in entries.fingerprints[entries.fp_owner == row]}
