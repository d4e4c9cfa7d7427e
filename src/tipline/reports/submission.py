"""Accepting a reporter's report from the web form (stored by `creation.store_report`).

Order matters for DESIGN.md's guarantees:
1. the Argon2id derivation runs first, outside any transaction and any lock;
2. files are cleaned, encrypted and fsynced into place, still outside the transaction;
3. one short transaction writes the report, its sealed keys, its attachments and the audit
   event; the receipt is shown only after it commits (guarantee 4).
A failure at any step before the commit removes the files written for it.
"""

import json
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError

from tipline import vault
from tipline.desks.models import Desk
from tipline.desks.selectors import has_recipients, sealing_keys_of

from . import receipts, storage, timings
from .attachments import KeptFile, keep_received_files
from .creation import (
    SealedReport,
    content_context,
    reporter_context,
    seal_to_recipients,
    store_report,
)
from .models import Category, Channel, Report
from .uploads import PendingUpload


class DeskNotReady(Exception):
    """The desk has no recipient: a report would be stored that nobody could read."""


class SubmissionConflict(Exception):
    """The desk's setup changed under the report (its category was deleted a moment ago):
    nothing was stored; sending again meets the desk as it is now."""


@dataclass(frozen=True)
class Submitted:
    report: Report
    receipt: receipts.Receipt  # shown once, never stored
    first_time: bool  # False when the same form arrived again


def desk_is_ready(desk: Desk) -> bool:
    return has_recipients(desk)


def begin(desk: Desk) -> PendingUpload:
    """Somewhere for the upload handler to put the files of a new report."""
    return PendingUpload(max_files=desk.max_attachments, max_file_bytes=desk.max_attachment_bytes)


def submit_report(
    pending: PendingUpload,
    *,
    desk: Desk,
    category: Category,
    language: str,
    answers: dict[str, Any],
    description: str,
    receipt: receipts.Receipt,
    keep_file_names: bool = False,
) -> Submitted:
    """Store a report for good and return its receipt. Files get neutral names unless the
    reporter chose to keep theirs (`keep_received_files`).

    Raises `DeskNotReady`, `SubmissionConflict` or `attachments.AttachmentRefused`;
    nothing is kept then.
    """
    report_id, report_key = uuid.uuid4(), vault.new_report_key()
    try:
        with timings.phase("argon2id"):
            secrets = receipts.derive(receipt)
        # A form sent twice carries the same receipt: the second arrival meets the unique
        # lookup when it inserts (IntegrityError, below) and gets the first one's receipt.
        # No query ahead for it: resends are rare, and every submission would pay for it.
        with timings.phase("database"):
            recipients = sealing_keys_of(desk)
        if not recipients:
            # A resend of a report that arrived before the desk lost its last recipient
            # still gets its receipt (its first answer may never have reached the reporter).
            earlier = _already_received(secrets.lookup, receipt)
            if earlier is not None:
                pending.discard()
                return earlier
            raise DeskNotReady
        with timings.phase("files"):
            kept = keep_received_files(
                pending, desk, report_id, report_key, keep_names=keep_file_names
            )
        with timings.phase("encryption"):
            sealed = _encrypt(
                report_id,
                report_key,
                secrets,
                recipients,
                desk,
                category,
                language,
                answers,
                description,
                kept,
            )
        with timings.phase("database"):
            report = store_report(sealed)
    except IntegrityError:
        # The same form, committed a moment ago by a request running beside this one; or,
        # when no report has its lookup, a category deleted while this one was on its way.
        pending.discard()
        storage.discard_report_files(report_id)
        earlier = _already_received(secrets.lookup, receipt)
        if earlier is None:
            raise SubmissionConflict from None
        return earlier
    except BaseException:
        pending.discard()
        storage.discard_report_files(report_id)
        raise
    pending.finished()
    return Submitted(report, receipt, first_time=True)


def _encrypt(
    report_id: uuid.UUID,
    report_key: vault.ReportKey,
    secrets: vault.ReceiptSecrets,
    recipients: list[Any],
    desk: Desk,
    category: Category,
    language: str,
    answers: dict[str, Any],
    description: str,
    kept: list[KeptFile],
) -> SealedReport:
    """The report's content encrypted, its key wrapped for the reporter and sealed to each
    recipient."""
    content = vault.encrypt_text(
        report_key,
        json.dumps({"answers": answers, "description": description}, ensure_ascii=False),
        context=content_context(report_id),
    )
    wrapped = vault.wrap_report_key_for_reporter(
        report_key, secrets.reporter_key, context=reporter_context(report_id)
    )
    return SealedReport(
        id=report_id,
        key=report_key,
        desk=desk,
        category=category,
        language=language,
        channel=Channel.WEB,
        receipt_lookup=secrets.lookup,
        key_for_reporter=wrapped,
        content=content,
        seals=seal_to_recipients(report_key, recipients),
        files=kept,
        text=description,
    )


def _already_received(lookup: str, receipt: receipts.Receipt) -> Submitted | None:
    """The report this receipt made before, if any (a form sent again)."""
    report = Report.objects.filter(receipt_lookup=lookup).first()
    if report is None:
        return None
    return Submitted(report, receipt, first_time=False)
