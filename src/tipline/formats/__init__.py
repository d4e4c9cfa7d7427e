"""Dates as each language's readers cannot misread them (settings.FORMAT_MODULE_PATH).

One style per language, used by every `|date` filter with a named format (SHORT_DATE_FORMAT,
SHORT_DATETIME_FORMAT, DATE_FORMAT ...) on every page, deadlines included: the day before
the month's name (en "12 Nov 2026", ur "12 نومبر 2026"), the year first with its
characters (zh-hans "2026年11月12日"), ISO 8601 (ps, whose month names Django lacks), the
year first (fa, Django's own). Never a month-first number (Django's default "m/d/Y" reads
12/11/2026 as 11 December in Pakistan).

Date inputs are `<input type="date">`, whose value a browser shows and sends only as ISO
(YYYY-MM-DD): every language's first DATE_INPUT_FORMAT is ISO, so a form field pre-filled
from a date renders a value its own input can show (zh-hans's was "2026/11/12").
"""

ISO_DATE_INPUT = ["%Y-%m-%d"]
