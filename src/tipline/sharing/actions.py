"""Writes of the sharing app: partners, shares, approvals, the back channel.

Each is one transaction with its audit row inside; packages leave through the outbox after
commit (`outbox.queue`).
"""

import re
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tipline import jobs, vault
from tipline.accounts.models import Role, StaffUser
from tipline.audit.actions import record
from tipline.desks.models import Desk
from tipline.reports.conversation import OpenedReport
from tipline.reports.models import Report

from . import drafts, outbox, packages, selectors, stix
from .cards import Card, accepting_desks
from .identity import ensure_identity
from .models import (
    BackMessage,
    DeskSharing,
    Direction,
    Partner,
    PartnerKind,
    PartnerState,
    ReceivedShare,
    Share,
    ShareState,
)
from .tasks import deliver_package

APPROVERS = {Role.SUPERVISOR, Role.ADMINISTRATOR}
_COLLECTION = re.compile(r"^[-A-Za-z0-9_.]{1,100}$")
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


def add_system_partner(
    *,
    kind: str,
    name: str,
    url: str,
    credential: str,
    collection_id: str = "",
    username: str = "",
    ca_file: str = "",
    allow_http: bool = False,
    acting_user: StaffUser | None,
) -> Partner:
    """Add a partner that does not run Tipline: a TAXII 2.1 collection (its API root and
    collection id) or a MISP instance (its address). Its credential (password, bearer token
    or API key) is kept wrapped under the installation secret, like the identity's keys.
    Plain HTTP only when `allow_http` says so. There is no hello: it is ready at once."""
    from urllib.parse import urlsplit

    from .identity import installation_secret

    parts = urlsplit(url.strip())
    if kind not in (PartnerKind.TAXII, PartnerKind.MISP):
        raise ValidationError(_("Unknown kind of partner."))
    if parts.scheme not in ("https", "http") or not parts.hostname or len(url) > 500:
        raise ValidationError(_("Give the partner's address as an https:// URL."))
    if parts.scheme == "http" and not allow_http:
        raise ValidationError(_("This address is plain HTTP: allow it explicitly, or use https."))
    if kind == PartnerKind.TAXII and not _COLLECTION.match(collection_id):
        raise ValidationError(_("Give the TAXII collection's id."))
    if not name.strip() or len(name) > 200 or not credential.strip() or len(credential) > 4000:
        raise ValidationError(_("Give the partner's name and its secret."))
    if ca_file and not Path(ca_file).is_file():
        raise ValidationError(_("The CA file does not exist."))
    placeholder = f"{kind}:{uuid.uuid4().hex}"
    with transaction.atomic():
        partner = Partner.objects.create(
            kind=kind,
            name=name.strip(),
            base_url=url.strip().rstrip("/") + "/",
            signing_public_key=b"",
            signing_key_hex=placeholder,
            encryption_public_key=b"",
            desks=[
                {
                    "slug": "collection" if kind == PartnerKind.TAXII else "events",
                    "name": collection_id if kind == PartnerKind.TAXII else "MISP",
                }
            ],
            paired_at=timezone.now(),
            collection_id=collection_id,
            username=username,
            credential=vault.wrap_partner_credential(
                installation_secret(), credential.strip(), partner=placeholder
            ),
            ca_file=ca_file,
            allow_http=allow_http,
        )
        record(
            "partner.added",
            actor=acting_user,
            partner=partner.name,
            kind=kind,
            address=partner.base_url,
            plain_http=allow_http,
        )
    return partner


def say_hello(partner: Partner) -> None:
    package_id = uuid.uuid4()
    payload = packages.make_payload(package_id, "hello")
    _queue(partner, "hello", payload, package_id=package_id)


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
    supervisor when the desk asks for four eyes. `ValidationError` for a bad target, or for
    a report shared with us whose markings keep it here (nothing is sent)."""
    report = opened.report
    _check_target(report.desk, partner, desk_slug)
    handling = handling_for(report, draft.handling)
    share_id = uuid.uuid4()
    content = drafts.share_content(opened, draft, handling)
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
            handling=content.handling.as_json() if content.handling else {},
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
            marking=handling.marking,
            passed_on_from=handling.chain[-1] if handling.chain else None,
        )
        if not needs_approval:
            _send(share, user)
    return share


def handling_for(report: Report, chosen: stix.Handling) -> stix.Handling:
    """The markings a share of `report` leaves under: for our own report, those the analyst
    chose; for a report shared with us, its sender's (the analyst's only when it came
    unmarked, from an older version), with that sender added to the chain, or
    `ValidationError` when they keep it here (TLP:RED, TLP:AMBER+STRICT, H2)."""
    received = selectors.received_share_of(report.id)
    if received is None:
        return chosen
    original = selectors.kept_handling(received)
    if original is not None and not original.may_pass_on:
        raise ValidationError(
            _("This report was shared with us under %(marking)s: it may not be passed on.")
            % {"marking": original.marking}
        )
    return (original or chosen).passed_on_by(received.shared_by)


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


def cancel_share(share: Share, *, user: StaffUser) -> None:
    """Cancel a share that has not left: waiting for approval, or queued and not being sent
    at this moment. Its package is dropped in one conditional statement, so a sender that
    claims it afterwards finds nothing, and one that claimed it before keeps it (then the
    share can only be withdrawn). Its proposer or a supervisor may cancel it."""
    from django.db.models import Q

    from .models import OutboxPackage, OutboxState

    if user.pk != share.proposed_by_id and user.role not in APPROVERS:
        raise PermissionDenied
    now = timezone.now()
    with transaction.atomic():
        dropped, _count = (
            OutboxPackage.objects.filter(share=share, kind="share", state=OutboxState.WAITING)
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
            .delete()
        )
        waiting = Q(state=ShareState.AWAITING_APPROVAL) | Q(state=ShareState.QUEUED)
        if not dropped:
            waiting = Q(state=ShareState.AWAITING_APPROVAL)
        if not Share.objects.filter(waiting, pk=share.pk).update(
            state=ShareState.CANCELLED, package=b""
        ):
            raise ValidationError(_("This share has left already, or is leaving right now."))
        record(
            "share.cancelled",
            actor=user,
            desk=share.report.desk,
            report_id=share.report_id,
            partner=_target_name(share.partner, share.target_desk_slug),
            share=str(share.id),
        )


def withdraw_share(share: Share, *, user: StaffUser) -> None:
    """Withdraw a share that has left: a Tipline partner (or our other desk) seals the report
    away and says so on its case; a TAXII partner gets a revoked version of the report and
    of each note. A MISP event is withdrawn in MISP itself (its upload API makes events,
    it does not revoke them). The proposer or a supervisor may withdraw it."""
    if user.pk != share.proposed_by_id and user.role not in APPROVERS:
        raise PermissionDenied
    partner = share.partner
    if partner is not None and partner.kind == PartnerKind.MISP:
        raise ValidationError(_("A share to MISP is withdrawn in MISP itself: delete the event."))
    package_id = uuid.uuid4()
    bundle = None
    if partner is not None and partner.kind == PartnerKind.TAXII:
        from .identity import unlocked_identity

        opened = vault.open_package(unlocked_identity(), bytes(share.package))
        bundle = stix.revoked_bundle(packages.read_payload(opened.payload).bundle)
    payload = packages.make_payload(
        package_id,
        "withdraw",
        sender_desk=share.report.desk.slug,
        about=share.id,
        to="receiver",
        bundle=bundle,
    )
    left = [ShareState.DELIVERED, ShareState.OPENED, ShareState.ANSWERED]
    with transaction.atomic():
        if not Share.objects.filter(pk=share.pk, state__in=left).update(state=ShareState.WITHDRAWN):
            raise ValidationError(_("Only a share that reached the partner can be withdrawn."))
        _queue(partner, "withdraw", payload, package_id=package_id, share=share)
        record(
            "share.withdrawn",
            actor=user,
            desk=share.report.desk,
            report_id=share.report_id,
            partner=_target_name(partner, share.target_desk_slug),
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
    # A partner of another kind has no key: kept sealed to ourselves until it is posted.
    key = (
        bytes(partner.encryption_public_key)
        if partner and partner.kind == PartnerKind.TIPLINE
        else identity.encryption_public_key
    )
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
            .exclude(
                state__in=[ShareState.AWAITING_APPROVAL, ShareState.DECLINED, ShareState.CANCELLED]
            )
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
        _queue(partner, kind, payload, package_id=package_id)
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
        _queue(received.partner, "opened", payload, package_id=package_id)
        record(
            "share.opened",
            actor=user,
            desk=received.report.desk,
            report_id=received.report_id,
            partner=received.sender_name,
        )


def _queue(
    partner: Partner | None,
    kind: str,
    payload: bytes,
    *,
    package_id: uuid.UUID,
    share: Share | None = None,
) -> None:
    """Queue a package and send it the moment the caller's transaction commits."""
    package = outbox.queue(partner, kind, payload, package_id=package_id, share=share)
    jobs.enqueue(deliver_package, str(package.id))
