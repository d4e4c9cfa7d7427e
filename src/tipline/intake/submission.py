"""Accepting a report: the one path by which reports enter Tipline.

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

from django.db import IntegrityError, connection, transaction

from tipline import vault
from tipline.audit.actions import record
from tipline.desks.models import Desk
from tipline.desks.selectors import has_recipients, sealing_keys_of

from . import receipts, storage, timings, writer
from .attachments import KeptFile, keep_received_files, save_attachment_rows
from .models import Category, Report, ReportKeySeal
from .reporter_time import arrival_hour, reporter_day
from .signals import report_submitted
from .uploads import PendingUpload


class DeskNotReady(Exception):
    """The desk has no recipient: a report would be stored that nobody could read."""


class SubmissionConflict(Exception):
    """The desk's setup changed under the report (its category was deleted a moment ago):
    nothing was stored; sending again meets the desk as it is now."""


@dataclass(frozen=True)
class Submitted:
    report: Report
    receipt_code: str  # formatted for display; shown once, never stored
    first_time: bool  # False when the same form arrived again


def desk_is_ready(desk: Desk) -> bool:
    return has_recipients(desk)


def begin(desk: Desk) -> PendingUpload:
    """Somewhere for the upload handler to put the files of a new report."""
    return PendingUpload(max_files=desk.max_attachments, max_file_bytes=desk.max_attachment_bytes)


def content_context(report_id: uuid.UUID) -> str:
    return f"report/{report_id}/content"


def reporter_context(report_id: uuid.UUID) -> str:
    return f"report/{report_id}"


def submit_report(
    pending: PendingUpload,
    *,
    desk: Desk,
    category: Category,
    language: str,
    answers: dict[str, Any],
    description: str,
    receipt_code: str,
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
            secrets = receipts.derive(receipt_code)
        # A form sent twice carries the same receipt: the second arrival meets the unique
        # lookup when it inserts (IntegrityError, below) and gets the first one's receipt.
        # No query ahead for it: resends are rare, and every submission would pay for it.
        with timings.phase("database"):
            recipients = sealing_keys_of(desk)
        if not recipients:
            # A resend of a report that arrived before the desk lost its last recipient
            # still gets its receipt (its first answer may never have reached the reporter).
            earlier = _already_received(secrets.lookup, receipt_code)
            if earlier is not None:
                pending.discard()
                return earlier
            raise DeskNotReady
        with timings.phase("files"):
            kept = keep_received_files(
                pending, desk, report_id, report_key, keep_names=keep_file_names
            )
        with timings.phase("encryption"):
            content, wrapped, seals = _encrypt(
                report_key, report_id, secrets, recipients, answers, description
            )
        with timings.phase("database"):
            report = _commit(
                report_id,
                report_key,
                desk,
                category,
                language,
                secrets.lookup,
                wrapped,
                content,
                seals,
                kept,
                description,
            )
    except IntegrityError:
        # The same form, committed a moment ago by a request running beside this one; or,
        # when no report has its lookup, a category deleted while this one was on its way.
        pending.discard()
        storage.discard_report_files(report_id)
        earlier = _already_received(secrets.lookup, receipt_code)
        if earlier is None:
            raise SubmissionConflict from None
        return earlier
    except BaseException:
        pending.discard()
        storage.discard_report_files(report_id)
        raise
    pending.finished()
    return Submitted(report, vault.format_receipt_code(receipt_code), first_time=True)


def _encrypt(
    report_key: vault.ReportKey,
    report_id: uuid.UUID,
    secrets: vault.ReceiptSecrets,
    recipients: list[Any],
    answers: dict[str, Any],
    description: str,
) -> tuple[bytes, bytes, list[tuple[Any, bytes]]]:
    """The report's content, its key wrapped for the reporter, and its key sealed to each
    recipient."""
    content = vault.encrypt_text(
        report_key,
        json.dumps({"answers": answers, "description": description}, ensure_ascii=False),
        context=content_context(report_id),
    )
    wrapped = vault.wrap_report_key_for_reporter(
        report_key, secrets.reporter_key, context=reporter_context(report_id)
    )
    seals = [(r, vault.seal_report_key(report_key, bytes(r.public_key))) for r in recipients]
    return content, wrapped, seals


def _commit(
    report_id: uuid.UUID,
    report_key: vault.ReportKey,
    desk: Desk,
    category: Category,
    language: str,
    lookup: str,
    wrapped: bytes,
    content: bytes,
    seals: list[tuple[Any, bytes]],
    kept: list[KeptFile],
    description: str,
) -> Report:
    # Readable to the hour, later moments to the day (`reporter_time`); the order of
    # reports is their number.
    arrived = arrival_hour()
    with writer.one_writer(), transaction.atomic():
        report = Report.objects.create(
            id=report_id,
            desk=desk,
            number=_next_report_number(desk),
            category=category,
            language=language,
            received_at=arrived,
            last_reporter_activity_at=reporter_day(arrived),
            receipt_lookup=lookup,
            report_key_for_reporter=wrapped,
            content=content,
        )
        ReportKeySeal.objects.bulk_create(
            ReportKeySeal(report=report, staff=staff, sealed=sealed) for staff, sealed in seals
        )
        save_attachment_rows(report, kept, report_key, uploaded_at=arrived)
        report_submitted.send(Report, report=report, text=description)
        record(
            "report.received",
            actor=None,
            desk=desk,
            report_id=report.id,
            at=arrived,
            attachments=len(kept),
            recipients=len(seals),
        )
    return report


def _next_report_number(desk: Desk) -> int:
    """The desk's next report number, raised by the database inside the transaction.

    The UPDATE locks the desk's row until commit, so two reports never share a number; it
    returns the new value in the same statement (RETURNING: SQLite 3.35+ and PostgreSQL).
    """
    quote = connection.ops.quote_name
    table = quote(Desk._meta.db_table)
    number = quote(Desk._meta.get_field("last_report_number").column)
    key = quote(Desk._meta.pk.column)  # type: ignore[union-attr]
    sql = f"UPDATE {table} SET {number} = {number} + 1 WHERE {key} = %s RETURNING {number}"  # noqa: S608 - names from the model, quoted; the value is bound
    with connection.cursor() as cursor:
        cursor.execute(sql, [desk.pk])
        return int(cursor.fetchone()[0])


def _already_received(lookup: str, receipt_code: str) -> Submitted | None:
    """The report this receipt made before, if any (a form sent again)."""
    report = Report.objects.filter(receipt_lookup=lookup).first()
    if report is None:
        return None
    return Submitted(report, vault.format_receipt_code(receipt_code), first_time=False)
