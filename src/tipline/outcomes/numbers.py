"""Figures as people read them: digits grouped by thousands in the page's language.

Django's own formats group no digits for Chinese (zh-hans sets no thousand separator) and
have none for Urdu or Pashto, so `62101500000` went out bare. Every language Tipline speaks
writes Latin digits on these pages, grouped by three with "," and with "." before the
decimals (CLDR's Latin-digit patterns for en, ur, zh, fa and ps); a language added later
takes the same unless `SEPARATORS` says otherwise.
"""

from decimal import Decimal

SEPARATORS: dict[str, tuple[str, str]] = {
    "en": (",", "."),
    "ur": (",", "."),
    "zh-hans": (",", "."),
    "fa": (",", "."),
    "ps": (",", "."),
}


def grouped(value: object, language: str) -> str:
    """`value` (int, Decimal or float) with grouped digits, without trailing zeros after
    the point: 62,101,500,000 and 12.5. Anything else is returned as text."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal | float):
        return "" if value is None else str(value)
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    text = format(number.normalize() if number % 1 else number.to_integral_value(), ",f")
    thousands, point = SEPARATORS.get(language, (",", "."))
    return text.replace(",", "\0").replace(".", point).replace("\0", thousands)
