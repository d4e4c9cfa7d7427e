"""Staff pages of sharing: partners (administrators), sharing a report, approving, writing
back. Thin: a checked lookup, one action, render."""

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from tipline import vault
from tipline.accounts.decorators import staff_required
from tipline.accounts.models import StaffUser
from tipline.reports import conversation
from tipline.reports.access import access_report, private_key_of
from tipline.throttling.gate import allowed_methods
from tipline.web.notices import back_to_section

from . import actions, drafts, selectors
from .forms import BackForm, ShareForm
from .models import Share, ShareState


def _open(request: HttpRequest, report: Any, user: StaffUser) -> conversation.OpenedReport | None:
    """The report opened with the session's key, or None when it was not sealed to this user."""
    try:
        return conversation.open_as_staff(report, user, private_key_of(request, user))
    except vault.DecryptionError:
        return None


@staff_required
@allowed_methods("GET", "POST")
def share(request: HttpRequest, desk_slug: str, number: int) -> HttpResponse:
    user: StaffUser = request.user  # type: ignore[assignment]
    report = access_report(user, desk_slug, number)
    opened = _open(request, report, user)
    if opened is None:
        raise PermissionDenied
    received = selectors.received_share_of(report.id)
    kept = selectors.kept_handling(received) if received else None
    if kept is not None and not kept.may_pass_on:
        # Its sender's markings keep it here: no form, nothing to send.
        return render(
            request,
            "sharing/share.html",
            {"report": report, "desk": report.desk, "kept": kept, "refused": True},
            status=403,
        )
    offer = drafts.offer(opened, getattr(request, "LANGUAGE_CODE", "en"))
    form = ShareForm(
        drafts.targets(report.desk),
        offer.parts,
        offer.files,
        request.POST if request.method == "POST" else None,
        initial={"description": offer.description},
        kept_handling=kept,
    )
    if request.method == "POST" and form.is_valid():
        partner, desk_slug_to = drafts.destination(form.cleaned_data["target"])
        draft = drafts.draft_from(form.cleaned_data, form.chosen("answer"), form.chosen("message"))
        try:
            proposed = actions.propose_share(
                opened, user=user, partner=partner, desk_slug=desk_slug_to, draft=draft
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            done = (
                _("Share proposed: it waits for a supervisor's approval.")
                if proposed.state == ShareState.AWAITING_APPROVAL
                else _("Share queued for sending.")
            )
            return _back_to_sharing(request, desk_slug, number, done)
    return render(
        request,
        "sharing/share.html",
        {"report": report, "desk": report.desk, "form": form, "kept": kept},
        status=400 if form.errors else 200,
    )


@staff_required
@allowed_methods("POST")
def write_back(request: HttpRequest, desk_slug: str, number: int) -> HttpResponse:
    user: StaffUser = request.user  # type: ignore[assignment]
    report = access_report(user, desk_slug, number)
    opened = _open(request, report, user)
    if opened is None:
        raise PermissionDenied
    form = BackForm(request.POST)
    if not form.is_valid():
        problem = " ".join(str(e) for errors in form.errors.values() for e in errors)
        return _back_to_sharing(request, desk_slug, number, problem, error=True)
    try:
        actions.write_back(
            opened,
            user=user,
            text=form.cleaned_data["text"],
            outcome_kind=form.cleaned_data["outcome_kind"],
            outcome_count=form.cleaned_data["outcome_count"],
        )
    except ValidationError as error:
        return _back_to_sharing(request, desk_slug, number, " ".join(error.messages), error=True)
    return _back_to_sharing(request, desk_slug, number, _("Message sent."))


def _back_to_sharing(
    request: HttpRequest, desk_slug: str, number: int, text: str, *, error: bool = False
) -> HttpResponse:
    """The case page at its sharing section, saying what was done or why not."""
    case = reverse("casework:case", args=[desk_slug, number])
    return back_to_section(request, case, "sharing", text, error=error)


def _decide_share(
    request: HttpRequest, share_id: UUID, decision: Callable[..., object], done: str
) -> HttpResponse:
    """One share's decision, taken only by someone who can read what it sends."""
    user: StaffUser = request.user  # type: ignore[assignment]
    found = Share.objects.select_related("report__desk").filter(pk=share_id).first()
    if found is None:
        raise Http404("no such share")
    report = access_report(user, found.report.desk.slug, found.report.number)
    if _open(request, report, user) is None:
        raise PermissionDenied
    try:
        decision(found, user=user)
    except ValidationError as error:
        return _back_to_sharing(
            request, report.desk.slug, report.number, " ".join(error.messages), error=True
        )
    return _back_to_sharing(request, report.desk.slug, report.number, done)


@staff_required
@allowed_methods("POST")
def approve_share(request: HttpRequest, share_id: UUID) -> HttpResponse:
    return _decide_share(request, share_id, actions.approve_share, _("Share approved."))


@staff_required
@allowed_methods("POST")
def decline_share(request: HttpRequest, share_id: UUID) -> HttpResponse:
    return _decide_share(request, share_id, actions.decline_share, _("Share declined."))


@staff_required
@allowed_methods("POST")
def cancel_share(request: HttpRequest, share_id: UUID) -> HttpResponse:
    return _decide_share(request, share_id, actions.cancel_share, _("Share cancelled."))


@staff_required
@allowed_methods("POST")
def withdraw_share(request: HttpRequest, share_id: UUID) -> HttpResponse:
    return _decide_share(request, share_id, actions.withdraw_share, _("Share withdrawn."))


def case_context(request: HttpRequest, report: Any) -> dict[str, Any]:
    """What the case page's sharing part shows (the template tag calls this)."""
    user: StaffUser = request.user  # type: ignore[assignment]
    opened = _open(request, report, user)
    if opened is None:
        return {}
    received = selectors.received_share_of(report.id)
    context: dict[str, Any] = {"report": report, "desk": report.desk, "user": user}
    if received is not None:
        if received.opened_at is None:
            actions.note_opened(received, user=user)
        cover, back = selectors.received_view(opened, received)
        context.update(received=received, cover_note=cover, back_messages=back)
    context["shares"] = selectors.shares_of(opened)
    kept = selectors.kept_handling(received) if received else None
    # A report shared with us goes on only when its sender's markings let it.
    context["can_share"] = kept is None or kept.may_pass_on
    context["back_form"] = BackForm()
    context["can_approve"] = user.role in actions.APPROVERS
    return context
