"""Text nobody on the project wrote, to measure triage on (and, kept apart, to fit on).

Measuring (never used to choose anything):
- Django's own translated messages (BSD-3-Clause, in the installed Django): English message
  ids and their Urdu, Persian, Arabic, Chinese and Uyghur translations, pair by pair.
- `outside/roman_urdu_ruhsold.json`: 400 Roman Urdu tweets (RUHSOLD, MIT, licence beside it).
- The held-out half of the Roman Urdu Data Set (`bench/outside/roman_urdu_uci.csv`, CC BY 4.0).

Fitting (thresholds, the Roman Urdu table): Debian's installed catalogues
(/usr/share/locale) and licence texts, and the other half of the Roman Urdu Data Set.
"""

import functools
import gettext
import glob
import json
import re
from pathlib import Path

import django

HERE = Path(__file__).parent
REPOSITORY = HERE.parents[3]
UCI = REPOSITORY / "bench" / "outside" / "roman_urdu_uci.csv"
DJANGO_LOCALES = {"ur": "ur", "fa": "fa", "ar": "ar", "zh": "zh_Hans", "ug": "ug"}
_PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[^}]*\}|<[^>]+>")


def clean(text: str) -> str:
    """A message without its placeholders and markup, spaces folded."""
    return " ".join(_PLACEHOLDER.sub(" ", text).split())


def _catalogue(path: str) -> dict[str, str]:
    with open(path, "rb") as file:
        found = gettext.GNUTranslations(file)._catalog  # type: ignore[attr-defined]
    pairs = {}
    for key, value in found.items():
        msgid = key if isinstance(key, str) else key[0]
        if msgid and value and isinstance(value, str):
            pairs[clean(msgid)] = clean(value)
    return pairs


@functools.cache
def django_pairs(language: str) -> tuple[tuple[str, str], ...]:
    """(English, translation) pairs of Django's catalogues for one of DJANGO_LOCALES,
    sorted, each English message once."""
    root = Path(django.__file__).parent
    pairs: dict[str, str] = {}
    pattern = str(root / f"**/locale/{DJANGO_LOCALES[language]}/LC_MESSAGES/django.mo")
    for path in sorted(glob.glob(pattern, recursive=True)):
        pairs.update(_catalogue(path))
    return tuple(sorted((en, other) for en, other in pairs.items() if en != other))


def django_sentences(language: str) -> list[tuple[str, str]]:
    """Django's pairs whose English has 20 characters or more: the measuring desk."""
    return [(en, other) for en, other in django_pairs(language) if len(en) >= 20]


def django_texts(language: str) -> list[str]:
    """Django's messages in `language` ("en": the message ids of the Urdu catalogue)."""
    if language == "en":
        return sorted({en for en, _ in django_pairs("ur")})
    return sorted({other for _, other in django_pairs(language)})


def debian_texts(language: str) -> list[str]:
    """Debian's installed messages in `language` (fitting text; absent off Debian)."""
    folder = {"zh": "zh_CN", "en": "fr"}.get(language, language)
    texts: set[str] = set()
    for path in sorted(glob.glob(f"/usr/share/locale/{folder}/LC_MESSAGES/*.mo")):
        for msgid, value in _catalogue(path).items():
            texts.add(msgid if language == "en" else value)
    return sorted(t for t in texts if t)


@functools.cache
def debian_pairs(language: str) -> tuple[tuple[str, str], ...]:
    """(English, translation) pairs of Debian's installed catalogues, messages of 20
    characters or more (fitting text; empty off Debian), sorted."""
    folder = {"zh": "zh_CN"}.get(language, language)
    pairs: dict[str, str] = {}
    for path in sorted(glob.glob(f"/usr/share/locale/{folder}/LC_MESSAGES/*.mo")):
        pairs.update(_catalogue(path))
    return tuple(
        sorted((en, other) for en, other in pairs.items() if len(en) >= 20 and en != other)
    )


def ruhsold() -> list[str]:
    data = json.loads((HERE / "outside" / "roman_urdu_ruhsold.json").read_text(encoding="utf-8"))
    return list(data["texts"])


def uci_held_out() -> list[str]:
    from tipline.triage.roman_urdu import held_out_rows

    return held_out_rows(UCI)
