"""Related reports of one report, computed in the recipient's request.

Decrypts every shard of the desk's index this recipient holds a key for (one
XChaCha20-Poly1305 pass per 1,024 reports), scores all entries against the report's vector
in numpy, then looks closer at the best: near-duplicate text (MinHash resemblance) and
identical files (keyed fingerprints, same epoch only). Nothing decrypted is written.
"""

import uuid
from dataclasses import dataclass, field

import numpy as np

from tipline import vault
from tipline.accounts.models import StaffUser
from tipline.intake.models import Report

from . import index
from .actions import shard_context
from .epochs import keys_of
from .models import Indexed, Shard

NEAR_DUPLICATE = 0.5  # estimated Jaccard of 5-gram shingles
SHOWN = 10
CANDIDATES = 50


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
    """Decrypted shards, one `Entries` per epoch the recipient holds."""

    by_epoch: dict[int, index.Entries]


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
    return Loaded({epoch: index.concatenate_all(parts) for epoch, parts in by_epoch.items()})


def related_reports(
    report: Report, user: StaffUser, private_key: vault.StaffPrivateKey, *, shown: int = SHOWN
) -> list[Match] | None:
    """The most similar earlier reports of the desk, best first; None while the report
    itself is not analysed yet."""
    indexed = Indexed.objects.filter(report=report).select_related("shard").first()
    if indexed is None:
        return None
    loaded = load(user, private_key, report.desk_id)
    return rank(loaded, report.id, indexed.shard.epoch_id, shown=shown)


def rank(
    loaded: Loaded,
    report_id: uuid.UUID,
    epoch_id: int,
    *,
    shown: int = SHOWN,
    means: dict[int, np.ndarray] | None = None,
) -> list[Match]:
    """The best earlier matches of one indexed report. `means` are the language means to
    centre on; by default those of everything loaded (what the case page does)."""
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
    vector = home.vectors[row].astype(np.float32) * home.scales[row]
    query = index.centred(vector, means.get(own_code, means[-1]))
    received = home.received[row]
    own_files = {bytes(f) for f in home.fingerprints[home.fp_owner == row]}
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
        for candidate in best:
            if not np.isfinite(scores[candidate]):
                break
            match = Match(entries.report_id(int(candidate)), float(scores[candidate]))
            match.reasons.append(Reason.TEXT)
            if this_epoch == epoch_id:
                resemblance = index.resemblance(home.sketches[row], entries.sketches[candidate])
                if resemblance >= NEAR_DUPLICATE:
                    match.reasons.insert(0, Reason.NEAR_DUPLICATE)
            matches[match.report_id] = match
        if this_epoch == epoch_id and own_files:
            wanted = np.frombuffer(b"".join(own_files), "V16")
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
