"""The audit log's pages: in sentences, a page at a time, filtered, and as CSV. Who may
read it is as before: supervisors (their desks' events) and administrators (all)."""

import csv
from collections.abc import Iterator
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from tipline.accounts.decorators import supervisor_required
from tipline.accounts.models import StaffUser
from tipline.throttling.gate import allowed_methods

from . import actions, audit_log
from .export_views import DOWNLOAD_CSP

FILTERS = ("person", "desk", "number", "kind", "since")


@allowed_methods("GET")
@supervisor_required
def audit(request: HttpRequest) -> HttpResponse:
    user: StaffUser = request.user  # type: ignore[assignment]
    form = audit_log.AuditFilterForm(user, request.GET or None)
    valid = not form.is_bound or form.is_valid()
    page = audit_log.page_of(user, form) if valid else None
    actions.record_audit_read(user, request.GET, exported=False)
    chosen = {key: request.GET[key] for key in FILTERS if request.GET.get(key)}
    return render(
        request,
        "casework/audit.html",
        {
            "form": form,
            "page": page,
            "filters": urlencode(chosen),
            "older": page and page.older and urlencode({**chosen, "before": page.older}),
            "newer": page and page.newer and urlencode({**chosen, "after": page.newer}),
        },
        status=400 if form.errors else 200,
    )


@allowed_methods("GET")
@supervisor_required
def audit_csv(request: HttpRequest) -> HttpResponse:
    """Every event the filters select (not only one page), in the reader's language, with
    the raw kind and time beside each sentence."""
    user: StaffUser = request.user  # type: ignore[assignment]
    form = audit_log.AuditFilterForm(user, request.GET or None)
    if form.is_bound and not form.is_valid():
        return render(request, "casework/audit.html", {"form": form, "page": None}, status=400)
    actions.record_audit_read(user, request.GET, exported=True)
    response = StreamingHttpResponse(
        _csv_lines(audit_log.all_rows(user, form)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    response["Content-Security-Policy"] = DOWNLOAD_CSP
    return response


class _Line:
    """A file-like object that hands back what csv.writer writes to it."""

    def write(self, value: str) -> str:
        return value


def _csv_lines(rows: Iterator[audit_log.AuditRow]) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield "\ufeff"  # a spreadsheet reads UTF-8 (Urdu, Chinese) only with this mark
    yield writer.writerow(
        [_("Time (UTC)"), _("Kind"), _("What happened"), _("Person"), _("Desk"), _("Report")]
    )
    for row in rows:
        event = row.event
        yield writer.writerow(
            audit_log.safe_cell(cell)
            for cell in (
                row.when,
                event.action,
                row.sentence,
                event.actor.username if event.actor else "",
                event.desk.name if event.desk else "",
                row.report_number or "",
            )
        )
