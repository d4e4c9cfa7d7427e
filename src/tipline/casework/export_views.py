"""Several reports in one download, chosen with the inbox's checkboxes.

All or nothing: the archive is made only when every chosen number is a report of the desk
the analyst can open with their own key; else a page says why (the same words for a
number that does not exist and one that is not theirs to see), nothing is exported and
nothing is audited as exported."""

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from tipline import vault
from tipline.accounts.decorators import staff_required
from tipline.accounts.models import StaffUser
from tipline.reports import conversation
from tipline.reports.access import ReportsNotFound, access_desk, access_reports, private_key_of
from tipline.throttling.gate import allowed_methods

from . import actions, export
from .forms import ExportSelectionForm

# A download is data, never a page (as views.DOWNLOAD_CSP).
DOWNLOAD_CSP = "default-src 'none'; sandbox; frame-ancestors 'none'"


@allowed_methods("POST")
@staff_required
def export_selected(request: HttpRequest, desk_slug: str) -> HttpResponse:
    user: StaffUser = request.user  # type: ignore[assignment]
    desk = access_desk(user, desk_slug)
    form = ExportSelectionForm(request.POST)
    if not form.is_valid():
        return _refused(request, desk, [str(e) for e in form.errors["report"]])
    numbers: list[int] = form.cleaned_data["report"]
    try:
        reports = access_reports(user, desk.slug, numbers)
    except ReportsNotFound as missing:
        shown = ", ".join(f"#{number}" for number in missing.numbers)
        return _refused(
            request,
            desk,
            [
                _(
                    "These reports cannot be opened from this desk: %(numbers)s. "
                    "Nothing was exported."
                )
                % {"numbers": shown}
            ],
            status=404,
        )
    private_key = private_key_of(request, user)
    opened, unsealed = [], []
    for report in reports:
        try:
            opened.append(conversation.open_as_staff(report, user, private_key))
        except vault.DecryptionError:
            unsealed.append(report.number)
    if unsealed:
        shown = ", ".join(f"#{number}" for number in unsealed)
        return _refused(
            request,
            desk,
            [
                _(
                    "These reports were not sealed to your key, so you cannot read them: "
                    "%(numbers)s. Nothing was exported; untick them and export again."
                )
                % {"numbers": shown}
            ],
            status=403,
        )
    actions.record_exports(reports, user)
    response = StreamingHttpResponse(export.stream_reports(opened), content_type="application/zip")
    response["Content-Disposition"] = (
        f'attachment; filename="{desk.slug}-{len(reports)}-reports.zip"'
    )
    response["Content-Security-Policy"] = DOWNLOAD_CSP
    return response


def _refused(
    request: HttpRequest, desk: object, reasons: list[str], status: int = 400
) -> HttpResponse:
    return render(
        request,
        "casework/export_refused.html",
        {"desk": desk, "reasons": reasons},
        status=status,
    )
