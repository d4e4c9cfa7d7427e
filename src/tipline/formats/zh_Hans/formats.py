"""Chinese: year, month and day with their characters ("2026年11月12日"), as Django has them;
only date inputs change, to ISO first (Django's first is "2026/11/12", which an
`<input type="date">` cannot show)."""

from tipline.formats import ISO_DATE_INPUT

DATE_INPUT_FORMATS = ISO_DATE_INPUT
