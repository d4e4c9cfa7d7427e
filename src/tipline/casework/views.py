"""The case desk's pages. Every view: signed in with both factors, a checked lookup
(`access`), one action, render. Content is decrypted with the session's private key."""

import dataclasses
from collections.abc import Callable
from typing import Any
from urllib.parse import quote
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from tipline import vault
from tipline.accounts import session_keys, unsent
from tipline.accounts.decorators import staff_required, supervisor_required
from tipline.accounts.models import StaffUser
from tipline.desks.selectors import recipients_of
from tipline.reports import cleaning, conversation, storage
from tipline.reports.access import access_desk, access_report, desks_of, private_key_of
from tipline.reports.attachments import decrypt_details, read_attachment
from tipline.reports.deadlines import deadlines
from tipline.reports.models import Attachment, Report
from tipline.reports.uploads import attachment_context
from tipline.throttling.gate import allowed_methods
from tipline.triage import background as triage_background
from tipline.triage import panel as triage_panel
from tipline.triage import search as triage_search
from tipline.web import notices

from . import actions, export, selectors
from . import rows as rows_text
from .forms import (
    AssignForm,
    InboxFilterForm,
    LabelsForm,
    NoteForm,
    ReplyForm,
    StatusForm,
    TitleForm,
)

# A download is data, never a page: no script, no plugin, no framing, not rendered.
DOWNLOAD_CSP = "default-src 'none'; sandbox; frame-ancestors 'none'"


@allowed_methods("GET")
@staff_required
def home(request: HttpRequest) -> HttpResponse:
    desks = desks_of(request.user)  # type: ignore[arg-type]
    if len(desks) == 1:
        return redirect("casework:inbox", desks[0].slug)
    return render(request, "casework/home.html", {"desks": desks})


@allowed_methods("GET")
@staff_required
def inbox(request: HttpRequest, desk_slug: str) -> HttpResponse:
    user: StaffUser = request.user  # type: ignore[assignment]
    desk = access_desk(user, desk_slug)
    members = [(str(s.id), s.username) for s in recipients_of(desk)]
    form = InboxFilterForm(desk, members, request.GET or None)
    filters = form.filters() if form.is_valid() else selectors.InboxFilters()
    private_key = session_keys.private_key(request, user)
    typed = form.cleaned_data["search"] if form.is_valid() else ""
    if typed:
        # Keyed tokens of the words, under each epoch key of the desk this analyst holds.
        found = (
            triage_search.matching(desk.pk, user, private_key, typed)
            if private_key is not None
            else Report.objects.none().values("id")
        )
        filters = dataclasses.replace(filters, found=found)
    cursor = selectors.Cursor.decode(request.GET.get("after", ""))
    sort = (form.cleaned_data["sort"] if form.is_valid() else "") or selectors.Sort.NEWEST
    reports, next_cursor = selectors.inbox(desk, user, filters, cursor, sort)
    # Each row's line of text, decrypted for this page only with the session's key.
    rows_text.describe_rows(reports, user, private_key)
    rows = [(r, deadlines(r, desk)) for r in reports]
    # Waiting reports are embedded in the background with this session's key (no query here).
    triage_background.hand_over_from(request, user, desk.pk)
    query = request.GET.copy()
    query.pop("after", None)
    return render(
        request,
        "casework/inbox.html",
        {
            "desk": desk,
            "form": form,
            "rows": rows,
            "counts": selectors.counts(desk, user, filters),
            "next_query": f"{query.urlencode()}&after={quote(next_cursor.encode())}"
            if next_cursor
            else "",
            "first_page_query": query.urlencode() if cursor else "",
            # "No unread report left" when the case's "next unread report" found none.
            "notices": notices.by_section(request, set()),
        },
        status=400 if form.errors else 200,
    )


@allowed_methods("GET")
@staff_required
def case(request: HttpRequest, desk_slug: str, number: int) -> HttpResponse:
    user: StaffUser = request.user  # type: ignore[assignment]
    report = access_report(user, desk_slug, number)
    opened = _open(request, report, user)
    actions.record_view(report, user)
    if opened is None:
        return render(request, "casework/not_sealed_to_you.html", {"report": report}, status=403)
    # A reply or note that was being sent when an idle session ended comes back, unsent.
    kept = unsent.take(request)
    if kept is not None and kept.form == "reply":
        reply_form = ReplyForm(initial={"text": kept.text, "feedback": kept.feedback})
        return _case_page(request, opened, user, unsent="reply", reply_form=reply_form)
    if kept is not None and kept.form == "note":
        note_form = NoteForm(initial={"text": kept.text})
        return _case_page(request, opened, user, unsent="note", note_form=note_form)
    return _case_page(request, opened, user)


@allowed_methods("GET")
@staff_required
def next_unread(request: HttpRequest, desk_slug: str, number: int) -> HttpResponse:
    """On from a case to the next report this analyst has not read; back to the inbox,
    saying so, when every report they can open is read."""
    user: StaffUser = request.user  # type: ignore[assignment]
    report = access_report(user, desk_slug, number)
    found = selectors.next_unread(report.desk, user, report.number)
    if found is None:
        url = reverse("casework:inbox", args=[report.desk.slug])
        return notices.back_to_section(
            request, url, notices.TOP, gettext("No unread report left on this desk.")
        )
    return redirect("casework:case", report.desk.slug, found)


@allowed_methods("POST")
@staff_required
def set_title(request: HttpRequest, desk_slug: str, number: int) -> HttpResponse:
    user, opened = _opened_case(request, desk_slug, number)
    form = TitleForm(request.POST)

    def set_it() -> str:
        rows_text.set_title(opened, user, form.cleaned_data["title"])
        return gettext("Title set.") if form.cleaned_data["title"] else gettext("Title removed.")

    return _acted(request, opened, user, "title_form", form, set_it)


# The forms of the case page, one view each, POST only. (Replies have their own view,
# `replies.reply`: they may carry files.)


@allowed_methods("POST")
@staff_required
def add_note(request: HttpRequest, desk_slug: str, number: int) -> HttpResponse:
    user, opened = _opened_case(request, desk_slug, number)
    form = NoteForm(request.POST)

    def add_it() -> str:
        actions.add_note(opened, user, form.cleaned_data["text"])
        return gettext("Note added.")

    return _acted(request, opened, user, "note_form", form, add_it)


@allowed_methods("POST")
@staff_required
def set_status(request: HttpRequest, desk_slug: str, number: int) -> HttpResponse:
    user, opened = _opened_case(request, desk_slug, number)
    form = StatusForm(request.POST)

    def set_it() -> str:
        data = form.cleaned_data
        actions.set_status(opened.report, user, data["status"], data["close_reason"])
        return gettext("Status set.")

    return _acted(request, opened, user, "status_form", form, set_it)


@allowed_methods("POST")
@staff_required
def set_labels(request: HttpRequest, desk_slug: str, number: int) -> HttpResponse:
    user, opened = _opened_case(request, desk_slug, number)
    form = LabelsForm(opened.report.desk, request.POST)

    def set_them() -> str:
        actions.set_labels(opened.report, user, form.cleaned_data["labels"])
        return gettext("Labels set.")

    return _acted(request, opened, user, "labels_form", form, set_them)


@allowed_methods("POST")
@staff_required
def assign(request: HttpRequest, desk_slug: str, number: int) -> HttpResponse:
    user, opened = _opened_case(request, desk_slug, number)
    form = AssignForm(_assignees(opened.report), request.POST)

    def assign_chosen() -> str:
        chosen = form.cleaned_data["assignee"]
        assignee = StaffUser.objects.get(pk=int(chosen)) if chosen else None
        actions.assign(opened.report, user, assignee)
        if assignee is None:
            return gettext("Nobody is assigned now.")
        return gettext("Assigned to %(name)s.") % {"name": assignee.username}

    return _acted(request, opened, user, "assign_form", form, assign_chosen)


def _opened_case(
    request: HttpRequest, desk_slug: str, number: int
) -> tuple[StaffUser, conversation.OpenedReport]:
    """The case a form posts to, opened with the session's key; 403 if not sealed to it."""
    user: StaffUser = request.user  # type: ignore[assignment]
    opened = _open(request, access_report(user, desk_slug, number), user)
    if opened is None:
        raise PermissionDenied
    return user, opened


# Each form of the case page: the section it returns to, and the line that says it was not
# done (the form's own errors follow in the section).
FORM_SECTIONS = {
    "title_form": ("title", _("The title was not changed.")),
    "status_form": ("handling", _("The status was not changed.")),
    "labels_form": ("handling", _("The labels were not changed.")),
    "assign_form": ("handling", _("The assignment was not changed.")),
    "note_form": ("notes", _("The note was not added.")),
    "reply_form": ("reply", _("The reply was not sent.")),
}
# The case page's sections by their anchors (ids in case.html; the table of contents links
# to them). A line for another section goes at the top of the page.
SECTIONS = {
    "handling",
    "report",
    "triage",
    "conversation",
    "reply",
    "sharing",
    "notes",
    "outcomes",
    "title",
}


def _acted(
    request: HttpRequest,
    opened: conversation.OpenedReport,
    user: StaffUser,
    form_name: str,
    form: Any,
    act: Callable[[], str],
) -> HttpResponse:
    """A valid form's action, then back to its section of the case with the line `act`
    returns; else the case page again (400) with the form's errors, the action's refusal
    among them, and nothing changed."""
    if form.is_valid():
        try:
            done = act()
            return back_to_case(request, opened.report, FORM_SECTIONS[form_name][0], done)
        except ValidationError as error:
            form.add_error(None, error)
    return _case_page(request, opened, user, status=400, **{form_name: form})


def back_to_case(request: HttpRequest, report: Report, section: str, text: str) -> HttpResponse:
    """The case page at `section`, saying `text` there once."""
    url = reverse("casework:case", args=[report.desk.slug, report.number])
    return notices.back_to_section(request, url, section, text)


@allowed_methods("GET")
@staff_required
def download(
    request: HttpRequest, desk_slug: str, number: int, attachment_id: UUID
) -> HttpResponse:
    user: StaffUser = request.user  # type: ignore[assignment]
    report, attachment, opened, details = _access_attachment(
        request, user, desk_slug, number, attachment_id
    )
    actions.record_download(report, user, attachment.id)

    def chunks() -> Any:
        with open(storage.attachment_path(report.id, attachment.id), "rb") as source:
            yield from vault.decrypt_stream(
                opened.report_key, source, context=attachment_context(report.id, attachment.id)
            )

    response = StreamingHttpResponse(chunks(), content_type="application/octet-stream")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(details['name'])}"
    response["Content-Length"] = str(attachment.size_bytes)
    response["Content-Security-Policy"] = DOWNLOAD_CSP
    response["X-Content-Type-Options"] = "nosniff"
    return response


@allowed_methods("GET")
@staff_required
def preview(request: HttpRequest, desk_slug: str, number: int, attachment_id: UUID) -> HttpResponse:
    """An image shown on the desk: redrawn by the server from the cleaned copy's pixels."""
    user: StaffUser = request.user  # type: ignore[assignment]
    report, attachment, opened, details = _access_attachment(
        request, user, desk_slug, number, attachment_id
    )
    if (
        not details["type"].startswith("image/")
        or details["metadata"] != "removed"
        or attachment.size_bytes > cleaning.MAX_PREVIEW_SOURCE_BYTES
    ):
        raise Http404("no preview for this file")
    try:
        png = cleaning.preview_png(read_attachment(opened.report_key, report.id, attachment.id))
    except cleaning.UnreadableFile:
        raise Http404("no preview for this file") from None
    actions.record_download(report, user, attachment.id, preview=True)
    response = HttpResponse(png, content_type="image/png")
    response["Content-Disposition"] = 'inline; filename="preview.png"'
    response["Content-Security-Policy"] = DOWNLOAD_CSP
    response["X-Content-Type-Options"] = "nosniff"
    return response


@allowed_methods("GET")
@staff_required
def export_case(request: HttpRequest, desk_slug: str, number: int) -> HttpResponse:
    user: StaffUser = request.user  # type: ignore[assignment]
    report = access_report(user, desk_slug, number)
    opened = _open(request, report, user)
    if opened is None:
        raise PermissionDenied
    actions.record_export(report, user)
    answers = conversation.answer_rows(opened, "en")
    response = StreamingHttpResponse(
        export.stream_zip(opened, answers), content_type="application/zip"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{report.desk.slug}-{report.number}.zip"'
    )
    response["Content-Security-Policy"] = DOWNLOAD_CSP
    return response


@allowed_methods("GET")
@supervisor_required
def workload(request: HttpRequest) -> HttpResponse:
    desks = desks_of(request.user)  # type: ignore[arg-type]
    return render(
        request,
        "casework/workload.html",
        {"desks": [(desk, selectors.workload(desk)) for desk in desks]},
    )


def _open(
    request: HttpRequest, report: Report, user: StaffUser
) -> conversation.OpenedReport | None:
    """The report opened with the session's key, or None when it was not sealed to this user."""
    private_key = private_key_of(request, user)
    try:
        return conversation.open_as_staff(report, user, private_key)
    except vault.DecryptionError:
        return None


def _access_attachment(
    request: HttpRequest, user: StaffUser, desk_slug: str, number: int, attachment_id: UUID
) -> tuple[Report, Attachment, conversation.OpenedReport, dict[str, str]]:
    """A report's attachment, the opened report and the file's details; one 404 otherwise."""
    report = access_report(user, desk_slug, number)
    attachment = Attachment.objects.filter(report=report, id=attachment_id).first()
    opened = _open(request, report, user)
    if attachment is None or opened is None:
        raise Http404("no such attachment")
    details = decrypt_details(
        opened.report_key, report.id, attachment.id, bytes(attachment.details)
    )
    return report, attachment, opened, details


def _assignees(report: Report) -> list[tuple[str, str]]:
    return [
        (str(seal.staff_id), seal.staff.username)
        for seal in report.seals.select_related("staff").filter(staff__is_active=True)
    ]


def _case_page(
    request: HttpRequest,
    opened: conversation.OpenedReport,
    user: StaffUser,
    *,
    status: int = 200,
    unsent: str = "",
    again: bool = False,
    again_files: bool = False,
    **forms: Any,
) -> HttpResponse:
    report = opened.report
    conversation_so_far = conversation.read_conversation(opened)
    shown = notices.by_section(request, SECTIONS)
    for form_name, form in forms.items():
        if form is not None and form.errors and form_name in FORM_SECTIONS:
            section, not_done = FORM_SECTIONS[form_name]
            shown.setdefault(section, []).insert(0, notices.Notice(str(not_done), error=True))
    triage = triage_panel.panel(request, opened, user)
    # The related reports' first lines, as the inbox shows them: decrypted only for those
    # sealed to this user, for this page only.
    rows_text.describe_rows(
        [shown_report.report for shown_report in triage["related"]]
        + [other for other, _kind in triage["links"]],
        user,
        private_key_of(request, user),
    )
    return render(
        request,
        "casework/case.html",
        {
            "report": report,
            "reporter_language": rows_text.language_name(report.language),
            "desk": report.desk,
            "deadlines": deadlines(report, report.desk),
            "description": conversation.read_content(opened)["description"],
            # Questions in the analyst's language, answers in the reporter's.
            "answers": conversation.answers_for_reader(opened, get_language()),
            "first_files": conversation_so_far[0].attachments,
            "messages": conversation_so_far[1:],
            "notes": actions.read_notes(opened),
            "reply_form": forms.get("reply_form") or ReplyForm(),
            "note_form": forms.get("note_form") or NoteForm(),
            "title_form": forms.get("title_form")
            or TitleForm(initial={"title": rows_text.read_title(opened)}),
            "status_form": forms.get("status_form")
            or StatusForm(initial={"status": report.status, "close_reason": report.close_reason}),
            "labels_form": forms.get("labels_form")
            or LabelsForm(
                report.desk,
                initial={"labels": list(report.labels.values_list("label_id", flat=True))},
            ),
            "assign_form": forms.get("assign_form")
            or AssignForm(_assignees(report), initial={"assignee": report.assigned_to_id or ""}),
            "triage": triage,
            "unsent": unsent,
            "notices": shown,
            "again": again,
            "again_files": again_files,
        },
        status=status,
    )
