"""The language a report's text is written in, offline (py3langid's model ships in its
wheel; well under a millisecond per text)."""

import threading
from typing import Any

from django.utils.translation import gettext_lazy as _

MIN_LETTERS = 3
# The languages a tip line here most often meets, for the inbox filter; the detector knows
# ~97 and the case page shows any of them by its code.
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

_lock = threading.Lock()
_identifier: Any = None


def detect(text: str) -> str:
    """An ISO 639-1 code ("en", "ur", "zh", "fa", "ps", "ug", "ar", ...), or "" when the
    text has too few letters to tell."""
    if sum(1 for ch in text if ch.isalpha()) < MIN_LETTERS:
        return ""
    language, _score = _model().classify(text)
    return str(language)


def load() -> None:
    """Load the detector now (~0.8 s: it decompresses its model). Servers call this before
    they fork their workers and listen, so that no reporter's submission waits for it."""
    _model()


def _model() -> Any:
    """py3langid's identifier, loaded once per process."""
    global _identifier
    if _identifier is None:
        with _lock:
            if _identifier is None:
                from py3langid.langid import MODEL_FILE, LanguageIdentifier

                _identifier = LanguageIdentifier.from_model_file(MODEL_FILE)
    return _identifier
