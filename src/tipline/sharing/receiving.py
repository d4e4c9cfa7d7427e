"""Receiving a package: verify, refuse what is not ours to take, file what is.

Every refusal raises `PackageRefused` before anything is written (files written for a
share are removed again). A share is filed by `filing`; hellos, "opened" notices, messages
and outcomes about a share are taken here.
"""

import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from tipline import vault
from tipline.audit.actions import record
from tipline.outcomes.actions import OutcomeFacts, record_partner_outcome
from tipline.outcomes.models import OutcomeKind as Kinds
from tipline.outcomes.models import SeizureKind, Unit

from . import filing, packages, stix
from .identity import unlocked_identity
from .models import (
    BackMessage,
    Direction,
    OutcomeKind,
    Partner,
    PartnerState,
    ReceivedPackage,
    ReceivedShare,
    Share,
    ShareState,
)
from .refusals import PackageRefused, Sender, mark_received


@dataclass(frozen=True)
class Taken:
    """A package taken: `code` is what was done ("filed", "noted", "paired")."""

    code: str
    package_id: uuid.UUID


def receive_package(body: bytes, *, local: bool = False) -> Taken:
    """Take one package, or raise `PackageRefused` having written nothing."""
    identity = unlocked_identity()
    try:
        opened = vault.open_package(identity, body)
    except vault.DecryptionError:
        raise PackageRefused("undecryptable", 400) from None
    sender = _sender(opened.sender_signing_key, identity, local=local)
    try:
        payload = packages.read_payload(opened.payload)
    except packages.MalformedPayload:
        raise PackageRefused("malformed", 400) from None
    try:
        if ReceivedPackage.objects.filter(
            sender_key_hex=sender.key_hex, package_id=payload.package_id
        ).exists():
            raise PackageRefused("replayed", 409)
        try:
            if payload.kind == "share":
                return Taken(filing.file_share(sender, payload), payload.package_id)
            return Taken(_take_other(sender, payload), payload.package_id)
        except IntegrityError:
            raise PackageRefused("replayed", 409) from None
    except PackageRefused as refused:
        raise PackageRefused(refused.code, refused.status, payload.package_id) from None


def _sender(key: bytes, identity: vault.InstallationIdentity, *, local: bool) -> Sender:
    if local:
        if key != identity.signing_public_key:
            raise PackageRefused("unknown_sender", 403)
        from .identity import ensure_identity

        return Sender(None, key.hex(), ensure_identity().name)
    partner = Partner.objects.filter(signing_key_hex=key.hex()).first()
    if partner is None or partner.state == PartnerState.REMOVED:
        raise PackageRefused("unknown_sender", 403)
    if partner.state == PartnerState.SUSPENDED:
        raise PackageRefused("suspended", 403)
    return Sender(partner, key.hex(), partner.name)


def _take_other(sender: Sender, payload: packages.Payload) -> str:
    if payload.kind == "hello":
        with transaction.atomic():
            mark_received(sender, payload)
            if sender.partner is not None:
                Partner.objects.filter(pk=sender.partner.pk, paired_at__isnull=True).update(
                    paired_at=timezone.now()
                )
                record("partner.hello_received", actor=None, partner=sender.name)
        return "paired"
    share, received = _about(sender, payload)
    if payload.kind == "withdraw":
        return _withdrawn(sender, payload, received)
    if payload.kind == "opened":
        with transaction.atomic():
            mark_received(sender, payload)
            if share is not None:
                Share.objects.filter(pk=share.pk, opened_at__isnull=True).update(
                    opened_at=timezone.now()
                )
                Share.objects.filter(pk=share.pk, state=ShareState.DELIVERED).update(
                    state=ShareState.OPENED
                )
                record(
                    "share.opened_by_partner",
                    actor=None,
                    desk=share.report.desk,
                    report_id=share.report_id,
                    partner=sender.name,
                )
        return "noted"
    try:
        content = stix.read_back(
            payload.bundle, str(payload.about), outcome_kinds=set(OutcomeKind.values)
        )
    except stix.MalformedContent:
        raise PackageRefused("malformed_stix", 400) from None
    if payload.kind == "outcome" and not content.outcome_kind:
        raise PackageRefused("malformed_stix", 400)
    public_key = bytes((share or received).share_public_key)  # type: ignore[union-attr]
    report = (share or received).report  # type: ignore[union-attr]
    with transaction.atomic():
        mark_received(sender, payload)
        BackMessage.objects.create(
            share=share,
            received_share=received,
            direction=Direction.RECEIVED,
            outcome_kind=content.outcome_kind,
            outcome_count=content.outcome_count,
            body=vault.seal_to_share(public_key, content.text),
        )
        if share is not None:
            Share.objects.filter(
                pk=share.pk, state__in=[ShareState.DELIVERED, ShareState.OPENED]
            ).update(state=ShareState.ANSWERED)
            if content.outcome_kind:
                # Counted in the sender's statistics, marked "through partner".
                record_partner_outcome(
                    report,
                    partner_outcome_facts(content.outcome_kind, content.outcome_count),
                    partner=sender.name,
                )
        record(
            f"share.{payload.kind}_received",
            actor=None,
            desk=report.desk,
            report_id=report.id,
            partner=sender.name,
            outcome=content.outcome_kind or None,
        )
    return "noted"


def partner_outcome_facts(kind: str, count: int | None) -> OutcomeFacts:
    """An outcome on the back channel, as the outcomes app records it.

    The wire carries a kind and a count (docs/sharing.md); a seizure arrives without its
    kind of goods, so it is recorded as "other", so many pieces.
    """
    today = timezone.localdate()
    number = max(1, count or 1)
    if kind == OutcomeKind.ARREST:
        return OutcomeFacts(kind=Kinds.ARRESTS, occurred_on=today, count=number)
    if kind == OutcomeKind.CHARGE:
        return OutcomeFacts(kind=Kinds.CHARGES, occurred_on=today, count=number)
    if kind == OutcomeKind.SEIZURE:
        return OutcomeFacts(
            kind=Kinds.SEIZURE,
            occurred_on=today,
            seizure_kind=SeizureKind.OTHER,
            quantity=Decimal(number),
            unit=Unit.PIECES,
        )
    return OutcomeFacts(kind=Kinds.CLEARED, occurred_on=today)


def _about(sender: Sender, payload: packages.Payload) -> tuple[Share | None, ReceivedShare | None]:
    """The share a back-channel package is about, on the side it is addressed to."""
    if payload.to == "sender":
        share = (
            Share.objects.select_related("report__desk")
            .filter(pk=payload.about, partner=sender.partner)
            .first()
        )
        if share is None:
            raise PackageRefused("unknown_share", 404)
        return share, None
    received = (
        ReceivedShare.objects.select_related("report__desk")
        .filter(remote_share_id=payload.about, partner=sender.partner)
        .first()
    )
    if received is None:
        raise PackageRefused("unknown_share", 404)
    return None, received


def _withdrawn(sender: Sender, payload: packages.Payload, received: ReceivedShare | None) -> str:
    """The sender withdrew its share: the report is sealed away (no recipient holds its key
    any longer, so nobody here reads it again) and its case says so."""
    from tipline.reports.models import ReportKeySeal

    if received is None:  # a withdrawal is addressed to the side that received the share
        raise PackageRefused("unknown_share", 404)
    with transaction.atomic():
        mark_received(sender, payload)
        ReceivedShare.objects.filter(pk=received.pk).update(withdrawn_at=timezone.now())
        ReportKeySeal.objects.filter(report_id=received.report_id).delete()
        record(
            "share.withdrawn_by_sender",
            actor=None,
            desk=received.report.desk,
            report_id=received.report_id,
            partner=sender.name,
        )
    return "noted"
