"""Filing a share: a new report on the chosen desk, read like any report.

The report gets a new report key sealed to that desk's recipients, as a public report
would; the shared description is its description, the shared answers are its answers
(under the questions as the sending desk's category worded them), each shared message is a
message of its conversation (at the time it was written, marked as passed on by the
sender), and the files are its attachments (with the message they came with). It has no
receipt, so no reporter can ever reach it. Files are cleaned and made durable before the
transaction, and removed again if anything refuses or fails.
"""

import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from tipline import vault
from tipline.accounts.models import StaffUser
from tipline.desks.models import Desk
from tipline.desks.selectors import sealing_keys_of
from tipline.reports import cleaning, conversation, storage
from tipline.reports.attachments import KeptFile
from tipline.reports.creation import (
    SealedReport,
    content_context,
    seal_to_recipients,
    store_report,
)
from tipline.reports.models import Category, Channel, Report
from tipline.reports.uploads import attachment_context

from . import packages, stix
from .models import DeskSharing, PassedOnMessage, ReceivedShare
from .refusals import PackageRefused, Sender, mark_received

MAX_FILES = 50


def _receiving_desk(sender: Sender, payload: packages.Payload) -> Desk:
    """The desk a share is for, if it takes it; else `desk_not_accepting`. A training desk
    takes nothing from a partner or a real desk, whatever its rules say: only a training
    report of another training desk of this installation."""
    desk = Desk.objects.filter(slug=payload.recipient_desk).first()
    if desk is not None and desk.is_training:
        from_training = Desk.objects.filter(slug=payload.sender_desk, is_training=True)
        if sender.partner is None and from_training.exists():
            return desk
        raise PackageRefused("desk_not_accepting", 422)
    if desk is None or not DeskSharing.objects.filter(desk=desk, accepts_shares=True).exists():
        raise PackageRefused("desk_not_accepting", 422)
    return desk


@dataclass(frozen=True)
class _Kept:
    file: KeptFile
    message: int | None  # its message's place in the share; None: the report's own


def file_share(sender: Sender, payload: packages.Payload) -> str:
    desk = _receiving_desk(sender, payload)
    recipients = sealing_keys_of(desk)
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
    if len(content.files) > MAX_FILES:
        raise PackageRefused("malformed_stix", 400)
    category = _category(desk, content.category)
    report_id, report_key = uuid.uuid4(), vault.new_report_key()
    try:
        kept = _keep_files(report_id, report_key, content.files)
        _commit_share(
            sender, payload, desk, category, recipients, report_id, report_key, content, kept
        )
    except BaseException:
        storage.discard_report_files(report_id)
        raise
    return "filed"


def _keep_files(
    report_id: uuid.UUID, report_key: vault.ReportKey, files: list[stix.SharedFile]
) -> list[_Kept]:
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
            except cleaning.CleaningBusy:  # every cleaning slot taken: the sender tries later
                raise PackageRefused("busy", 503) from None
        partial = storage.partial_path(report_id, attachment_id, "partial")
        with open(partial, "wb") as sink:
            sizes = vault.encrypt_stream(
                report_key, iter([data]), sink, context=attachment_context(report_id, attachment_id)
            )
        storage.sync_and_move(partial, storage.attachment_path(report_id, attachment_id))
        kept.append(
            _Kept(
                KeptFile(
                    attachment_id=attachment_id,
                    size_bytes=sizes.plaintext_bytes,
                    stored_bytes=sizes.ciphertext_bytes,
                    details={
                        "name": shared.name,
                        "type": media_type or shared.media_type or "application/octet-stream",
                        "metadata": metadata,
                    },
                ),
                shared.message,
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


def _content_json(content: stix.ShareContent) -> str:
    """The report's content as the report room keeps it, the answers' questions carried along."""
    return json.dumps(
        {
            "answers": {a.key: a.answer for a in content.answers},
            "questions": {a.key: a.question for a in content.answers},
            "description": content.description,
        },
        ensure_ascii=False,
    )


def _commit_share(
    sender: Sender,
    payload: packages.Payload,
    desk: Desk,
    category: Category,
    recipients: list[StaffUser],
    report_id: uuid.UUID,
    report_key: vault.ReportKey,
    content: stix.ShareContent,
    kept: list[_Kept],
) -> None:
    """Store the share as a report (`creation.store_report`, as a reporter's would be) with,
    in the same transaction, where it came from and the messages that came with it."""
    now = timezone.now()
    share_keys = vault.new_share_key_pair(report_key, context=f"received-share/{report_id}")
    from_desk = (
        Desk.objects.filter(slug=payload.sender_desk).first() if sender.partner is None else None
    )
    marking = content.handling.marking if content.handling else ""

    def file_origin_and_messages(report: Report) -> None:
        mark_received(sender, payload)
        received = ReceivedShare.objects.create(
            report=report,
            partner=sender.partner,
            from_desk=from_desk,
            sender_name=sender.name,
            remote_share_id=payload.package_id,
            received_at=now,
            cover_note=vault.seal_to_share(share_keys.public_key, content.cover_note),
            share_public_key=share_keys.public_key,
            share_private_key=share_keys.wrapped_private_key,
            handling=content.handling.as_json() if content.handling else {},
        )
        _file_messages(conversation.OpenedReport(report, report_key), received, content, kept)

    store_report(
        SealedReport(
            id=report_id,
            key=report_key,
            desk=desk,
            category=category,
            language=content.language,
            channel=Channel.SHARED,
            # No receipt opens a shared report: a random value no derivation produces.
            receipt_lookup="shared-" + secrets.token_hex(28),
            key_for_reporter=b"",
            content=vault.encrypt_text(
                report_key, _content_json(content), context=content_context(report_id)
            ),
            seals=seal_to_recipients(report_key, recipients),
            files=[k.file for k in kept if k.message is None],
            text=content.description,
        ),
        event="share.received",
        details={
            "partner": sender.name,
            "share": str(payload.package_id),
            "answers": len(content.answers),
            "messages": len(content.messages),
            "attachments": len(kept),
            "marking": marking or None,
        },
        along=file_origin_and_messages,
        shared_by=from_desk.name if from_desk else sender.name,
        marking=marking,
    )


def _file_messages(
    opened: conversation.OpenedReport,
    received: ReceivedShare,
    content: stix.ShareContent,
    kept: list[_Kept],
) -> None:
    """Each shared message as a message of the report's conversation, in time order."""
    previous = None
    for place, shared in sorted(
        enumerate(content.messages), key=lambda item: (item[1].sent_at, item[0])
    ):
        # A conversation is ordered by time: messages written in the same instant (as
        # another system's notes may be) keep their order a microsecond apart.
        sent_at = (
            shared.sent_at
            if previous is None or shared.sent_at > previous
            else (previous + timedelta(microseconds=1))
        )
        previous = sent_at
        message = conversation.add_passed_on_message(
            opened,
            text=shared.text,
            sent_at=sent_at,
            kept=[k.file for k in kept if k.message == place],
        )
        PassedOnMessage.objects.create(
            message=message,
            received_share=received,
            by_reporter=shared.author == "reporter",
        )
