"""The reporter downloads a file the desk sent, after entering the receipt.

No cookie and no JavaScript: the report page carries, for each file, a small form that
posts the receipt again with the file's id (the same way the message form carries it).
The answer is data, never a page: `Content-Disposition: attachment` with a safe name,
`application/octet-stream`, nosniff, and a sandboxing CSP, so a browser saves it and never
renders it inline. Only files the desk sent can be fetched this way."""

import re
import unicodedata
import uuid
from collections.abc import Iterator
from urllib.parse import quote

from django import forms
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters

from tipline import vault
from tipline.audit.actions import record
from tipline.reports import conversation, storage
from tipline.reports.receipts import Receipt
from tipline.reports.reporter_time import reporter_day
from tipline.reports.throttle import WRONG_RECEIPTS
from tipline.reports.uploads import attachment_context
from tipline.throttling.gate import SMALL_FORM_LIMIT, allowed_methods, body_limit, expensive

DOWNLOAD_CSP = "default-src 'none'; sandbox; frame-ancestors 'none'"


class DownloadForm(forms.Form):
    receipt = forms.CharField(max_length=100)
    file = forms.UUIDField()


def safe_ascii_name(name: str) -> str:
    """A plain fallback name for old browsers: letters, digits, dot, dash, underscore."""
    decomposed = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    plain = re.sub(r"[^A-Za-z0-9._-]+", "_", decomposed).strip("._") or "file"
    return plain[:100]


def content_disposition(name: str) -> str:
    """`attachment` with an ASCII fallback and the UTF-8 name (RFC 6266 / 5987)."""
    return f"attachment; filename=\"{safe_ascii_name(name)}\"; filename*=UTF-8''{quote(name)}"


@allowed_methods("GET", "POST")  # GET: back to the receipt form (a reload, a bookmark)
@expensive
@body_limit(SMALL_FORM_LIMIT)
@sensitive_post_parameters("receipt")
def download(request: HttpRequest) -> HttpResponse:
    from .views import _throttled  # the reporter's pages' own throttle answer

    if request.method != "POST":
        return HttpResponseRedirect(reverse("reporter:come_back"))
    wait = WRONG_RECEIPTS.retry_after(request.client_bucket)  # type: ignore[attr-defined]
    if wait:
        return _throttled(request, wait)
    form = DownloadForm(request.POST)
    if not form.is_valid():
        return _not_found(request, status=400)
    try:
        receipt = Receipt.read(form.cleaned_data["receipt"])
    except vault.MalformedSecret:
        receipt = None
    opened = conversation.open_as_reporter(receipt) if receipt else None
    if opened is None:
        WRONG_RECEIPTS.record_failure(request.client_bucket)  # type: ignore[attr-defined]
        return _not_found(request, status=404)
    shown = conversation.access_desk_file(opened, form.cleaned_data["file"])
    if shown is None:
        return _not_found(request, status=404)
    report = opened.report
    with transaction.atomic():
        record(
            "report.file_downloaded_by_reporter",
            actor=None,
            desk=report.desk,
            report_id=report.id,
            at=reporter_day(),
            attachment=str(shown.attachment_id),
        )
    response = StreamingHttpResponse(
        _decrypted(opened, shown.attachment_id), content_type="application/octet-stream"
    )
    response["Content-Disposition"] = content_disposition(shown.name)
    response["Content-Length"] = str(shown.size_bytes)
    response["Content-Security-Policy"] = DOWNLOAD_CSP
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _decrypted(opened: conversation.OpenedReport, attachment_id: uuid.UUID) -> Iterator[bytes]:
    report_id = opened.report.id
    with open(storage.attachment_path(report_id, attachment_id), "rb") as source:
        yield from vault.decrypt_stream(
            opened.report_key, source, context=attachment_context(report_id, attachment_id)
        )


def _not_found(request: HttpRequest, *, status: int) -> HttpResponse:
    from django.shortcuts import render

    from .forms import ReceiptForm

    return render(
        request,
        "reporter/come_back.html",
        {"form": ReceiptForm(), "not_found": True},
        status=status,
    )
