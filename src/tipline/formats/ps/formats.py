"""Pashto (reporter pages): ISO 8601 dates ("2026-11-12"); Django has neither Pashto formats
nor Pashto month names, and would fall back to the month-first "m/d/Y"."""

from tipline.formats import ISO_DATE_INPUT

DATE_FORMAT = "Y-m-d"
SHORT_DATE_FORMAT = "Y-m-d"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
YEAR_MONTH_FORMAT = "Y-m"
MONTH_DAY_FORMAT = "m-d"
DATE_INPUT_FORMATS = ISO_DATE_INPUT
