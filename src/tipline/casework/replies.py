"""Replying to the reporter, with files. Its own view because the files stream through the
encrypting upload handler, which must be in place before the body (and so the CSRF token)
is read."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt

from tipline import vault
from tipline.accounts.decorators import staff_required
from tipline.accounts.models import StaffUser
from tipline.reports.access import access_report
from tipline.reports.attachments import AttachmentRefused
from tipline.reports.conversation import OpenedReport
from tipline.reports.uploads import EncryptingUploadHandler, PendingUpload
from tipline.throttling.gate import allowed_methods, body_limit
from tipline.web.middleware import csrf_protect

from . import actions
from .forms import ReplyForm
from .views import _case_page, _open, back_to_case

# Room for the reply's text on top of the files, when checking a request's declared size.
FORM_ALLOWANCE_BYTES = 1024 * 1024
# A reply identical to the one this session sent to the same report less than this long ago
# is sent only once the analyst confirms it: unsure whether a reply went, people send twice.
SAME_REPLY_SECONDS = 60
# The session's last reply: its report, a keyed digest of what it said (`vault.reply_digest`,
# under the report's key: nothing readable or testable in the session row) and when.
LAST_REPLY = "casework.last_reply"


@allowed_methods("POST")
@body_limit(None)  # files: held to the desk's limits by the upload handler
@csrf_exempt  # checked in _receive_reply, once the upload handler is in place
@staff_required
def reply(request: HttpRequest, desk_slug: str, number: int) -> HttpResponse:
    user: StaffUser = request.user  # type: ignore[assignment]
    report = access_report(user, desk_slug, number)
    opened = _open(request, report, user)
    if opened is None:
        raise PermissionDenied
    desk = report.desk
    # The same limits as the reporter's files: per message, the desk's count and size.
    pending = PendingUpload(
        max_files=desk.max_attachments, max_file_bytes=desk.max_attachment_bytes
    )
    limit = desk.max_attachments * desk.max_attachment_bytes + FORM_ALLOWANCE_BYTES
    if _declared_size(request) > limit:
        form = ReplyForm()
        form.add_error(None, ReplyForm.problem_message("too_large", desk))
        return _case_page(request, opened, user, status=413, reply_form=form)
    request.upload_handlers = [EncryptingUploadHandler(pending)]
    try:
        return _receive_reply(request, opened, user, pending)
    finally:
        pending.finished()  # the staging folder goes whatever happened


@csrf_protect
def _receive_reply(
    request: HttpRequest, opened: OpenedReport, user: StaffUser, pending: PendingUpload
) -> HttpResponse:
    report = opened.report
    form = ReplyForm(request.POST)
    if pending.problem:
        pending.discard()
        form.is_valid()
        form.add_error(None, ReplyForm.problem_message(pending.problem, report.desk))
        return _case_page(request, opened, user, status=400, reply_form=form)
    if not form.is_valid():
        pending.discard()
        return _case_page(request, opened, user, status=400, reply_form=form)
    digest = vault.reply_digest(opened.report_key, _what_is_sent(form, pending))
    if not form.cleaned_data["again"] and _sent_a_moment_ago(request, opened, digest):
        had_files = bool(pending.files)
        pending.discard()  # nothing is kept until the analyst confirms
        return _case_page(request, opened, user, again=True, again_files=had_files, reply_form=form)
    try:
        actions.reply(
            opened,
            user,
            form.cleaned_data["text"],
            feedback=form.cleaned_data["feedback"],
            pending=pending,
        )
    except AttachmentRefused as refused:
        form.add_error(None, ReplyForm.problem_message(refused.reason, report.desk, refused.name))
        return _case_page(request, opened, user, status=400, reply_form=form)
    except ValidationError as error:
        form.add_error(None, error)
        return _case_page(request, opened, user, status=400, reply_form=form)
    request.session[LAST_REPLY] = {
        "report": str(report.id),
        "digest": digest,
        "at": timezone.now().timestamp(),
    }
    return back_to_case(request, report, "reply", gettext("Reply sent."))


def _what_is_sent(form: ReplyForm, pending: PendingUpload) -> str:
    """What makes two replies the same: the text, the feedback mark and the files' names and
    sizes."""
    files = "\x00".join(f"{f.name}\x01{f.size_bytes}" for f in pending.files)
    return f"{form.cleaned_data['text']}\x00{form.cleaned_data['feedback']}\x00{files}"


def _sent_a_moment_ago(request: HttpRequest, opened: OpenedReport, digest: str) -> bool:
    last = request.session.get(LAST_REPLY)
    if not isinstance(last, dict):
        return False
    return (
        last.get("report") == str(opened.report.id)
        and last.get("digest") == digest
        and timezone.now().timestamp() - float(last.get("at", 0)) < SAME_REPLY_SECONDS
    )


def _declared_size(request: HttpRequest) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0
