"""The language a report's text is written in, offline, in terms that mean something to a
desk: one of its named languages, Urdu in Latin letters, "other" (with the language's name),
or "unsure" (with the script) rather than a wrong language.

py3langid (its model ships in its wheel; well under a millisecond per text) knows 142
labels, dialects and varieties among them: Chinese sentences come out `wuu` or `yue`, short
Urdu `uzs` or `arz`. Those are folded into the language a desk files them under. It has no
Roman Urdu at all (`roman_urdu.py` recognises it). Below a confidence, or on a text too
short to tell, the detector gives the text's script instead of a guess: an inbox filter on
Urdu that misses a tip is better than one that files it under Hausa.

Codes stored (`DetectedLanguage.language`, at most 10 characters, and 4 bytes of each index
entry): an ISO 639-1 code ("en", "ur", ...), `ROMAN_URDU` ("ur-Latn", "ur-L" in the index,
so it keeps a mean of its own), or an ISO 15924 script code ("Latn", "Arab", ...) for unsure.
The thresholds were chosen on fitting text and measured on other text (docs/design.md
"Triage", bench/triage_language.py).
"""

import threading
from typing import Any

from django.conf.locale import LANG_INFO
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import roman_urdu

MIN_LETTERS = 3
# Fewer letters than this (Latin or Arabic script) and the script is all we say: on
# Django's own messages (the fitting text) texts under 15 letters were given the wrong
# language 1 time in 4.
SHORT_LETTERS = 15
# Below this probability (py3langid's, normalised, after folding) we say "unsure".
CONFIDENCE = 0.5
SHORT_CONFIDENCE = 0.9
NAMED_WEIGHT = 30.0
ROMAN_URDU = "ur-Latn"
# The languages a tip line here most often meets, for the inbox filter and the counts.
NAMED = {
    "en": _("English"),
    "ur": _("Urdu"),
    "zh": _("Chinese"),
    "fa": _("Persian"),
    "ps": _("Pashto"),
    "ug": _("Uyghur"),
    "ar": _("Arabic"),
    "hi": _("Hindi"),
    "pa": _("Punjabi"),
}
SCRIPTS = {
    "Latn": _("Latin letters"),
    "Arab": _("Arabic script"),
    "Hani": _("Chinese characters"),
    "Cyrl": _("Cyrillic letters"),
    "Deva": _("Devanagari"),
    "Zyyy": _("another script"),
}
OTHER, UNSURE = "other", "unsure"
# Dialects and varieties py3langid tells apart, filed under the language a desk knows.
FOLD = {
    "wuu": "zh",  # Wu Chinese
    "yue": "zh",  # Cantonese
    "arz": "ar",  # Egyptian Arabic
    "ary": "ar",  # Moroccan Arabic
    "uzs": "uz",  # Southern Uzbek (Arabic script)
    "sdh": "ku",  # Southern Kurdish
    "hbo": "he",  # Ancient Hebrew
    "grc": "el",  # Ancient Greek
    "gug": "gn",  # Paraguayan Guarani
    "no": "nb",
    "nn": "nb",
}

_lock = threading.Lock()
_identifier: Any = None


def detect(text: str) -> str:
    """The text's code (see the module's docstring), or "" when it has too few letters."""
    letters = [ch for ch in text if ch.isalpha()]
    if len(letters) < MIN_LETTERS:
        return ""
    script = script_of(letters)
    if script == "Latn" and roman_urdu.is_roman_urdu(text):
        return ROMAN_URDU
    if script == "Hani":
        return "zh"  # Han characters without kana: Chinese, whatever the variety.
    found, probability = _folded(text)
    needed = SHORT_CONFIDENCE if len(letters) < SHORT_LETTERS else CONFIDENCE
    if probability < needed or found == "zxx":
        return script
    return found


def too_short(text: str) -> bool:
    """Too short for its meaning to be judged: fewer than SHORT_LETTERS letters, a Chinese
    character counting as three (1-3 words: the partner ranked first 35-42% of the time)."""
    weight = sum(3 if _script(ord(ch)) == "Hani" else 1 for ch in text if ch.isalpha())
    return weight < SHORT_LETTERS


def script_of(letters: list[str]) -> str:
    """The script most of the letters are written in (ISO 15924)."""
    counts: dict[str, int] = {}
    for ch in letters:
        code = _script(ord(ch))
        counts[code] = counts.get(code, 0) + 1
    return max(counts.items(), key=lambda item: item[1])[0]


def _script(point: int) -> str:
    if point < 0x250 or 0x1E00 <= point < 0x1F00:
        return "Latn"
    if (
        0x600 <= point < 0x780
        or 0x8A0 <= point < 0x900
        or 0xFB50 <= point < 0xFE00
        or 0xFE70 <= point < 0xFF00
    ):
        return "Arab"
    if 0x3400 <= point < 0xA000 or 0xF900 <= point < 0xFB00 or 0x20000 <= point < 0x32000:
        return "Hani"
    if 0x400 <= point < 0x530:
        return "Cyrl"
    if 0x900 <= point < 0x980:
        return "Deva"
    return "Zyyy"


def _folded(text: str) -> tuple[str, float]:
    """py3langid's best language after folding varieties, with its probability once the
    desk's named languages are weighted by NAMED_WEIGHT (a prior: a tip line here meets
    them far more often than, say, Latin or Nigerian Pidgin)."""
    totals: dict[str, float] = {}
    for code, probability in _model().rank(text):
        folded = FOLD.get(str(code), str(code))
        weight = NAMED_WEIGHT if folded in NAMED else 1.0
        totals[folded] = totals.get(folded, 0.0) + weight * float(probability)
    whole = sum(totals.values())
    totals = {code: value / whole for code, value in totals.items()}
    best = max(totals.items(), key=lambda item: item[1])
    return best[0], best[1]


def group(code: str) -> str:
    """What a desk counts a code as: a named language (Urdu in Latin letters is Urdu),
    OTHER, UNSURE (script only, or nothing detected). For statistics and filters."""
    if code == ROMAN_URDU:
        return "ur"
    if code in NAMED:
        return code
    if not code or code in SCRIPTS:
        return UNSURE
    return OTHER


def label(code: str) -> str:
    """How a code reads on a page, in the active language."""
    if code == ROMAN_URDU:
        return str(gettext("Urdu (Latin letters)"))
    if code in NAMED:
        return str(NAMED[code])
    if not code:
        return str(gettext("unsure"))
    if code in SCRIPTS:
        return str(gettext("unsure (%(script)s)") % {"script": SCRIPTS[code]})
    name = LANG_INFO.get(code, {}).get("name")
    return str(gettext("other: %(language)s") % {"language": gettext(name) if name else code})


def page_language(code: str) -> str:
    """A reporter's page language (`zh-hans`, `ps`) by its name in the active language, as
    a detected language is named ("zh-hans" reads "Chinese")."""
    base = code.split("-")[0]
    return label(base if base in NAMED else code)


def filter_choices() -> list[tuple[str, Any]]:
    """The inbox's "language of the text" options (values for `filter_codes`)."""
    choices: list[tuple[str, Any]] = []
    for code, name in NAMED.items():
        choices.append((code, name))
        if code == "ur":
            choices.append((ROMAN_URDU, _("Urdu (Latin letters)")))
    return [*choices, (OTHER, _("Other language")), (UNSURE, _("Unsure"))]


def filter_codes(choice: str) -> tuple[list[str], bool]:
    """The stored codes an inbox choice matches, and whether the match is the complement
    (OTHER: everything not named, not Roman Urdu, not a script)."""
    if choice == "ur":
        return ["ur", ROMAN_URDU], False
    if choice == UNSURE:
        return ["", *SCRIPTS], False
    if choice == OTHER:
        return ["", ROMAN_URDU, *NAMED, *SCRIPTS], True
    return [choice], False


def load() -> None:
    """Load the detector now (~0.8 s: it decompresses its model). Servers call this before
    they fork their workers and listen, so that no reporter's submission waits for it."""
    _model()


def _model() -> Any:
    """py3langid's identifier (normalised probabilities), loaded once per process."""
    global _identifier
    if _identifier is None:
        with _lock:
            if _identifier is None:
                from py3langid.langid import MODEL_FILE, LanguageIdentifier

                _identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    return _identifier
