"""Storing a new report: the one way a report comes into being, whatever brought it.

A reporter's form (`submission`), a partner's or another desk's share (`sharing.filing`)
and, later, a call-taker all end here, so every report is numbered, sealed, stored, audited
and announced the same way: the desk's next number under SQLite's single writer, the
report key sealed to each recipient, the attachments' rows, and `report_submitted` sent in
the same transaction, on which triage detects the language, the search index waits for a
recipient's key and the recipients are told.

Everything slow happens before, outside the transaction: the report is encrypted and its
files cleaned and made durable by the caller (`SealedReport` carries only ciphertext and
readable routing columns, plus the text for the signal's quick receivers).
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction

from tipline import vault
from tipline.accounts.models import StaffUser
from tipline.audit.actions import record
from tipline.desks.models import Desk

from . import writer
from .attachments import KeptFile, save_attachment_rows
from .models import Category, Channel, Report, ReportKeySeal
from .reporter_time import arrival_hour, reporter_day
from .signals import report_submitted


def content_context(report_id: uuid.UUID) -> str:
    """What a report's content is bound to when encrypted: this report, its content."""
    return f"report/{report_id}/content"


def reporter_context(report_id: uuid.UUID) -> str:
    """What the report key wrapped for the reporter is bound to."""
    return f"report/{report_id}"


@dataclass(frozen=True)
class SealedReport:
    """A new report, encrypted and sealed, its files already kept: ready to be stored."""

    id: uuid.UUID
    key: vault.ReportKey
    desk: Desk
    category: Category
    language: str
    channel: Channel
    receipt_lookup: str
    key_for_reporter: bytes  # empty when no receipt opens it (a share)
    content: bytes  # encrypted under `key` with `content_context(id)`
    seals: list[tuple[StaffUser, bytes]]
    files: list[KeptFile] = field(default_factory=list)
    # What the reporter (or the partner) wrote, for the signal's receivers only: triage
    # detects its language in the same transaction; nothing keeps it.
    text: str = ""


def seal_to_recipients(
    report_key: vault.ReportKey, recipients: list[StaffUser]
) -> list[tuple[StaffUser, bytes]]:
    """The report key sealed to each of the desk's recipients."""
    return [(r, vault.seal_report_key(report_key, bytes(r.public_key))) for r in recipients]


def store_report(
    new: SealedReport,
    *,
    event: str = "report.received",
    details: dict[str, Any] | None = None,
    along: Callable[[Report], None] | None = None,
    **announce: str,
) -> Report:
    """Store `new` in one short transaction and return it.

    `along` writes what the caller keeps beside the report in the same transaction (a share's
    origin and its passed-on messages); `event` and `details` are the audit event's; the
    `announce` words (who shared it, its marking) go with `report_submitted` to the notices.
    Raises `IntegrityError` when the receipt's lookup is taken (a form sent twice) or the
    category was deleted meanwhile; nothing is stored then.
    """
    arrived = arrival_hour()  # to the hour, later moments to the day (`reporter_time`)
    with writer.one_writer(), transaction.atomic():
        report = Report.objects.create(
            id=new.id,
            desk=new.desk,
            number=_next_report_number(new.desk),
            category=new.category,
            language=new.language,
            channel=new.channel,
            received_at=arrived,
            last_reporter_activity_at=reporter_day(arrived),
            receipt_lookup=new.receipt_lookup,
            report_key_for_reporter=new.key_for_reporter,
            content=new.content,
        )
        ReportKeySeal.objects.bulk_create(
            ReportKeySeal(report=report, staff=staff, sealed=sealed) for staff, sealed in new.seals
        )
        save_attachment_rows(report, new.files, new.key, uploaded_at=arrived)
        if along is not None:
            along(report)
        report_submitted.send(Report, report=report, text=new.text, **announce)
        record(
            event,
            actor=None,
            desk=new.desk,
            report_id=report.id,
            at=arrived,
            **{"attachments": len(new.files), "recipients": len(new.seals), **(details or {})},
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
