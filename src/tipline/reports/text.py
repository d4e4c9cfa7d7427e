"""What text from a reporter (or typed by staff into a report) may hold."""

import unicodedata


def clean_reporter_text(value: str) -> str:
    """Text as typed, minus invisible control characters (newlines and tabs stay).

    Right-to-left and other formatting marks stay: they belong to Urdu and mixed text, and
    pages show reporter text isolated (`dir="auto"`) so they cannot reorder the page.
    """
    value = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))
    return "".join(ch for ch in value if ch in "\n\t" or unicodedata.category(ch) != "Cc")
