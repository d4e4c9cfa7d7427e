"""Receiving a package: verify, refuse what is not ours to take, file what is.

Every refusal raises `PackageRefused` before anything is written (files written for a
share are removed again). A share is filed as a new report on the chosen desk, under a new
report key sealed to that desk's recipients, as a public report would be; it has no
receipt, so no reporter can ever reach it.
"""

import json
import secrets
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from tipline import vault
from tipline.audit.actions import record
from tipline.desks.models import Desk
from tipline.desks.selectors import recipients_of
from tipline.intake import cleaning, storage
from tipline.intake.attachments import KeptFile, save_attachment_rows
from tipline.intake.models import Category, Report, ReportKeySeal
from tipline.intake.submission import content_context
from tipline.intake.uploads import attachment_context
from tipline.outcomes.actions import OutcomeFacts, record_partner_outcome
from tipline.outcomes.models import OutcomeKind as Kinds
from tipline.outcomes.models import SeizureKind, Unit

from . import answers, packages, stix
from .identity import unlocked_identity
from .models import (
    BackMessage,
    DeskSharing,
    Direction,
    OutcomeKind,
    Partner,
    PartnerState,
    ReceivedPackage,
    ReceivedShare,
    Share,
    ShareState,
)


class PackageRefused(Exception):
    """`code` names the reason (docs/sharing.md); `status` is the HTTP status to answer;
    `package_id` is the refused package's id once it could be opened."""

    def __init__(self, code: str, status: int, package_id: uuid.UUID | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.status = status
        self.package_id = package_id

    @property
    def outcome(self) -> str:
        """What the sender makes of it: a replay landed before; a 503 is for later."""
        if self.code == "replayed":
            return answers.REPLAYED
        return answers.RETRY if self.status >= 500 else answers.REFUSED


@dataclass(frozen=True)
class Sender:
    partner: Partner | None  # None: this installation (a share between our own desks)
    key_hex: str
    name: str


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
                return Taken(_file_share(sender, payload), payload.package_id)
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


def _mark_received(sender: Sender, payload: packages.Payload) -> None:
    ReceivedPackage.objects.create(
        sender_key_hex=sender.key_hex, package_id=payload.package_id, kind=payload.kind
    )


def _file_share(sender: Sender, payload: packages.Payload) -> str:
    rule = (
        DeskSharing.objects.select_related("desk")
        .filter(desk__slug=payload.recipient_desk, accepts_shares=True)
        .first()
    )
    if rule is None:
        raise PackageRefused("desk_not_accepting", 422)
    desk = rule.desk
    recipients = recipients_of(desk)
    if not recipients:
        raise PackageRefused("desk_not_ready", 503)
    try:
        content = stix.read_share(
            payload.bundle,
            str(payload.package_id),
            max_file_bytes=settings.SHARING_MAX_PACKAGE_BYTES,
        )
    except stix.MalformedContent:
        raise PackageRefused("malformed_stix", 400) from None
    if len(content.files) > 50:
        raise PackageRefused("malformed_stix", 400)
    report_id, report_key = uuid.uuid4(), vault.new_report_key()
    try:
        kept = _keep_files(report_id, report_key, content.files)
        _commit_share(sender, payload, desk, recipients, report_id, report_key, content, kept)
    except BaseException:
        storage.discard_report_files(report_id)
        raise
    return "filed"


def _keep_files(
    report_id: uuid.UUID, report_key: vault.ReportKey, files: list[stix.SharedFile]
) -> list[KeptFile]:
    """Clean what can be cleaned (a partner's file is as untrusted as a reporter's), encrypt
    each to the new report and make it durable before the transaction."""
    if not files:
        return []
    storage.make_report_folder(report_id)
    kept = []
    for shared in files:
        attachment_id = uuid.uuid4()
        data, media_type, metadata = (
            shared.content,
            cleaning.detect_type(shared.content[:4096]),
            "kept",
        )
        if cleaning.is_cleanable(media_type) and len(data) <= cleaning.MAX_CLEANABLE_BYTES:
            try:
                data, media_type = cleaning.clean(data, media_type)
                metadata = "removed"
            except cleaning.UnreadableFile:
                metadata = "kept"
        partial = storage.partial_path(report_id, attachment_id, "partial")
        with open(partial, "wb") as sink:
            sizes = vault.encrypt_stream(
                report_key, iter([data]), sink, context=attachment_context(report_id, attachment_id)
            )
        storage.sync_and_move(partial, storage.attachment_path(report_id, attachment_id))
        kept.append(
            KeptFile(
                attachment_id=attachment_id,
                size_bytes=sizes.plaintext_bytes,
                stored_bytes=sizes.ciphertext_bytes,
                details={
                    "name": shared.name,
                    "type": media_type or shared.media_type or "application/octet-stream",
                    "metadata": metadata,
                },
            )
        )
    return kept


def _category(desk: Desk, slug: str) -> Category:
    categories = Category.objects.filter(desk=desk)
    found = categories.filter(slug=slug).first() or categories.filter(slug="other").first()
    found = found or categories.first()
    if found is None:
        raise PackageRefused("desk_not_ready", 503)
    return found


def _commit_share(
    sender: Sender,
    payload: packages.Payload,
    desk: Desk,
    recipients: list,  # type: ignore[type-arg]
    report_id: uuid.UUID,
    report_key: vault.ReportKey,
    content: stix.ShareContent,
    kept: list[KeptFile],
) -> None:
    description = "\n\n".join([content.description, *content.notes]).strip()
    now = timezone.now()
    share_keys = vault.new_share_key_pair(report_key, context=f"received-share/{report_id}")
    with transaction.atomic():
        _mark_received(sender, payload)
        Desk.objects.filter(pk=desk.pk).update(last_report_number=F("last_report_number") + 1)
        number = int(Desk.objects.values_list("last_report_number", flat=True).get(pk=desk.pk))
        report = Report.objects.create(
            id=report_id,
            desk=desk,
            number=number,
            category=_category(desk, content.category),
            language=content.language,
            received_at=now,
            last_reporter_activity_at=now,
            # No receipt opens a shared report: a random value no derivation produces.
            receipt_lookup="shared-" + secrets.token_hex(28),
            report_key_for_reporter=b"",
            content=vault.encrypt_text(
                report_key,
                json.dumps({"answers": {}, "description": description}, ensure_ascii=False),
                context=content_context(report_id),
            ),
        )
        ReportKeySeal.objects.bulk_create(
            ReportKeySeal(
                report=report,
                staff=s,
                sealed=vault.seal_report_key(report_key, bytes(s.public_key)),
            )
            for s in recipients
        )
        save_attachment_rows(report, kept, report_key, uploaded_at=now)
        from_desk = (
            Desk.objects.filter(slug=payload.sender_desk).first()
            if sender.partner is None
            else None
        )
        ReceivedShare.objects.create(
            report=report,
            partner=sender.partner,
            from_desk=from_desk,
            sender_name=sender.name,
            remote_share_id=payload.package_id,
            received_at=now,
            cover_note=vault.seal_to_share(share_keys.public_key, content.cover_note),
            share_public_key=share_keys.public_key,
            share_private_key=share_keys.wrapped_private_key,
        )
        record(
            "share.received",
            actor=None,
            desk=desk,
            report_id=report.id,
            partner=sender.name,
            share=str(payload.package_id),
            attachments=len(kept),
        )
        from tipline import jobs
        from tipline.notifications.tasks import notify_report_arrived

        jobs.enqueue(notify_report_arrived, str(report.id))


def _take_other(sender: Sender, payload: packages.Payload) -> str:
    if payload.kind == "hello":
        with transaction.atomic():
            _mark_received(sender, payload)
            if sender.partner is not None:
                Partner.objects.filter(pk=sender.partner.pk, paired_at__isnull=True).update(
                    paired_at=timezone.now()
                )
                record("partner.hello_received", actor=None, partner=sender.name)
        return "paired"
    share, received = _about(sender, payload)
    if payload.kind == "opened":
        with transaction.atomic():
            _mark_received(sender, payload)
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
        _mark_received(sender, payload)
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
