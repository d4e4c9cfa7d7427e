"""Writes of the sharing app: partners, shares, approvals, the back channel.

Each is one transaction with its audit row inside; packages leave through the outbox after
commit (`outbox.queue`).
"""

import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tipline import vault
from tipline.accounts.models import Role, StaffUser
from tipline.audit.actions import record
from tipline.desks.models import Desk
from tipline.intake.conversation import OpenedReport

from . import drafts, outbox, packages, stix
from .cards import Card, accepting_desks
from .identity import ensure_identity
from .models import (
    BackMessage,
    DeskSharing,
    Direction,
    Partner,
    PartnerState,
    ReceivedShare,
    Share,
    ShareState,
)

APPROVERS = {Role.SUPERVISOR, Role.ADMINISTRATOR}
MAX_TEXT = 20_000
ShareDraft = drafts.ShareDraft  # what the analyst chose: built by the share page


# Partners ---------------------------------------------------------------------------------


def add_partner(card: Card, *, acting_user: StaffUser | None) -> Partner:
    """Add (or update) a partner from its card, and say hello: once the partner has added us
    too, the hello is taken and both sides are paired."""
    identity = ensure_identity()
    if card.signing_key == bytes(identity.signing_public_key):
        raise ValidationError(_("This is this installation's own card."))
    with transaction.atomic():
        partner, created = Partner.objects.update_or_create(
            signing_key_hex=card.signing_key.hex(),
            defaults={
                "name": card.name,
                "base_url": card.base_url,
                "signing_public_key": card.signing_key,
                "encryption_public_key": card.encryption_key,
                "desks": card.desks,
                "languages": card.languages,
            },
        )
        if not created and partner.encryption_public_key != card.encryption_key:
            raise ValidationError(_("This partner's keys changed; remove it and add it again."))
        if partner.state == PartnerState.REMOVED:
            Partner.objects.filter(pk=partner.pk).update(state=PartnerState.ACTIVE)
            partner.state = PartnerState.ACTIVE
        record(
            "partner.added" if created else "partner.updated",
            actor=acting_user,
            partner=partner.name,
            fingerprint=card.fingerprint,
        )
        say_hello(partner)
    return partner


def say_hello(partner: Partner) -> None:
    package_id = uuid.uuid4()
    payload = packages.make_payload(package_id, "hello")
    outbox.queue(partner, "hello", payload, package_id=package_id)


def set_partner_state(partner: Partner, state: str, *, acting_user: StaffUser) -> None:
    """Suspend, resume or remove a partner. What it shared already stays readable."""
    if state not in PartnerState.values:
        raise ValidationError(_("Unknown state."))
    with transaction.atomic():
        Partner.objects.filter(pk=partner.pk).update(state=state)
        record(f"partner.{state}", actor=acting_user, partner=partner.name)


def set_desk_rules(
    desk: Desk, *, accepts_shares: bool, requires_approval: bool, acting_user: StaffUser
) -> None:
    """Raises `ValidationError` for a training desk asked to accept shares: its reports are
    synthetic, and a real report shared into it would be worked as an exercise."""
    if accepts_shares and desk.is_training:
        raise ValidationError(training_desk_takes_no_shares())
    with transaction.atomic():
        DeskSharing.objects.update_or_create(
            desk=desk,
            defaults={"accepts_shares": accepts_shares, "requires_approval": requires_approval},
        )
        record(
            "sharing.desk_rules",
            actor=acting_user,
            desk=desk,
            accepts_shares=accepts_shares,
            requires_approval=requires_approval,
        )


def training_desk_takes_no_shares() -> str:
    """Why a training desk cannot be opened to shares, in the reader's language."""
    return _(
        "A training desk cannot accept shares: its reports are synthetic, and a real report "
        "shared into it would be worked as an exercise."
    )


def training_desks_to_share_with(own_desk: Desk) -> list[str]:
    """The slugs a training report may be shared with: the installation's other training
    desks, and nothing else."""
    return list(
        Desk.objects.filter(is_training=True)
        .exclude(pk=own_desk.pk)
        .order_by("slug")
        .values_list("slug", flat=True)
    )


# Sharing a report -------------------------------------------------------------------------


def propose_share(
    opened: OpenedReport,
    *,
    user: StaffUser,
    partner: Partner | None,
    desk_slug: str,
    draft: ShareDraft,
) -> Share:
    """Make the package now (the analyst's key is at hand), then send it, or hold it for a
    supervisor when the desk asks for four eyes. `ValidationError` for a bad target."""
    report = opened.report
    _check_target(report.desk, partner, desk_slug)
    share_id = uuid.uuid4()
    content = drafts.share_content(opened, draft)
    sender_name = ensure_identity().name
    payload = packages.make_payload(
        share_id,
        "share",
        sender_desk=report.desk.slug,
        recipient_desk=desk_slug,
        bundle=stix.share_bundle(str(share_id), sender_name, content),
    )
    if len(payload) > settings.SHARING_MAX_PACKAGE_BYTES:
        raise ValidationError(_("The chosen files are too large to share in one package."))
    share_keys = vault.new_share_key_pair(opened.report_key, context=f"share/{share_id}")
    rule = DeskSharing.objects.filter(desk=report.desk).first()
    needs_approval = bool(rule and rule.requires_approval)
    draft_text = drafts.what_leaves(content)
    sealed = _seal(partner, payload)
    with transaction.atomic():
        share = Share.objects.create(
            id=share_id,
            report=report,
            partner=partner,
            target_desk_slug=desk_slug,
            state=ShareState.AWAITING_APPROVAL if needs_approval else ShareState.QUEUED,
            proposed_by=user,
            package=sealed,
            draft=vault.encrypt_text(
                opened.report_key, draft_text, context=f"share/{share_id}/draft"
            ),
            share_public_key=share_keys.public_key,
            share_private_key=share_keys.wrapped_private_key,
        )
        record(
            "share.proposed",
            actor=user,
            desk=report.desk,
            report_id=report.id,
            partner=_target_name(partner, desk_slug),
            share=str(share_id),
            answers=len(content.answers),
            messages=len(content.messages),
            attachments=len(content.files),
        )
        if not needs_approval:
            _send(share, user)
    return share


def approve_share(share: Share, *, user: StaffUser) -> None:
    """The second pair of eyes: a supervisor who did not propose it lets it leave."""
    if user.role not in APPROVERS or user.pk == share.proposed_by_id:
        raise PermissionDenied
    with transaction.atomic():
        updated = Share.objects.filter(pk=share.pk, state=ShareState.AWAITING_APPROVAL).update(
            state=ShareState.QUEUED, approved_by=user
        )
        if not updated:
            raise ValidationError(_("This share is no longer waiting for approval."))
        record(
            "share.approved",
            actor=user,
            desk=share.report.desk,
            report_id=share.report_id,
            partner=_target_name(share.partner, share.target_desk_slug),
            share=str(share.id),
        )
        _send(share, user)


def decline_share(share: Share, *, user: StaffUser) -> None:
    if user.role not in APPROVERS or user.pk == share.proposed_by_id:
        raise PermissionDenied
    with transaction.atomic():
        updated = Share.objects.filter(pk=share.pk, state=ShareState.AWAITING_APPROVAL).update(
            state=ShareState.DECLINED, approved_by=user, package=b""
        )
        if not updated:
            raise ValidationError(_("This share is no longer waiting for approval."))
        record(
            "share.declined",
            actor=user,
            desk=share.report.desk,
            report_id=share.report_id,
            share=str(share.id),
        )


def _send(share: Share, user: StaffUser) -> None:
    from .models import OutboxPackage, OutboxState

    package = OutboxPackage.objects.create(
        partner=share.partner,
        share=share,
        kind="share",
        package_id=share.id,
        body=bytes(share.package),
        state=OutboxState.WAITING,
    )
    from tipline import jobs

    from .tasks import deliver_package

    jobs.enqueue(deliver_package, str(package.id))
    record(
        "share.sent",
        actor=user,
        desk=share.report.desk,
        report_id=share.report_id,
        partner=_target_name(share.partner, share.target_desk_slug),
        share=str(share.id),
    )


def _seal(partner: Partner | None, payload: bytes) -> bytes:
    from .identity import unlocked_identity

    identity = unlocked_identity()
    key = bytes(partner.encryption_public_key) if partner else identity.encryption_public_key
    return vault.seal_package(identity, key, payload)


def _check_target(own_desk: Desk, partner: Partner | None, desk_slug: str) -> None:
    # Synthetic training reports never reach a real desk, here or at a partner; they go to
    # another training desk of this installation (which accepts no other shares).
    if own_desk.is_training:
        if partner is not None or desk_slug not in training_desks_to_share_with(own_desk):
            raise ValidationError(_("A training report can be shared only with a training desk."))
        return
    if partner is None:
        if desk_slug == own_desk.slug or desk_slug not in {d.slug for d in accepting_desks()}:
            raise ValidationError(_("That desk does not accept shares."))
        return
    if not partner.can_share:
        raise ValidationError(_("This partner is not paired, or is suspended."))
    if desk_slug not in {d["slug"] for d in partner.desks}:
        raise ValidationError(_("That partner desk does not accept shares."))


def _target_name(partner: Partner | None, desk_slug: str) -> str:
    return f"{partner.name if partner else ensure_identity().name} / {desk_slug}"


# The back channel -------------------------------------------------------------------------


def write_back(
    opened: OpenedReport,
    *,
    user: StaffUser,
    text: str,
    outcome_kind: str = "",
    outcome_count: int | None = None,
) -> BackMessage:
    """A message (or an outcome) about a shared report, to the other side of the share:
    from the receiving desk to the sender, or from the sender to the receiving desk."""
    report = opened.report
    received = ReceivedShare.objects.filter(report=report).select_related("partner").first()
    share = None
    if received is None:
        share = (
            Share.objects.filter(report=report)
            .exclude(state__in=[ShareState.AWAITING_APPROVAL, ShareState.DECLINED])
            .order_by("-proposed_at")
            .first()
        )
        if share is None:
            raise ValidationError(_("This report was not shared."))
        if outcome_kind:
            raise ValidationError(_("Outcomes are reported by the desk that received the share."))
    partner = received.partner if received else share.partner  # type: ignore[union-attr]
    about = received.remote_share_id if received else share.id  # type: ignore[union-attr]
    link = received or share
    kind = "outcome" if outcome_kind else "message"
    package_id = uuid.uuid4()
    bundle = stix.back_bundle(
        str(about),
        stix.BackContent(
            text=text[:MAX_TEXT], outcome_kind=outcome_kind, outcome_count=outcome_count
        ),
    )
    payload = packages.make_payload(
        package_id,
        kind,
        sender_desk=report.desk.slug,
        about=about,
        to="sender" if received else "receiver",
        bundle=bundle,
    )
    with transaction.atomic():
        message = BackMessage.objects.create(
            share=share,
            received_share=received,
            direction=Direction.SENT,
            author=user,
            outcome_kind=outcome_kind,
            outcome_count=outcome_count,
            body=vault.seal_to_share(bytes(link.share_public_key), text),  # type: ignore[union-attr]
        )
        outbox.queue(partner, kind, payload, package_id=package_id)
        record(
            f"share.{kind}_sent",
            actor=user,
            desk=report.desk,
            report_id=report.id,
            partner=received.sender_name
            if received
            else _target_name(partner, share.target_desk_slug),  # type: ignore[union-attr]
            outcome=outcome_kind or None,
        )
    return message


def note_opened(received: ReceivedShare, *, user: StaffUser) -> None:
    """The first time someone on the receiving desk opens a shared report, the sender learns
    it ("opened by the partner")."""
    with transaction.atomic():
        if not ReceivedShare.objects.filter(pk=received.pk, opened_at__isnull=True).update(
            opened_at=timezone.now()
        ):
            return
        package_id = uuid.uuid4()
        payload = packages.make_payload(
            package_id,
            "opened",
            sender_desk=received.report.desk.slug,
            about=received.remote_share_id,
            to="sender",
        )
        outbox.queue(received.partner, "opened", payload, package_id=package_id)
        record(
            "share.opened",
            actor=user,
            desk=received.report.desk,
            report_id=received.report_id,
            partner=received.sender_name,
        )
