"""Ranking quality on two hand-written sets, measured as production sees a new report.

`related_reports.json` is the set the method was first tuned on; `related_reports_heldout.json`
was written afterwards, about other events, and never used to choose anything. In each, items
sharing a `pair` tell of the same event in other words (most in another language). For each
such report, every other report of the desk is ranked and we count how often its partner
comes first.

Ranking centres vectors on their language's mean over the desk's index. Means taken over
the very reports being ranked flatter the method, so the figures that count take them from
an index that does not hold the pair: the desk minus the pair ("leave the pair out"), or only
the other set (a desk whose earlier reports are about other things). The figures are printed
(`pytest -s`); the floors hold the held-out ones with margin.
"""

import datetime as dt
import functools
import json
import uuid
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from tipline import vault
from tipline.triage import embedding, index, language, priors, selectors

HERE = Path(__file__).parent
TUNING, HELD_OUT = "related_reports.json", "related_reports_heldout.json"
# Measured (held-out set): 0.97 leaving the pair out, 0.97 with only the other set's means,
# 0.81 with two reports per language and the priors (0.31 without them), 0.25 uncentred.
FLOOR = 0.8
FEW_FLOOR = 0.65
START = dt.datetime(2026, 1, 1, tzinfo=dt.UTC).timestamp()


@dataclass
class Desk:
    """Both sets as one desk's index: entries in the order of `reports`."""

    reports: list[dict[str, object]]
    ids: list[uuid.UUID]
    sets: list[str]
    entries: index.Entries

    def rows(self, name: str) -> list[int]:
        return [i for i, s in enumerate(self.sets) if s == name]

    def only(self, rows: list[int]) -> index.Entries:
        keep = np.zeros(len(self.entries), bool)
        keep[rows] = True
        return index.keep_rows(self.entries, keep)


@functools.cache
def desk() -> Desk:
    reports, sets = [], []
    for name in (TUNING, HELD_OUT):
        found = json.loads((HERE / name).read_text(encoding="utf-8"))["reports"]
        reports += found
        sets += [name] * len(found)
    key = vault.new_triage_key()
    ids = [uuid.uuid4() for _ in reports]
    vectors = embedding.embed([str(r["text"]) for r in reports])
    parts = [
        index.entry(
            ids[i],
            START,
            language.detect(str(r["text"])),
            vectors[i],
            index.sketch(key, str(r["text"])),
            [],
        )
        for i, r in enumerate(reports)
    ]
    return Desk(reports, ids, sets, index.concatenate_all(parts))


def share_first(name: str, means_for: object, *, pool: str = "desk") -> tuple[int, int]:
    """How many reports of set `name` with a partner have it ranked first, among the other
    reports of the whole desk (`pool="desk"`) or of their own set (`pool="set"`)."""
    setup = desk()
    entries = setup.entries.__class__(**vars(setup.entries))  # own copy of `received`
    entries.received = np.full(len(entries), START)
    if pool == "set":
        entries.received[[i for i, s in enumerate(setup.sets) if s != name]] = START + 2
    loaded = selectors.Loaded({1: entries})
    first = total = 0
    for row in setup.rows(name):
        pair = setup.reports[row]["pair"]
        if pair is None:
            continue
        saved = entries.received[row]
        entries.received[row] = START + 1  # everything else in the pool is earlier
        means = means_for(row)  # type: ignore[operator]
        best = selectors.rank(loaded, setup.ids[row], 1, shown=1, means=means, cut_text=False)
        entries.received[row] = saved
        total += 1
        first += setup.reports[setup.ids.index(best[0].report_id)]["pair"] == pair
    return first, total


def uncentred(row: int) -> dict[int, np.ndarray]:
    return {-1: np.zeros(embedding.DIMENSIONS, np.float32)}


def leave_pair_out(row: int) -> dict[int, np.ndarray]:
    setup = desk()
    pair = setup.reports[row]["pair"]
    others = [i for i, r in enumerate(setup.reports) if r["pair"] is None or r["pair"] != pair]
    return index.language_means([setup.only(others)])


@functools.cache
def _set_means(name: str, per_language: int | None, with_priors: bool) -> dict[int, np.ndarray]:
    setup = desk()
    rows = setup.rows(name)
    if per_language is not None:
        by_language: dict[str, list[int]] = {}
        for i in rows:
            by_language.setdefault(str(setup.reports[i]["language"]), []).append(i)
        rows = [i for found in by_language.values() for i in found[:per_language]]
    return index.language_means([setup.only(rows)], None if with_priors else {})


def other_set(name: str, per_language: int | None = None, *, with_priors: bool = True) -> object:
    """Means from the other set only (all of it, or its first `per_language` reports in each
    language: a young desk)."""
    other = TUNING if name == HELD_OUT else HELD_OUT
    return lambda row: _set_means(other, per_language, with_priors)


def in_sample(name: str) -> object:
    return lambda row: _set_means(name, None, True)


@pytest.fixture(scope="module")
def figures() -> dict[tuple[str, str], float]:
    found = {}
    for name in (TUNING, HELD_OUT):
        for label, means_for, pool in (
            ("uncentred", uncentred, "desk"),
            ("means of the set itself (optimistic)", in_sample(name), "set"),
            ("means of the desk without the pair", leave_pair_out, "desk"),
            ("means of the other set only", other_set(name), "set"),
            ("means of 2 per language of the other set, priors", other_set(name, 2), "set"),
            (
                "means of 2 per language of the other set, no priors",
                other_set(name, 2, with_priors=False),
                "set",
            ),
        ):
            first, total = share_first(name, means_for, pool=pool)
            found[name, label] = first / total
            print(f"{name}: {label}: true partner first {first}/{total} = {first / total:.2f}")
    return found


def test_the_true_partner_ranks_first_on_the_held_out_set(
    figures: dict[tuple[str, str], float],
) -> None:
    desk_size = len(desk().reports)
    assert desk_size >= 60
    held_out = [r for r, s in zip(desk().reports, desk().sets, strict=True) if s == HELD_OUT]
    assert len(held_out) >= 30
    assert {r["language"] for r in held_out} == {"en", "ur", "zh"}
    assert figures[HELD_OUT, "means of the desk without the pair"] >= FLOOR
    assert figures[HELD_OUT, "means of the other set only"] >= FLOOR
    assert figures[TUNING, "means of the desk without the pair"] >= FLOOR
    # Centring is what makes it work across languages, and the priors on a young desk.
    assert figures[HELD_OUT, "uncentred"] < figures[HELD_OUT, "means of the other set only"]
    few = "means of 2 per language of the other set"
    assert figures[HELD_OUT, f"{few}, priors"] >= FEW_FLOOR
    assert figures[HELD_OUT, f"{few}, priors"] > figures[HELD_OUT, f"{few}, no priors"]


def test_the_two_sets_tell_of_different_events() -> None:
    """The held-out set shares no text with the tuning set (so it tests something new)."""
    setup = desk()
    tuning = {str(r["text"]) for r, s in zip(setup.reports, setup.sets, strict=True) if s == TUNING}
    for r, s in zip(setup.reports, setup.sets, strict=True):
        if s == HELD_OUT:
            assert str(r["text"]) not in tuning
            assert r["pair"] is None or int(str(r["pair"])) > 100


def test_shipped_language_offsets_are_those_of_the_sentences_and_model() -> None:
    shipped = priors.offsets()
    assert set(shipped) == set(priors.LANGUAGES)
    recomputed = priors.compute_offsets()
    # The model's sums come out a little differently on different processors (their vector
    # instructions add in another order): offsets computed on an AMD EPYC and again on an
    # Intel Xeon with AVX-512 differ by up to 3.4e-4 in a component, cosine 0.99990-0.99998.
    # Offsets left behind by changed sentences are further off: without the last of the 16
    # sentences, 1.8e-3 to 2.4e-3 in a component, cosine 0.995-0.9987.
    for code in priors.LANGUAGES:
        a, b = shipped[code], recomputed[code]
        cosine = float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))
        assert cosine > 0.999, code
        assert np.allclose(a, b, atol=1e-3), code
    for i, code in enumerate(priors.LANGUAGES):  # each sentence reads as its language
        assert {language.detect(row[i]) for row in priors.SENTENCES} == {code}


def test_languages_of_a_tip_line_are_told_apart() -> None:
    samples = {
        "en": "A white truck crossed the border at night with drugs",
        "ur": "رات کو ایک سفید ٹرک منشیات لے کر سرحد پار کر گیا",
        "zh": "一辆白色卡车在夜间载着毒品越过边境",
        "fa": "یک کامیون سفید شب با مواد مخدر از مرز گذشت",
        "ps": "یو سپین ټرک د شپې له خوا د نشه يي توکو سره له پولې تېر شو",
        "ug": "بىر ئاق يۈك ماشىنىسى كېچىدە زەھەرلىك چېكىملىك بىلەن چېگرىدىن ئۆتتى",
        "ar": "عبرت شاحنة بيضاء الحدود ليلا وهي تحمل المخدرات",
    }
    for code, text in samples.items():
        assert language.detect(text) == code, code
    assert language.detect("?!") == ""


def test_a_near_duplicate_is_told_from_a_paraphrase() -> None:
    key = vault.new_triage_key()
    text = "The clerk in Ward 7 asks 50,000 rupees before stamping the ownership papers."
    copy = "the clerk in ward 7 asks 50000 rupees before stamping the ownership papers!!"
    paraphrase = "A land office employee wants money to put a stamp on property documents."
    sketch = np.array(index.sketch(key, text), np.uint32)
    assert index.resemblance(sketch, np.array(index.sketch(key, copy), np.uint32)) >= 0.5
    assert index.resemblance(sketch, np.array(index.sketch(key, paraphrase), np.uint32)) < 0.2
    other_key = vault.new_triage_key()
    assert index.sketch(other_key, text) != index.sketch(key, text)


def test_the_engine_runs_on_two_threads_at_most_that_wait_passively() -> None:
    """Its default (a thread per core, spinning) was 3-5 times slower on shared cores."""
    import os
    import threading

    found: list[int] = []
    worker = threading.Thread(target=lambda: found.append(embedding.engine_threads()))
    worker.start()
    worker.join()
    assert found == [min(2, os.cpu_count() or 1)]
    assert embedding.engine_threads() == found[0]
    assert os.environ["OMP_WAIT_POLICY"] == "PASSIVE"


def test_the_triage_panel_is_translated_into_urdu_and_chinese() -> None:
    from tipline.testing.translations import catalogue_problems, untranslated_strings

    panel = Path(__file__).parents[1] / "templates" / "triage" / "case_panel.html"
    assert untranslated_strings(panel) == []
    for code in ("ur", "zh_Hans"):
        assert catalogue_problems(code) == []


def rows_shown(name: str) -> tuple[int, int, int, int]:
    """Production's `rank` with its cut on the whole desk (both sets, over MIN_FOR_CUT): how
    many reports of set `name` show any row when nothing related came before them (their
    partners arrive later), and how many of those with a partner have it among the first 5
    rows when it came before. Returns (shown, reports, partner in top 5, with a partner)."""
    setup = desk()
    entries = setup.entries.__class__(**vars(setup.entries))
    loaded = selectors.Loaded({1: entries})
    shown = top5 = paired = 0
    for row in setup.rows(name):
        pair = setup.reports[row]["pair"]
        partners = [
            i
            for i, r in enumerate(setup.reports)
            if pair is not None and i != row and r["pair"] == pair
        ]
        entries.received = np.full(len(entries), START)
        entries.received[row] = START + 1
        entries.received[partners] = START + 2
        shown += bool(selectors.rank(loaded, setup.ids[row], 1))
        if partners:
            entries.received[partners] = START
            found = [m.report_id for m in selectors.rank(loaded, setup.ids[row], 1)[:5]]
            paired += 1
            top5 += any(setup.ids[i] in found for i in partners)
    return shown, len(setup.rows(name)), top5, paired


# Measured with the shipped cuts: (shown with nothing related, partner in the first 5 rows).
# The aim is at most 1 in 10 and at least 9 in 10; not reached (docs/design.md).
MEASURED_CUT = {TUNING: (9, 27), HELD_OUT: (13, 27)}


def test_a_desk_with_nothing_related_shows_fewer_similar_text_rows() -> None:
    """The cut per language pair (`cuts.py`, fitted on Debian's catalogues, its quantile
    chosen on the hand-written tuning set's scores). Without it every report showed 10
    rows, whatever the score; the figures must not get worse."""
    assert len(desk().reports) >= selectors.MIN_FOR_CUT
    for name in (TUNING, HELD_OUT):
        shown, total, top5, paired = rows_shown(name)
        print(
            f"\n{name}: nothing related, {shown} of {total} show a row; "
            f"partner in the first 5 rows {top5} of {paired}"
        )
        most_shown, least_top5 = MEASURED_CUT[name]
        assert shown <= most_shown
        assert top5 >= least_top5
        assert shown < total / 2
