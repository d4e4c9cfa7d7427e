"""How related reports are judged on parallel text nobody on the project wrote, and where the
"similar text" cut is set.

A *desk* here is a set of texts in groups: the texts of a group say the same thing (a
message and its translations), texts of different groups are unrelated. Ranking is the
production one (`index.entry` quantises, `index.language_means` with the shipped priors,
centred cosine). For each query, the means leave its whole group out, as production sees a
new report on a desk whose earlier reports are about other things.

- *Partner*: a query's translation is its only related report (the rest of its group is
  left out); where does it rank, and does it pass the cut?
- *No related report*: the whole group is left out; the best score of each candidate
  language is what a desk with nothing related would show.
- *Young desk*: the means come from two reports per language only (with the priors).

The cut per (query language, candidate language) is the CUT_QUANTILE of the best unrelated
score on the fitting desk (Debian's catalogues: never the measuring text, Django's), so that
a desk where a tip has nothing related shows a row for at most about 1 tip in 10:

    OMP_NUM_THREADS=1 .venv/bin/python -m tipline.triage.calibration   # rewrites cuts.py
"""

import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import embedding, index, language

# Per pair of languages. Chosen on the hand-written tuning set (tests/related_reports.json),
# never on a measuring set: the least quantile at which at most 1 of its tips in 10 with
# nothing related shows a row (0.09), its partners then in the top 5 and past the cut 0.96.
# Catalogue messages score higher than tips (near-paraphrases of each other: "Enter a valid
# date." / "Enter a valid time."), so the cuts from them sit high for tips; the figures on
# the measuring sets are in docs/design.md.
CUT_QUANTILE = 0.9
YOUNG = 2
_CUTS_FILE = Path(__file__).with_name("cuts.py")


@dataclass
class Desk:
    texts: list[str]
    languages: list[str]  # the desk language of each text ("en", "ur", ...), as counted
    groups: list[int]
    entries: index.Entries
    codes: list[str] = field(default_factory=list)  # as detected, as the index holds them


def build(texts: list[str], languages: list[str], groups: list[int]) -> Desk:
    vectors = embedding.embed(texts)
    codes = [language.detect(t) for t in texts]
    parts = [
        index.entry(uuid.UUID(int=i + 1), 0.0, codes[i], vectors[i], [], [])
        for i in range(len(texts))
    ]
    return Desk(texts, languages, groups, index.concatenate_all(parts), codes)


def _centred_matrix(desk: Desk, means: dict[int, np.ndarray]) -> np.ndarray:
    entries = desk.entries
    vectors = entries.vectors.astype(np.float32) * entries.scales[:, None]
    codes = index.language_codes(entries)
    rows = np.stack([means.get(int(c), means[-1]) for c in codes])
    centred = vectors - rows
    norms = np.maximum(np.linalg.norm(centred, axis=1, keepdims=True), 1e-12)
    return np.asarray(centred / norms, dtype=np.float32)


@dataclass
class Measured:
    # (query language, partner language) -> ranks of the partner (1 = first), scores
    ranks: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    young_ranks: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    partner_scores: dict[tuple[str, str], list[float]] = field(default_factory=dict)
    # (query language, candidate language) -> best unrelated score, one per query
    unrelated: dict[tuple[str, str], list[float]] = field(default_factory=dict)
    # query language -> one list per query of (candidate language, best unrelated score)
    per_query: list[tuple[str, dict[str, float]]] = field(default_factory=list)


def measure(desk: Desk, *, young: bool = True) -> Measured:
    found = Measured()
    groups = np.array(desk.groups)
    langs = np.array(desk.languages)
    # Cuts are looked up by the language the index holds (as detected, as counted).
    counted = np.array([language.group(code) for code in desk.codes])
    for group in sorted(set(desk.groups)):
        members = np.flatnonzero(groups == group)
        keep = groups != group
        means = index.language_means([index.keep_rows(desk.entries, keep)])
        matrix = _centred_matrix(desk, means)
        young_matrix = None
        if young:
            few = [
                i
                for lang in sorted(set(desk.languages))
                for i in np.flatnonzero(keep & (langs == lang))[:YOUNG]
            ]
            chosen = np.zeros(len(groups), bool)
            chosen[few] = True
            young_matrix = _centred_matrix(
                desk, index.language_means([index.keep_rows(desk.entries, chosen)])
            )
        for q in members:
            scores = matrix @ matrix[q]
            best: dict[str, float] = {}
            for lang in sorted(set(counted)):
                pool = keep & (counted == lang)
                if pool.any():
                    best[lang] = float(scores[pool].max())
                    found.unrelated.setdefault((counted[q], lang), []).append(best[lang])
            found.per_query.append((str(counted[q]), best))
            for p in members:
                if p == q or (langs[q] != "en" and langs[p] != "en"):
                    continue  # pairs with English, both ways
                pair = (str(langs[q]), str(langs[p]))
                rank = 1 + int((scores[keep] > scores[p]).sum())
                found.ranks.setdefault(pair, []).append(rank)
                found.partner_scores.setdefault(pair, []).append(float(scores[p]))
                if young_matrix is not None:
                    young_scores = young_matrix @ young_matrix[q]
                    young_rank = 1 + int((young_scores[keep] > young_scores[p]).sum())
                    found.young_ranks.setdefault(pair, []).append(young_rank)
    return found


def cuts_from(measured: Measured, quantile: float = CUT_QUANTILE) -> dict[str, float]:
    """The cut of each "query:candidate" language pair, rounded up to two decimals."""
    return {
        f"{q}:{c}": float(np.ceil(np.quantile(values, quantile) * 100) / 100)
        for (q, c), values in sorted(measured.unrelated.items())
    }


def shows_a_row(measured: Measured, cuts: dict[str, float], default: float) -> int:
    """How many queries of a desk with nothing related would show at least one row."""
    return sum(
        1
        for q, best in measured.per_query
        if any(score >= cuts.get(f"{q}:{c}", default) for c, score in best.items())
    )


def measuring_desk(per_language: int = 100) -> Desk:
    """Django's catalogues: English messages of 20 characters or more and their Urdu,
    Persian, Arabic, Chinese and Uyghur translations, grouped by message."""
    from .tests import outside_text

    return _desk({code: outside_text.django_sentences(code) for code in _MEASURED}, per_language)


_MEASURED = ("ur", "fa", "ar", "zh", "ug")


def _desk(by_language: dict[str, list[tuple[str, str]]], per_language: int) -> Desk:
    texts, languages, groups = [], [], []
    by_english: dict[str, int] = {}
    for code, found in by_language.items():
        pairs = found[:: max(1, len(found) // per_language)][:per_language]
        for english, translated in pairs:
            group = by_english.setdefault(english, len(by_english))
            if english not in texts:
                texts.append(english)
                languages.append("en")
                groups.append(group)
            texts.append(translated)
            languages.append(code)
            groups.append(group)
    return build(texts, languages, groups)


def fitting_desk(per_language: int = 120) -> Desk:
    """Debian's installed catalogues: English messages and their Urdu, Persian, Arabic and
    Chinese translations, 20 characters or more, grouped by message."""
    from .tests import outside_text  # a tool for developers: reads the fitting text

    return _desk(
        {code: list(outside_text.debian_pairs(code)) for code in ("ur", "fa", "ar", "zh")},
        per_language,
    )


def write_cuts(cuts: dict[str, float], default: float) -> None:
    lines = [
        '"""Generated by `python -m tipline.triage.calibration` on Debian\'s catalogues; do not',
        'edit. "query language:candidate language" -> the least centred cosine shown as',
        '"similar text"; DEFAULT for any other pair."""',
        "",
        f"DEFAULT = {default!r}",
        "CUTS = {",
    ]
    lines += [f'    "{pair}": {value!r},' for pair, value in cuts.items()]
    lines.append("}")
    _CUTS_FILE.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tipline.testing.settings")
    django.setup()
    desk = fitting_desk()
    measured = measure(desk, young=False)
    cuts = cuts_from(measured)
    default = max(cuts.values())
    write_cuts(cuts, default)
    shown = shows_a_row(measured, cuts, default)
    sys.stdout.write(
        f"wrote {_CUTS_FILE}: {len(desk.texts)} texts; on the fitting desk {shown} of "
        f"{len(measured.per_query)} queries with nothing related show a row\n"
    )
