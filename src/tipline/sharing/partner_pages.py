"""The administrators' pages of sharing (docs/sharing.md, "Pairing two installations"):
this installation's card (file and QR code), adding a partner from its card in two steps
(read the card, then confirm that its fingerprint is the one the partner read out), the
partners and their state, and which desks take shares. Thin: a check, one action, render."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tipline.accounts.decorators import staff_required
from tipline.accounts.models import Role, StaffUser
from tipline.desks.models import Desk
from tipline.throttling.gate import allowed_methods

from . import actions, cards
from .forms import CardForm, ConfirmCardForm, DeskRulesForm, SystemPartnerForm
from .models import DeskSharing, Partner, PartnerState


def _administrator(request: HttpRequest) -> StaffUser:
    user: StaffUser = request.user  # type: ignore[assignment]
    if user.role != Role.ADMINISTRATOR:
        raise PermissionDenied
    return user


@staff_required
@allowed_methods("GET", "POST")
def partners(request: HttpRequest) -> HttpResponse:
    """The page; its POST sets one desk's sharing rules."""
    user = _administrator(request)
    if request.method == "POST":
        rules = DeskRulesForm(request.POST)
        desk = Desk.objects.filter(slug=request.POST.get("desk", "")).first()
        if not rules.is_valid() or desk is None:
            return _partners_page(request, status=400)
        try:
            actions.set_desk_rules(
                desk,
                accepts_shares=rules.cleaned_data["accepts_shares"],
                requires_approval=rules.cleaned_data["requires_approval"],
                acting_user=user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return _partners_page(request, status=400)
        messages.success(request, _("Sharing rules of %(desk)s saved.") % {"desk": desk.name})
        return redirect("sharing:partners")
    return _partners_page(request)


@staff_required
@allowed_methods("POST")
def add_partner(request: HttpRequest) -> HttpResponse:
    """Step 1 reads the card (file or text) and shows its fingerprint; step 2 ("confirm")
    adds the partner once the administrator ticked that the partner read out the same
    digits. The card comes back with its fingerprint, so what is added is what was shown."""
    user = _administrator(request)
    if "confirm" not in request.POST:
        card_form = CardForm(request.POST, request.FILES)
        if not card_form.is_valid():
            return _partners_page(request, card_form=card_form, status=400)
        try:
            card = cards.parse_card(card_form.card())
        except cards.BadCard as error:
            card_form.add_error(None, str(error))
            return _partners_page(request, card_form=card_form, status=400)
        confirm = ConfirmCardForm(
            initial={"card_text": cards.card_json(card), "fingerprint": card.fingerprint}
        )
        return _confirm_page(request, card, confirm)
    confirm = ConfirmCardForm(request.POST)
    if not confirm.is_valid():
        return _partners_page(request, status=400)
    try:
        card = cards.parse_card(confirm.cleaned_data["card_text"])
    except cards.BadCard:
        return _partners_page(request, status=400)
    if card.fingerprint != confirm.cleaned_data["fingerprint"]:
        return _partners_page(request, status=400)  # not the card that was shown
    if not confirm.cleaned_data["fingerprint_compared"]:
        confirm.add_error("fingerprint_compared", _("Compare the fingerprint first."))
        return _confirm_page(request, card, confirm, status=400)
    try:
        partner = actions.add_partner(card, acting_user=user)
    except ValidationError as error:
        confirm.add_error(None, error)
        return _confirm_page(request, card, confirm, status=400)
    messages.success(
        request,
        _("Partner %(name)s added. It is paired once it has added this installation too.")
        % {"name": partner.name},
    )
    return redirect("sharing:partners")


@staff_required
@allowed_methods("POST")
def add_system_partner(request: HttpRequest) -> HttpResponse:
    """A partner of another kind (TAXII 2.1, MISP), by its address and its secret."""
    user = _administrator(request)
    form = SystemPartnerForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            partner = actions.add_system_partner(
                kind=data["kind"],
                name=data["name"],
                url=data["url"],
                credential=data["secret"],
                collection_id=data["collection_id"],
                username=data["username"],
                ca_file=data["ca_file"],
                allow_http=data["allow_http"],
                acting_user=user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Partner %(name)s added.") % {"name": partner.name})
            return redirect("sharing:partners")
    return _partners_page(request, system_form=form, status=400)


@allowed_methods("GET")
@staff_required
def card_file(request: HttpRequest) -> HttpResponse:
    _administrator(request)
    response = HttpResponse(
        cards.card_json(cards.own_card(settings.SITE_URL)), content_type="application/json"
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


def _confirm_page(
    request: HttpRequest, card: cards.Card, form: ConfirmCardForm, *, status: int = 200
) -> HttpResponse:
    own = cards.own_card(settings.SITE_URL)
    existing = Partner.objects.filter(signing_key_hex=card.signing_key.hex()).first()
    return render(
        request,
        "sharing/add_partner.html",
        {"card": card, "own": own, "form": form, "existing": existing},
        status=status,
    )


def _partners_page(
    request: HttpRequest,
    *,
    card_form: CardForm | None = None,
    system_form: SystemPartnerForm | None = None,
    status: int = 200,
) -> HttpResponse:
    own = cards.own_card(settings.SITE_URL)
    rules = {r.desk_id: r for r in DeskSharing.objects.all()}
    desks = [
        (desk, _rules_form(desk, rules.get(desk.pk))) for desk in Desk.objects.order_by("name")
    ]
    return render(
        request,
        "sharing/partners.html",
        {
            "own": own,
            "own_qr": cards.card_qr_svg(own),
            "partners": [
                # A partner of another kind has no keys, so no fingerprint.
                (p, _fingerprint(p) if p.kind == "tipline" else "")
                for p in Partner.objects.exclude(state=PartnerState.REMOVED)
            ],
            "card_form": card_form or CardForm(),
            "system_form": system_form or SystemPartnerForm(),
            "desks": desks,
        },
        status=status,
    )


def _rules_form(desk: Desk, rule: Any) -> DeskRulesForm:
    return DeskRulesForm(
        initial={
            "desk": desk.slug,
            "accepts_shares": bool(rule and rule.accepts_shares),
            "requires_approval": bool(rule and rule.requires_approval),
        },
        auto_id=f"id_{desk.slug}_%s",
    )


def _fingerprint(partner: Partner) -> str:
    return cards.fingerprint_of(
        bytes(partner.signing_public_key), bytes(partner.encryption_public_key)
    )
