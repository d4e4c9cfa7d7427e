"""summary.pdf: the export's summary as a printable page, made with WeasyPrint.

Headings are in the staff member's language, the reporter's words marked with the report's
language and direction block by block, so that Pango shapes Urdu in Nastaliq (Noto Nastaliq
Urdu), Persian and Pashto in Naskh, and Chinese with the simplified Chinese forms (Noto Sans
CJK SC). Fonts are the machine's own files, found by fontconfig (Debian's fonts-noto-core
and fonts-noto-cjk, `make`'s system packages); the page has no URL, and WeasyPrint is given
a fetcher that refuses every URL, so that nothing a report holds can make the server fetch
anything. The page carries what summary.txt carries, no more: no reporter address, times
as summary.txt has them, a reporter's messages dated to the day as on the case page.
"""

import logging
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import get_language, get_language_bidi, override

from .dossier import Dossier, outcome_details, outcome_state, plain_number, share_target, shown_name
from .rows import language_name

logger = logging.getLogger(__name__)

# Said in summary.txt (English, as the rest of it) when the PDF could not be made.
UNAVAILABLE = (
    "No summary.pdf: this server cannot make PDFs (WeasyPrint or its system libraries, "
    "Pango, are missing; see the README)."
)


def refusing_fetcher() -> Any:
    """WeasyPrint's URL fetcher for the export: every URL refused, local or not. The page
    names no resource (its style is inline, its fonts come from fontconfig), so a URL can
    only come from a report's words, and is never fetched."""
    from weasyprint.urls import URLFetcher

    class Refusing(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            raise ValueError(f"the export fetches nothing: {url[:80]}")

    return Refusing()


def render(dossier: Dossier) -> bytes | None:
    """The PDF, or None where this server cannot make one (WeasyPrint or Pango missing)."""
    try:
        from weasyprint import HTML
        from weasyprint.text.fonts import FontConfiguration
    except (ImportError, OSError):  # OSError: Pango's shared library not found
        logger.warning("WeasyPrint cannot be loaded: exports go without summary.pdf")
        return None
    html = render_to_string("casework/export/summary_pdf.html", page_context(dossier))
    pdf: bytes = HTML(string=html, url_fetcher=refusing_fetcher()).write_pdf(
        font_config=FontConfiguration()
    )
    return pdf


def direction(language: str) -> str:
    with override(language):
        return "rtl" if get_language_bidi() else "ltr"


def page_context(dossier: Dossier) -> dict[str, Any]:
    report = dossier.report
    staff_language = get_language() or "en"
    return {
        "staff_language": staff_language,
        "staff_direction": direction(staff_language),
        "report": report,
        "report_language": report.language,
        "report_direction": direction(report.language),
        "report_language_name": language_name(report.language),
        "origin": dossier.origin,
        "description": dossier.description,
        "answers": dossier.answers,
        "messages": dossier.messages,
        "notes": dossier.notes,
        "labels": dossier.labels,
        "links": dossier.links,
        "shares": [(share, share_target(share)) for share in dossier.shares],
        "outcomes": [
            (entry, outcome_details(entry), outcome_state(entry)) for entry in dossier.outcomes
        ],
        "rewards": [(reward, plain_number(reward.amount)) for reward in dossier.rewards],
        "files": [(member, shown_name(original)) for member, original in dossier.files],
    }
