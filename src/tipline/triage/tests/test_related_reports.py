"""The hand-written set (related_reports.json): the true partner of a report, often in
another language, ranks first among all the others for most of them."""

import datetime as dt
import json
import uuid
from pathlib import Path

import numpy as np

from tipline import vault
from tipline.triage import embedding, index, language, selectors

DATA = Path(__file__).with_name("related_reports.json")
FLOOR = 0.8  # measured: 1.0 with per-language centring, 0.5 without


def test_the_true_partner_ranks_first_for_most_reports() -> None:
    reports = json.loads(DATA.read_text(encoding="utf-8"))["reports"]
    assert len(reports) >= 30
    assert {r["language"] for r in reports} == {"en", "ur", "zh"}
    key = vault.new_triage_key()
    ids = [uuid.uuid4() for _ in reports]
    vectors = embedding.embed([r["text"] for r in reports])
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC).timestamp()
    entries = index.empty()
    for i, (report, vector) in enumerate(zip(reports, vectors, strict=True)):
        detected = language.detect(report["text"])
        one = index.entry(
            ids[i], start + i, detected, vector, index.sketch(key, report["text"]), []
        )
        entries = index.concatenate(entries, one)
    # Every report is compared with every other (pretend each came last).
    entries.received[:] = start
    loaded = selectors.Loaded({1: entries})
    first = total = 0
    for i, report in enumerate(reports):
        if report["pair"] is None:
            continue
        entries.received[i] = start + 1
        best = selectors.rank(loaded, ids[i], 1, shown=1)
        entries.received[i] = start
        total += 1
        first += reports[ids.index(best[0].report_id)]["pair"] == report["pair"]
    share = first / total
    print(f"true partner ranked first: {first}/{total} = {share:.2f}")
    assert share >= FLOOR


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


def test_the_triage_panel_is_translated_into_urdu_and_chinese() -> None:
    from tipline.testing.translations import catalogue_problems, untranslated_strings

    panel = Path(__file__).parents[1] / "templates" / "triage" / "case_panel.html"
    assert untranslated_strings(panel) == []
    for code in ("ur", "zh_Hans"):
        assert catalogue_problems(code) == []
