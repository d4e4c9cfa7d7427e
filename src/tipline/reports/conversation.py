"""The conversation between a reporter and the desk, both sides' writes and the reporter's
read. Staff open a report's key with their private key; the reporter with the receipt."""

import json
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation

from tipline import vault
from tipline.accounts.models import StaffUser
from tipline.audit.actions import record

from . import receipts
from .attachments import (
    KeptFile,
    decrypt_details,
    keep_received_files,
    save_attachment_rows,
)
from .creation import content_context, reporter_context
from .models import Attachment, Message, QuestionKind, Report, YesNo, translated
from .reporter_time import reporter_day
from .signals import reporter_wrote
from .uploads import PendingUpload

logger = logging.getLogger(__name__)

MAX_MESSAGE_LENGTH = 20_000


@dataclass(frozen=True)
class OpenedReport:
    """A report whose key is in hand, for one request."""

    report: Report
    report_key: vault.ReportKey


@dataclass(frozen=True)
class ShownAttachment:
    attachment_id: uuid.UUID
    name: str
    size_bytes: int
    metadata: str
    media_type: str

    @property
    def is_image(self) -> bool:
        return self.media_type.startswith("image/")


@dataclass(frozen=True)
class ShownMessage:
    from_reporter: bool
    sent_at: datetime
    text: str
    attachments: list[ShownAttachment]
    message_id: uuid.UUID | None = None  # None for the report itself (its first files)


@dataclass(frozen=True)
class AnsweredQuestion:
    """One answer of a report, with its question's wording in every language it has."""

    key: str
    labels: dict[str, str]
    answer: str


def open_as_reporter(receipt: receipts.Receipt) -> OpenedReport | None:
    """The report a receipt opens, or None. One Argon2id call whatever the outcome."""
    secrets = receipts.derive(receipt)
    # Uses index: intake_report receipt_lookup (unique).
    report = (
        Report.objects.select_related("desk", "category")
        .filter(receipt_lookup=secrets.lookup)
        .first()
    )
    if report is None:
        return None
    try:
        report_key = vault.open_report_key_as_reporter(
            report.report_key_for_reporter,
            secrets.reporter_key,
            context=reporter_context(report.id),
        )
    except vault.DecryptionError:
        # The lookup matched but the key did not open: the row was tampered with.
        logger.error("a receipt matched report %s but did not open its key", report.id)
        return None
    return OpenedReport(report, report_key)


def note_context(report_id: uuid.UUID, note_id: uuid.UUID) -> str:
    """The context a staff note's text is encrypted under (written by `casework.actions`,
    read there and by search)."""
    return f"report/{report_id}/note/{note_id}"


def open_as_staff(
    report: Report, staff: StaffUser, private_key: vault.StaffPrivateKey
) -> OpenedReport:
    """Open a report with a recipient's private key; `vault.DecryptionError` for others."""
    seal = report.seals.filter(staff=staff).first()
    if seal is None:
        raise vault.DecryptionError("no key of this report was sealed to this staff member")
    return OpenedReport(report, vault.open_sealed_report_key(bytes(seal.sealed), private_key))


def read_content(opened: OpenedReport) -> dict[str, Any]:
    text = vault.decrypt_text(
        opened.report_key, bytes(opened.report.content), context=content_context(opened.report.id)
    )
    return dict(json.loads(text))


def answer_rows(opened: OpenedReport, language: str) -> list[tuple[str, str]]:
    """(question, answer) in `language`, in the category's order; choices by their labels."""
    return [
        (translated(answered.labels, language), answered.answer)
        for answered in answered_questions(opened, language)
    ]


def answers_for_reader(opened: OpenedReport, reader: str) -> list[tuple[str, str, str]]:
    """(question in the `reader`'s language, the answer as the reporter gave it, the
    question as the reporter read it): staff read what was asked in their own language and
    what was answered in the reporter's, with the reporter's wording beside it when the
    two differ (a translation may not say quite what the reporter was asked)."""
    asked_in = opened.report.language
    return [
        (
            translated(answered.labels, reader),
            answered.answer,
            translated(answered.labels, asked_in),
        )
        for answered in answered_questions(opened, asked_in)
    ]


def answered_questions(opened: OpenedReport, language: str) -> list[AnsweredQuestion]:
    """The report's answers with their questions: first as the category words them (choices
    shown by their labels in `language`), then those that came with a shared report, worded
    as the sharing desk's category put them (`questions` in the content, key -> wording)."""
    content = read_content(opened)
    answers, carried = content["answers"], content.get("questions", {})
    rows = []
    for question in opened.report.category.questions.all():
        if question.key not in answers or question.key in carried:
            continue
        labels = {c["value"]: translated(c["labels"], language) for c in question.choices}
        if question.kind == QuestionKind.YES_NO:  # yes, no: words, in `language`
            with translation.override(language):
                labels = {value: str(label) for value, label in YesNo.choices}
        value = answers[question.key]
        values = value if isinstance(value, list) else [value]
        shown = ", ".join(labels.get(str(v), str(v)) for v in values)
        rows.append(AnsweredQuestion(question.key, dict(question.labels), shown))
    for key, wording in carried.items():
        if key in answers:
            rows.append(AnsweredQuestion(key, dict(wording), str(answers[key])))
    return rows


def read_conversation(opened: OpenedReport) -> list[ShownMessage]:
    """Every message in order, decrypted, with the names of the files that came with it."""
    report, key = opened.report, opened.report_key
    files_by_message: dict[uuid.UUID | None, list[ShownAttachment]] = {}
    for attachment in Attachment.objects.filter(report=report):
        details = decrypt_details(key, report.id, attachment.id, bytes(attachment.details))
        files_by_message.setdefault(attachment.message_id, []).append(
            ShownAttachment(
                attachment.id,
                details["name"],
                attachment.size_bytes,
                details["metadata"],
                details["type"],
            )
        )
    shown = [
        ShownMessage(
            from_reporter=message.from_reporter,
            sent_at=message.sent_at,
            text=vault.decrypt_text(key, bytes(message.body), context=_message_context(message)),
            attachments=files_by_message.get(message.id, []),
            message_id=message.id,
        )
        for message in Message.objects.filter(report=report)
    ]
    initial = ShownMessage(True, report.received_at, "", files_by_message.get(None, []))
    return [initial, *shown]


def add_reporter_message(
    opened: OpenedReport,
    *,
    text: str,
    pending: PendingUpload | None = None,
    keep_file_names: bool = False,
) -> Message:
    """The reporter writes again (text, files or both). Raises `AttachmentRefused`. Files
    get neutral names unless the reporter chose to keep theirs (`keep_received_files`)."""
    report = opened.report
    try:
        kept = (
            keep_received_files(
                pending, report.desk, report.id, opened.report_key, keep_names=keep_file_names
            )
            if pending
            else []
        )
        message_id = uuid.uuid4()
        body = vault.encrypt_text(
            opened.report_key, text, context=f"report/{report.id}/message/{message_id}"
        )
        day = reporter_day()  # never the moment (`reporter_time`); `position` orders it
        with transaction.atomic():
            message = Message.objects.create(
                id=message_id,
                report=report,
                sent_at=day,
                position=_next_position(report),
                body=body,
            )
            save_attachment_rows(report, kept, opened.report_key, uploaded_at=day, message=message)
            Report.objects.filter(pk=report.pk).update(last_reporter_activity_at=day)
            reporter_wrote.send(Report, report=report)
            record(
                "report.reporter_message",
                actor=None,
                desk=report.desk,
                report_id=report.id,
                at=day,
                attachments=len(kept),
            )
    except BaseException:
        if pending:
            pending.discard()  # files already moved into place are removed too
        raise
    if pending:
        pending.finished()
    return message


def add_staff_reply(
    opened: OpenedReport,
    *,
    author: StaffUser,
    text: str,
    kept: Sequence[KeptFile] = (),
) -> Message:
    """A staff member answers the reporter, with files already cleaned and encrypted to the
    report (`keep_received_files`, run before the caller's transaction); the reporter reads
    and downloads them with the receipt. Runs inside the caller's transaction."""
    report = opened.report
    message_id = uuid.uuid4()
    body = vault.encrypt_text(
        opened.report_key, text, context=f"report/{report.id}/message/{message_id}"
    )
    with transaction.atomic():
        now = timezone.now()
        message = Message.objects.create(
            id=message_id,
            report=report,
            author=author,
            sent_at=now,
            position=_next_position(report),
            body=body,
        )
        save_attachment_rows(
            report, list(kept), opened.report_key, uploaded_at=now, message=message
        )
        record(
            "report.replied",
            actor=author,
            desk=report.desk,
            report_id=report.id,
            attachments=len(kept),
        )
    return message


def add_passed_on_message(
    opened: OpenedReport, *, text: str, sent_at: datetime, kept: Sequence[KeptFile] = ()
) -> Message:
    """A message that came with a report shared by a partner or another desk, filed in the
    conversation at the time it was first written, with its files (already cleaned and
    encrypted to the report: `KeptFile`). It has no author here: nobody on this desk wrote
    it, and no reporter stands behind a shared report (the sharing app records who it came
    from). Tells nobody and writes no audit row of its own: the caller files the whole share
    in one transaction, audited once."""
    report = opened.report
    message_id = uuid.uuid4()
    body = vault.encrypt_text(
        opened.report_key, text, context=f"report/{report.id}/message/{message_id}"
    )
    with transaction.atomic():
        message = Message.objects.create(
            id=message_id,
            report=report,
            sent_at=sent_at,
            position=_next_position(report),
            body=body,
        )
        save_attachment_rows(
            report, list(kept), opened.report_key, uploaded_at=sent_at, message=message
        )
    return message


def _next_position(report: Report) -> int:
    """The place of a new message in its conversation: after every one before it. (Two
    written at the same instant may share a place; their times then order them.)"""
    last = Message.objects.filter(report=report).aggregate(last=Max("position"))["last"]
    return (last or 0) + 1


def access_desk_file(opened: OpenedReport, attachment_id: uuid.UUID) -> ShownAttachment | None:
    """A file the desk sent to the reporter of `opened`, or None (the same for a file of
    another report, a file the reporter sent, and no file at all)."""
    attachment = (
        Attachment.objects.filter(
            report=opened.report, id=attachment_id, message__author__isnull=False
        )
        .only("id", "size_bytes", "details")
        .first()
    )
    if attachment is None:
        return None
    details = decrypt_details(
        opened.report_key, opened.report.id, attachment.id, bytes(attachment.details)
    )
    return ShownAttachment(
        attachment.id, details["name"], attachment.size_bytes, details["metadata"], details["type"]
    )


def _message_context(message: Message) -> str:
    return f"report/{message.report_id}/message/{message.id}"
