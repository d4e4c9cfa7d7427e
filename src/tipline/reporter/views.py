"""The reporter's pages. Work without JavaScript, set no cookie before the reporter acts
(the desk and category pages set none; the form's CSRF cookie comes with the form), and
keep nothing about who asked."""

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import get_language, gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables

from tipline import vault
from tipline.audit.actions import record
from tipline.desks.models import Desk
from tipline.desks.selectors import offered_languages
from tipline.outcomes.rewards import claim_code_for_reporter
from tipline.outcomes.selectors import publishes_results
from tipline.reports import conversation, isolation, receipts, submission, timings
from tipline.reports.attachments import AttachmentRefused
from tipline.reports.categories import active_categories
from tipline.reports.models import Category
from tipline.reports.reporter_time import reporter_day
from tipline.reports.throttle import WRONG_RECEIPTS
from tipline.reports.uploads import EncryptingUploadHandler, PendingUpload
from tipline.throttling.gate import SMALL_FORM_LIMIT, allowed_methods, body_limit, busy, expensive
from tipline.web import languages
from tipline.web.middleware import csrf_protect

from . import form_pages, form_setup
from .forms import MessageForm, ReceiptForm, ReportForm

# Room for the form's text fields on top of the attachments, when checking a request's size.
FORM_ALLOWANCE_BYTES = 1024 * 1024
NO_BREAK_SPACE = "\u00a0"


@allowed_methods("GET")
def desk_page(request: HttpRequest, desk_slug: str) -> HttpResponse:
    desk = get_object_or_404(Desk, slug=desk_slug)
    offered = offered_languages(desk)
    if get_language() not in offered:
        return languages.other_language_page(request, desk, offered)
    return render(
        request,
        "reporter/desk.html",
        {
            "desk": desk,
            "language_links": _desk_language_links(request, desk),
            "categories": [(c, c.name(get_language())) for c in active_categories(desk)],
            "ready": submission.desk_is_ready(desk),
            "results": publishes_results(desk),
        },
    )


@allowed_methods("GET", "POST")
@expensive
@body_limit(None)  # checked against the desk's limits below, before the body is read
@csrf_exempt  # checked in _receive_report, after the upload handlers are in place
@sensitive_post_parameters()
def report_form(request: HttpRequest, desk_slug: str, category_slug: str) -> HttpResponse:
    setup = form_setup.form_setup(desk_slug, category_slug)
    if setup is None:
        raise Http404("no such form")
    desk, category = setup.desk, setup.category
    offered = offered_languages(desk)
    if request.method != "POST" and get_language() not in offered:
        return languages.other_language_page(request, desk, offered)
    if request.method != "POST":
        if not setup.ready:
            return _not_ready(request, desk)
        return _empty_form_page(request, setup)
    # A POST is read even when the desk has no recipient now: it may be a form sent again,
    # whose report arrived before, and its reporter must still get the receipt
    # (`submit_report` refuses anything new with DeskNotReady).

    if _declared_size(request) > desk.max_attachments * desk.max_attachment_bytes + (
        FORM_ALLOWANCE_BYTES
    ):
        asked = get_language()
        answer = asked if asked in offered else languages.best_language(request, offered)
        with translation.override(answer):
            return _form_error(request, desk, category, "too_large", status=413)
    pending = submission.begin(desk)
    request.upload_handlers = [EncryptingUploadHandler(pending)]
    if get_language() not in offered:
        try:
            return _report_in_other_language(request, setup=setup, pending=pending)
        finally:
            pending.finished()
    timings.start()
    response = None
    try:
        response = _receive_report(request, setup=setup, pending=pending)
        return response
    finally:
        pending.finished()  # the staging folder goes whatever happened
        timings.finish(str(response.status_code) if response is not None else "error")


@csrf_protect
def _report_in_other_language(
    request: HttpRequest, *, setup: form_setup.FormSetup, pending: PendingUpload
) -> HttpResponse:
    """A form sent in a language its desk does not offer (the desk's languages changed while
    it was open, or the address was typed): nothing is stored, and nothing typed is lost.
    The same form comes back in the best of the desk's languages (`languages.best_language`)
    with the reporter's words and the same hidden receipt, posting to that language's
    address; files are dropped, as whenever a form comes back."""
    pending.discard()
    desk, category = setup.desk, setup.category
    asked = get_language()
    answer = languages.best_language(request, offered_languages(desk))
    with translation.override(answer):
        form = ReportForm(category, answer, request.POST, questions=setup.questions)
        response = _form_page(
            request,
            desk,
            category,
            _keep_receipt(form),
            status=400,
            other_language=translation.get_language_info(asked)["name_local"],
            action=reverse("reporter:report", args=[desk.slug, category.slug]),
        )
    response["Content-Language"] = answer
    return response


@csrf_protect
@sensitive_variables("receipt")
def _receive_report(
    request: HttpRequest, *, setup: form_setup.FormSetup, pending: PendingUpload
) -> HttpResponse:
    desk, category = setup.desk, setup.category
    form = ReportForm(category, get_language(), request.POST, questions=setup.questions)
    if pending.problem:
        pending.discard()
        return _form_page(
            request, desk, category, _keep_receipt(form), file_problem=pending.problem
        )
    if not form.is_valid():
        pending.discard()
        return _form_page(request, desk, category, _keep_receipt(form), status=400)
    try:
        receipt = receipts.receipt_from_form(form.cleaned_data["receipt"])
    except receipts.FormReceiptInvalid:
        pending.discard()
        return render(
            request,
            "reporter/form_expired.html",
            {"desk": desk, "language_links": _desk_language_links(request, desk)},
            status=400,
        )
    try:
        result = submission.submit_report(
            pending,
            desk=desk,
            category=category,
            language=get_language(),
            answers=form.answers(),
            description=form.cleaned_data["description"],
            receipt=receipt,
            keep_file_names=form.cleaned_data["keep_file_names"],
        )
    except submission.DeskNotReady:
        return _not_ready(request, desk)
    except submission.SubmissionConflict:
        return busy(request)  # nothing stored: "send the same page again"
    except AttachmentRefused as refused:
        return _form_page(
            request,
            desk,
            category,
            _keep_receipt(form),
            file_problem=refused.reason,
            file_name=_isolated(refused.name),
            status=_refused_status(refused),
        )
    return _receipt_page(request, desk, result)


def _receipt_page(request: HttpRequest, desk: Desk, result: submission.Submitted) -> HttpResponse:
    """The receipt, shown once, from the page kept for its desk and language (form_pages)."""
    again = not result.first_time

    def render_with_marker() -> str:
        context = {"desk": desk, "receipt_code": form_pages.RECEIPT_MARKER, "again": again}
        return render(request, "reporter/receipt.html", context).content.decode()

    # No-break spaces between the groups: the code never wraps into what reads as two codes,
    # even without the style sheet; pasted back, they count as spaces (vault.normalise_...).
    unbroken = str(result.receipt).replace(" ", NO_BREAK_SPACE)
    html = form_pages.receipt_page(
        (desk.pk, get_language(), again), render_with_marker, receipt=unbroken
    )
    return HttpResponse(html)


@allowed_methods("GET", "POST")
@expensive
@body_limit(SMALL_FORM_LIMIT)
@sensitive_post_parameters("receipt")
def come_back(request: HttpRequest) -> HttpResponse:
    """Type the receipt code, read the replies, write again."""
    if request.method != "POST":
        return render(request, "reporter/come_back.html", {"form": ReceiptForm()})
    wait = WRONG_RECEIPTS.retry_after(request.client_bucket)  # type: ignore[attr-defined]
    if wait:
        return _throttled(request, wait)
    form = ReceiptForm(request.POST)
    if not form.is_valid():
        return render(request, "reporter/come_back.html", {"form": form}, status=400)
    try:
        receipt = receipts.Receipt.read(form.cleaned_data["receipt"])
    except vault.MalformedSecret:
        form.add_error("receipt", _malformed_receipt_message())
        return render(request, "reporter/come_back.html", {"form": form}, status=400)
    opened = conversation.open_as_reporter(receipt)
    if opened is None:
        WRONG_RECEIPTS.record_failure(request.client_bucket)  # type: ignore[attr-defined]
        return render(
            request, "reporter/come_back.html", {"form": form, "not_found": True}, status=404
        )
    return _report_page(request, opened, receipt)


@allowed_methods("GET", "POST")  # GET: back to the receipt form (a reload, a bookmark)
@expensive
@body_limit(None)  # checked against the largest desk limits below, before the body is read
@csrf_exempt  # checked in _receive_message, after the upload handler is in place
@sensitive_post_parameters()
def add_message(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseRedirect(reverse("reporter:come_back"))
    wait = WRONG_RECEIPTS.retry_after(request.client_bucket)  # type: ignore[attr-defined]
    if wait:
        return _throttled(request, wait)
    # The report (and its desk's limits) is known only once the body is read: receive under
    # the largest limits of any desk, then hold the files to their desk's own limits.
    limits = Desk.objects.aggregate(
        files=Max("max_attachments"), megabytes=Max("max_attachment_megabytes")
    )
    pending = PendingUpload(
        max_files=limits["files"] or 0, max_file_bytes=(limits["megabytes"] or 0) * 1024 * 1024
    )
    if _declared_size(request) > pending.max_files * pending.max_file_bytes + FORM_ALLOWANCE_BYTES:
        return render(request, "reporter/come_back.html", {"form": ReceiptForm()}, status=413)
    request.upload_handlers = [EncryptingUploadHandler(pending)]
    try:
        return _receive_message(request, pending)
    finally:
        pending.finished()


@csrf_protect
def _receive_message(request: HttpRequest, pending: PendingUpload) -> HttpResponse:
    form = MessageForm(request.POST)
    if not form.is_valid():
        pending.discard()
        return render(request, "reporter/come_back.html", {"form": ReceiptForm()}, status=400)
    try:
        receipt = receipts.Receipt.read(form.cleaned_data["receipt"])
    except vault.MalformedSecret:
        receipt = None
    opened = conversation.open_as_reporter(receipt) if receipt else None
    if receipt is None or opened is None:
        pending.discard()
        WRONG_RECEIPTS.record_failure(request.client_bucket)  # type: ignore[attr-defined]
        return render(
            request,
            "reporter/come_back.html",
            {"form": ReceiptForm(), "not_found": True},
            status=404,
        )
    text = form.cleaned_data["text"]
    if pending.problem or not (text or pending.files):
        pending.discard()
        problem = pending.problem or "empty"
        return _report_page(request, opened, receipt, message_problem=problem, status=400)
    try:
        conversation.add_reporter_message(
            opened,
            text=text,
            pending=pending,
            keep_file_names=form.cleaned_data["keep_file_names"],
        )
    except AttachmentRefused as refused:
        return _report_page(
            request,
            opened,
            receipt,
            message_problem=refused.reason,
            file_name=_isolated(refused.name),
            status=_refused_status(refused),
        )
    return _report_page(request, opened, receipt, sent=True)


def _isolated(name: str) -> str:
    """A file's name as it sits in a translated sentence: isolated, so that a left-to-right
    name neither scrambles a right-to-left sentence nor is scrambled by it (escaped here:
    the sentence takes it as it is)."""
    return format_html('<bdi dir="auto">{}</bdi>', name)


def _refused_status(refused: AttachmentRefused) -> int:
    """503 when the server cannot clean files at all (its fault), 400 for the file's own."""
    return 503 if refused.reason == "cleaner_unavailable" else 400


def _report_page(
    request: HttpRequest,
    opened: conversation.OpenedReport,
    receipt: receipts.Receipt,
    *,
    status: int = 200,
    **extra: object,
) -> HttpResponse:
    report = opened.report
    if get_language() not in offered_languages(report.desk):
        # Come back or written to in a language the report's desk does not offer: the page
        # answers in the best of the desk's, and its forms post to that language's addresses.
        answer = languages.best_language(request, offered_languages(report.desk))
        with translation.override(answer):
            response = _report_page(request, opened, receipt, status=status, **extra)
        response["Content-Language"] = answer
        return response
    with transaction.atomic():
        record(
            "report.opened_by_reporter",
            actor=None,
            desk=report.desk,
            report_id=report.id,
            at=reporter_day(),
        )
    content = conversation.read_content(opened)
    # The one place the reporter side shows what came of a report: an approved reward
    # and its claim code (outcomes.rewards; the code is sealed to this receipt).

    return render(
        request,
        "reporter/report.html",
        {
            "report": report,
            "category_name": report.category.name(get_language()),
            "description": content["description"],
            "answers": conversation.answer_rows(opened, get_language()),
            "messages": conversation.read_conversation(opened),
            "message_form": MessageForm(initial={"receipt": receipt.digits}),
            "max_files": report.desk.max_attachments,
            "language_choices": _come_back_in(report.desk),
            "rewards": claim_code_for_reporter(opened, receipt),
            **extra,
        },
        status=status,
    )


def _form_page(
    request: HttpRequest,
    desk: Desk,
    category: Category,
    form: ReportForm,
    *,
    status: int | None = None,
    file_problem: str | None = None,
    file_name: str = "",
    csrf_token: str | None = None,
    other_language: str = "",
    action: str = "",
) -> HttpResponse:
    # A csrf_token given here takes the place of the request's own (form_pages' marker).
    extra = {"csrf_token": csrf_token} if csrf_token else {}
    return render(
        request,
        "reporter/report_form.html",
        {
            "desk": desk,
            "language_links": _desk_language_links(request, desk),
            "other_language": other_language,
            "action": action,
            "category": category,
            "category_name": category.name(get_language()),
            "category_description": category.description(get_language()),
            "form": form,
            "file_problem": file_problem,
            "file_name": file_name,
            **extra,
            "office_cleaned": isolation.mat2_usable(),
        },
        status=status or (400 if file_problem else 200),
    )


def _empty_form_page(request: HttpRequest, setup: form_setup.FormSetup) -> HttpResponse:
    """The form as a new reporter sees it, from the rendered page kept for its desk,
    category and language (see form_pages)."""
    language = get_language()
    desk, category = setup.desk, setup.category

    def render_with_markers() -> str:
        form = ReportForm(
            category,
            language,
            initial={"receipt": form_pages.RECEIPT_MARKER},
            questions=setup.questions,
        )
        page = _form_page(request, desk, category, form, csrf_token=form_pages.CSRF_MARKER)
        return page.content.decode()

    html = form_pages.form_page(
        (desk.pk, category.pk, language, setup.read_at),
        render_with_markers,
        receipt=receipts.issue_for_form(),
        csrf_token=get_token(request),
    )
    return HttpResponse(html)


def _come_back_in(desk: Desk) -> list[tuple[str, str, str]]:
    """The report page's switcher: its desk's languages, each the address that opens the
    report again in it (posted with the receipt code: a link would lose it)."""
    names = dict(settings.LANGUAGES)
    choices = []
    for code in offered_languages(desk):
        with translation.override(code):
            choices.append((code, names[code], reverse("reporter:come_back")))
    return choices


def _desk_language_links(request: HttpRequest, desk: Desk) -> list[tuple[str, str, str]]:
    """The switcher of a page within a desk: the desk's languages only."""
    return languages.language_links(request, offered_languages(desk))


def _not_ready(request: HttpRequest, desk: Desk) -> HttpResponse:
    context = {"desk": desk, "language_links": _desk_language_links(request, desk)}
    return render(request, "reporter/not_ready.html", context, status=503)


def _form_error(
    request: HttpRequest, desk: Desk, category: Category, problem: str, *, status: int
) -> HttpResponse:
    form = ReportForm(category, get_language(), initial={"receipt": receipts.issue_for_form()})
    response = _form_page(request, desk, category, form, file_problem=problem)
    response.status_code = status
    return response


def _keep_receipt(form: ReportForm) -> ReportForm:
    """Show the form again with the same hidden receipt, so a retry stays one report."""
    signed = form.data.get("receipt", "")
    try:
        receipts.receipt_from_form(signed)
    except receipts.FormReceiptInvalid:
        signed = receipts.issue_for_form()
    data = form.data.copy()
    data["receipt"] = signed
    form.data = data
    return form


def _declared_size(request: HttpRequest) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


def _throttled(request: HttpRequest, wait: int) -> HttpResponse:
    response = render(
        request, "reporter/throttled.html", {"minutes": max(1, wait // 60)}, status=429
    )
    response["Retry-After"] = str(wait)
    return response


def _malformed_receipt_message() -> str:
    return gettext("A receipt code has 20 digits. Spaces and dashes do not matter.")


@allowed_methods("GET")
def landing(request: HttpRequest) -> HttpResponse:
    """The site's first page: the desks a reporter can choose from."""
    desks = [(desk, offered_languages(desk)) for desk in Desk.objects.order_by("name")]
    return render(request, "reporter/landing.html", {"desks": desks})
