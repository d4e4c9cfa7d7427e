"""Triage on outside text: the language detected, and related reports per language pair.

    OMP_NUM_THREADS=1 .venv/bin/python bench/triage_language.py [--per-language 100]

Language (`tipline.triage.language.detect`): Roman Urdu recall on the 400 RUHSOLD tweets
shipped with the tests and on the held-out half of the Roman Urdu Data Set; Django's own
messages in English, Urdu, Persian, Arabic, Chinese and Uyghur (15 letters or more, and
shorter), right / unsure / wrong, beside py3langid alone. Related reports
(`tipline.triage.calibration`, the production ranking): a desk of Django's messages of 20
characters or more and their translations, per pair with English both ways, the partner's
rank with means that leave its group out ("production") and with means from 2 reports per
language ("young desk"); then the shipped cut: how many queries with nothing related show
a row, and how many partners are in the first 5 and past the cut. None of this text chose
anything (fitting text: Debian's catalogues, the other half of the Roman Urdu Data Set,
the hand-written tuning set). Then time per report (detection, embedding) and peak memory.
Prints; asserts nothing.
"""

import argparse
import collections
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tipline.testing.settings")
os.environ.setdefault("TIPLINE_DATA_DIR", tempfile.mkdtemp(prefix="tipline-bench-triage-"))

import django

django.setup()

import numpy as np  # noqa: E402
from py3langid.langid import MODEL_FILE, LanguageIdentifier  # noqa: E402

from tipline.triage import calibration, cuts, embedding, language  # noqa: E402
from tipline.triage.tests import outside_text  # noqa: E402


def languages() -> None:
    print("== Language of the text")
    for name, texts in (
        ("RUHSOLD tweets", outside_text.ruhsold()),
        ("Roman Urdu Data Set, held-out half", outside_text.uci_held_out()),
    ):
        found = collections.Counter(language.detect(t) for t in texts)
        right = found[language.ROMAN_URDU]
        print(
            f"Roman Urdu, {name}: {right}/{len(texts)} = {right / len(texts):.3f} as Urdu "
            f"(Latin letters); otherwise {found.most_common(4)[1:]}"
        )
    raw = LanguageIdentifier.from_model_file(MODEL_FILE)
    for code in ("en", "ur", "fa", "ar", "zh", "ug"):
        for long in (True, False):
            texts = [
                t
                for t in outside_text.django_texts(code)
                if (sum(ch.isalpha() for ch in t) >= language.SHORT_LETTERS) == long
                and sum(ch.isalpha() for ch in t) >= language.MIN_LETTERS
            ]
            counted = [language.group(language.detect(t)) for t in texts]
            right = counted.count(code)
            unsure = counted.count(language.UNSURE)
            alone = sum(1 for t in texts if raw.classify(t)[0] == code)
            n = len(texts)
            size = "15+ letters" if long else "shorter"
            print(
                f"{code} Django messages, {size}: n={n} right {right / n:.3f} unsure "
                f"{unsure / n:.3f} wrong {(n - right - unsure) / n:.3f} "
                f"(py3langid alone right {alone / n:.3f})"
            )


def related(per_language: int) -> None:
    print("== Related reports (Django's messages and their translations)")
    desk = calibration.measuring_desk(per_language)
    measured = calibration.measure(desk)
    print(f"desk of {len(desk.texts)} texts")
    for pair in sorted(measured.ranks):
        ranks = np.array(measured.ranks[pair])
        young = np.array(measured.young_ranks[pair])
        print(
            f"{pair[0]} -> {pair[1]}: n={len(ranks)} production top-1 {np.mean(ranks == 1):.2f}"
            f" top-5 {np.mean(ranks <= 5):.2f}; young desk top-1 {np.mean(young == 1):.2f}"
        )
    shown = calibration.shows_a_row(measured, cuts.CUTS, cuts.DEFAULT)
    print(f"nothing related: {shown}/{len(measured.per_query)} queries show a row")
    for pair in sorted(measured.ranks):
        cut = cuts.CUTS.get(f"{pair[0]}:{pair[1]}", cuts.DEFAULT)
        found = zip(measured.ranks[pair], measured.partner_scores[pair], strict=True)
        kept = sum(1 for rank, score in found if rank <= 5 and score >= cut)
        print(
            f"{pair[0]} -> {pair[1]}: partner in the first 5 and past the cut "
            f"{kept}/{len(measured.ranks[pair])} (cut {cut})"
        )


def costs() -> None:
    print("== Time and memory per report")
    text = outside_text.ruhsold()[0] * 3
    language.load()
    started = time.perf_counter()
    for _ in range(200):
        language.detect(text)
    print(
        f"detect: {(time.perf_counter() - started) / 200 * 1000:.2f} ms "
        f"({len(text)} characters), load {os.getloadavg()[0]:.1f}"
    )
    texts = [en for en, _ in outside_text.django_sentences("ur")][:16]
    embedding.embed(texts[:1])
    started = time.perf_counter()
    embedding.embed(texts)
    print(
        f"embed: {(time.perf_counter() - started) / len(texts) * 1000:.1f} ms per message "
        f"(8-16 words), load {os.getloadavg()[0]:.1f}"
    )
    print(f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-language", type=int, default=100)
    args = parser.parse_args()
    languages()
    related(args.per_language)
    costs()
