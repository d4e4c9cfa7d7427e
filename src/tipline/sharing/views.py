"""Staff pages of sharing: partners (administrators), sharing a report, approving, writing
back. Thin: a checked lookup, one action, render."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tipline import vault
from tipline.accounts.decorators import staff_required
from tipline.accounts.models import Role, StaffUser
from tipline.casework.access import access_report, private_key_of
from tipline.desks.models import Desk
from tipline.intake import conversation
from tipline.intake.models import translated
from tipline.throttling.gate import allowed_methods

from . import actions, cards, drafts, selectors
from .forms import BackForm, CardForm, DeskRulesForm, ShareForm
from .models import DeskSharing, Partner, PartnerState, Share


def _open(request: HttpRequest, report: Any, user: StaffUser) -> conversation.OpenedReport | None:
    """The report opened with the session's key, or None when it was not sealed to this user."""
    try:
        return conversation.open_as_staff(report, user, private_key_of(request, user))
    except vault.DecryptionError:
        return None


def _administrator(request: HttpRequest) -> StaffUser:
    user: StaffUser = request.user  # type: ignore[assignment]
    if user.role != Role.ADMINISTRATOR:
        raise PermissionDenied
    return user


def _site(request: HttpRequest) -> str:
    from django.conf import settings

    return str(settings.SITE_URL)


@staff_required
@allowed_methods("GET", "POST")
def partners(request: HttpRequest) -> HttpResponse:
    user = _administrator(request)
    card_form, status = CardForm(), 200
    if request.method == "POST" and "desk" in request.POST:
        rules = DeskRulesForm(request.POST)
        desk = Desk.objects.filter(slug=request.POST.get("desk", "")).first()
        if rules.is_valid() and desk is not None:
            actions.set_desk_rules(
                desk,
                accepts_shares=rules.cleaned_data["accepts_shares"],
                requires_approval=rules.cleaned_data["requires_approval"],
                acting_user=user,
            )
            return redirect("sharing:partners")
        status = 400
    elif request.method == "POST":
        card_form = CardForm(request.POST, request.FILES)
        if card_form.is_valid():
            upload = card_form.cleaned_data["card_file"]
            text = (
                upload.read(cards.MAX_CARD_BYTES + 1)
                if upload
                else card_form.cleaned_data["card_text"]
            )
            try:
                partner = actions.add_partner(cards.parse_card(text), acting_user=user)
            except (cards.BadCard, ValidationError) as error:
                card_form.add_error(
                    None, str(error.message if hasattr(error, "message") else error)
                )
            else:
                messages.success(request, _("Partner %(name)s added.") % {"name": partner.name})
                return redirect("sharing:partners")
        status = 400
    own = cards.own_card(_site(request))
    rules = {r.desk_id: r for r in DeskSharing.objects.all()}
    desks = [
        (
            desk,
            DeskRulesForm(
                initial={
                    "desk": desk.slug,
                    "accepts_shares": bool(rules.get(desk.pk) and rules[desk.pk].accepts_shares),
                    "requires_approval": bool(
                        rules.get(desk.pk) and rules[desk.pk].requires_approval
                    ),
                },
                auto_id=f"id_{desk.slug}_%s",
            ),
        )
        for desk in Desk.objects.order_by("name")
    ]
    import qrcode
    import qrcode.image.svg

    qr = qrcode.make(cards.card_json(own), image_factory=qrcode.image.svg.SvgPathImage)
    return render(
        request,
        "sharing/partners.html",
        {
            "own": own,
            "own_qr": qr.to_string().decode("utf-8"),
            "partners": [
                (
                    p,
                    cards.fingerprint_of(
                        bytes(p.signing_public_key), bytes(p.encryption_public_key)
                    ),
                )
                for p in Partner.objects.exclude(state=PartnerState.REMOVED)
            ],
            "card_form": card_form,
            "desks": desks,
        },
        status=status,
    )


@allowed_methods("GET")
@staff_required
def card_file(request: HttpRequest) -> HttpResponse:
    _administrator(request)
    response = HttpResponse(
        cards.card_json(cards.own_card(_site(request))), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="tipline-partner-card.json"'
    return response


@staff_required
@allowed_methods("POST")
def partner_state(request: HttpRequest, partner_id: int, state: str) -> HttpResponse:
    user = _administrator(request)
    partner = Partner.objects.filter(pk=partner_id).first()
    if partner is None or state not in PartnerState.values:
        raise Http404("no such partner")
    actions.set_partner_state(partner, state, acting_user=user)
    return redirect("sharing:partners")


def _targets(report_desk: Desk) -> list[tuple[str, str]]:
    here = [
        (f"local:{r.desk.slug}", _("This installation: %(desk)s") % {"desk": r.desk.name})
        for r in DeskSharing.objects.filter(accepts_shares=True).select_related("desk")
        if r.desk_id != report_desk.pk
    ]
    remote = [
        (f"{p.pk}:{d['slug']}", f"{p.name}: {d['name']}")
        for p in Partner.objects.filter(state=PartnerState.ACTIVE, paired_at__isnull=False)
        for d in p.desks
    ]
    return here + remote


@staff_required
@allowed_methods("GET", "POST")
def share(request: HttpRequest, desk_slug: str, number: int) -> HttpResponse:
    user: StaffUser = request.user  # type: ignore[assignment]
    report = access_report(user, desk_slug, number)
    opened = _open(request, report, user)
    if opened is None:
        raise PermissionDenied
    content = conversation.read_content(opened)
    talk = conversation.read_conversation(opened)
    parts = []  # (part, label, text): each answer and message, to tick and redact
    for answered in conversation.answered_questions(opened, drafts.ANSWER_LANGUAGE):
        question = translated(answered.labels, getattr(request, "LANGUAGE_CODE", "en"))
        label = _("answer to “%(question)s”") % {"question": question}
        parts.append((f"answer-{answered.key}", label, answered.answer))
    for message in talk[1:]:
        when = {"date": f"{message.sent_at:%Y-%m-%d %H:%M}"}
        if message.from_reporter:
            label = _("reporter's message of %(date)s") % when
        else:
            label = _("desk's reply of %(date)s") % when
        parts.append((f"message-{message.message_id}", label, message.text))
    files = [(str(a.attachment_id), a.name) for m in talk for a in m.attachments]
    form = ShareForm(
        _targets(report.desk),
        parts,
        files,
        request.POST if request.method == "POST" else None,
        initial={"description": content.get("description", "")},
    )
    if request.method == "POST" and form.is_valid():
        where, _sep, desk_slug_to = form.cleaned_data["target"].partition(":")
        partner = None if where == "local" else Partner.objects.filter(pk=int(where)).first()
        try:
            actions.propose_share(
                opened,
                user=user,
                partner=partner,
                desk_slug=desk_slug_to,
                draft=drafts.ShareDraft(
                    description=form.cleaned_data["description"],
                    answers=form.chosen("answer"),
                    messages={UUID(k): text for k, text in form.chosen("message").items()},
                    attachment_ids=[UUID(x) for x in form.cleaned_data["files"]],
                    cover_note=form.cleaned_data["cover_note"],
                ),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("casework:case", desk_slug, number)
    return render(
        request,
        "sharing/share.html",
        {"report": report, "desk": report.desk, "form": form},
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
    if form.is_valid():
        try:
            actions.write_back(
                opened,
                user=user,
                text=form.cleaned_data["text"],
                outcome_kind=form.cleaned_data["outcome_kind"],
                outcome_count=form.cleaned_data["outcome_count"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("casework:case", desk_slug, number)


@staff_required
@allowed_methods("POST")
def decide(request: HttpRequest, share_id: UUID, decision: str) -> HttpResponse:
    user: StaffUser = request.user  # type: ignore[assignment]
    found = Share.objects.select_related("report__desk").filter(pk=share_id).first()
    if found is None or decision not in {"approve", "decline"}:
        raise Http404("no such share")
    # The approver must be able to read what leaves: a recipient of the report.
    report = access_report(user, found.report.desk.slug, found.report.number)
    if _open(request, report, user) is None:
        raise PermissionDenied
    try:
        if decision == "approve":
            actions.approve_share(found, user=user)
        else:
            actions.decline_share(found, user=user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("casework:case", report.desk.slug, report.number)


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
    context["can_share"] = received is None
    context["back_form"] = BackForm()
    context["can_approve"] = user.role in actions.APPROVERS
    return context
