"""Persian (reporter pages): Django's own year-first formats ("2026/11/12"); date inputs ISO."""

from tipline.formats import ISO_DATE_INPUT

DATE_INPUT_FORMATS = ISO_DATE_INPUT
