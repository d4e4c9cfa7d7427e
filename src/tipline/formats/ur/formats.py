"""Urdu: the day, the month's name, the year ("12 نومبر 2026"), 24-hour times. Django has no
Urdu formats of its own and falls back to the month-first "m/d/Y"."""

from tipline.formats import ISO_DATE_INPUT

DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y، H:i"
SHORT_DATETIME_FORMAT = "j F Y، H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
FIRST_DAY_OF_WEEK = 1
DATE_INPUT_FORMATS = ISO_DATE_INPUT
