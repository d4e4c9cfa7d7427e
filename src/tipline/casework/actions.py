"""What staff do to a report. Each change is one transaction with its audit event, the
acting staff member named; texts are encrypted with the report key before they are written."""

import uuid
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from tipline import vault
from tipline.accounts.models import StaffUser
from tipline.audit.actions import record
from tipline.reports import conversation
from tipline.reports.attachments import keep_received_files
from tipline.reports.conversation import OpenedReport, note_context
from tipline.reports.models import CloseReason, Message, Note, Report, Status
from tipline.reports.text import clean_reporter_text
from tipline.reports.uploads import PendingUpload
from tipline.triage import search as triage_search

from .models import Label, Reading, ReportLabel

MAX_TEXT = 20_000


def last_message_position(report: Report) -> int:
    """The place of the conversation's last message (0: none yet): what a reading has seen."""
    last = Message.objects.filter(report=report).aggregate(last=Max("position"))["last"]
    return last or 0


def record_view(report: Report, user: StaffUser) -> None:
    """Opening a report: audited; read *by this staff member* from now on: their "new" and
    "new message" go, everyone else's stay (`Reading`)."""
    now = timezone.now()
    with transaction.atomic():
        seen = {"read_at": now, "seen_position": last_message_position(report)}
        if not Reading.objects.filter(report=report, user=user).update(**seen):
            try:
                with transaction.atomic():  # a savepoint: the same person, two tabs at once
                    Reading.objects.create(report=report, user=user, **seen)
            except IntegrityError:
                Reading.objects.filter(report=report, user=user).update(**seen)
        record("report.viewed", actor=user, desk=report.desk, report_id=report.id)


def record_download(
    report: Report, user: StaffUser, attachment_id: uuid.UUID, *, preview: bool = False
) -> None:
    with transaction.atomic():
        record(
            "report.attachment_previewed" if preview else "report.attachment_downloaded",
            actor=user,
            desk=report.desk,
            report_id=report.id,
            attachment=str(attachment_id),
        )


def record_export(report: Report, user: StaffUser) -> None:
    with transaction.atomic():
        record("report.exported", actor=user, desk=report.desk, report_id=report.id)


def reply(
    opened: OpenedReport,
    user: StaffUser,
    text: str,
    *,
    feedback: bool = False,
    pending: PendingUpload | None = None,
) -> Message:
    """Answer the reporter, with files or without. The first reply acknowledges the report;
    a reply marked as feedback meets the feedback deadline.

    Files are cleaned and encrypted to the report key before the transaction (cleaning runs
    in a child process and must not hold the database's write lock), under the desk's
    limits for the reporter's files. Raises `AttachmentRefused`; nothing is kept then.

    A report shared with us has no reporter here (its receipt stayed with the sender): a
    reply would be read by no one, so it is refused (`ValidationError`) and nothing kept."""
    report = opened.report
    try:
        if not report.has_reporter:
            raise ValidationError(
                _(
                    "This report was shared with us and has no reporter here: nothing was "
                    "sent. Write to the sender under “Sharing”."
                ),
                code="no_reporter",
            )
        text = _checked_text(text, allow_empty=bool(pending and pending.files))
        kept = (
            keep_received_files(pending, report.desk, report.id, opened.report_key, keep_names=True)
            if pending
            else []
        )
        with transaction.atomic():
            message = conversation.add_staff_reply(opened, author=user, text=text, kept=kept)
            triage_search.mark_waiting(report)
            now = message.sent_at
            Report.objects.filter(pk=report.pk, acknowledged_at__isnull=True).update(
                acknowledged_at=now
            )
            if feedback:
                Report.objects.filter(pk=report.pk, feedback_given_at__isnull=True).update(
                    feedback_given_at=now
                )
    except BaseException:
        if pending:
            pending.discard()  # files already moved into place are removed too
        raise
    if pending:
        pending.finished()
    return message


def add_note(opened: OpenedReport, user: StaffUser, text: str) -> Note:
    text = _checked_text(text)
    report = opened.report
    note_id = uuid.uuid4()
    body = vault.encrypt_text(opened.report_key, text, context=note_context(report.id, note_id))
    with transaction.atomic():
        note = Note.objects.create(id=note_id, report=report, author=user, body=body)
        triage_search.mark_waiting(report)
        record("report.note_added", actor=user, desk=report.desk, report_id=report.id)
    return note


def read_notes(opened: OpenedReport) -> list[tuple[Note, str]]:
    return [
        (
            note,
            vault.decrypt_text(
                opened.report_key, bytes(note.body), context=note_context(note.report_id, note.id)
            ),
        )
        for note in Note.objects.filter(report=opened.report).select_related("author")
    ]


def set_status(report: Report, user: StaffUser, status: str, close_reason: str = "") -> None:
    """Move a report through new, in triage, in progress, closed (with a reason)."""
    if status not in Status.values:
        raise ValidationError("unknown status")
    if status == Status.CLOSED and close_reason not in CloseReason.values:
        raise ValidationError("closing a report needs a reason")
    if status != Status.CLOSED:
        close_reason = ""
    with transaction.atomic():
        Report.objects.filter(pk=report.pk).update(
            status=status,
            close_reason=close_reason,
            closed_at=timezone.now() if status == Status.CLOSED else None,
        )
        record(
            "report.status_changed",
            actor=user,
            desk=report.desk,
            report_id=report.id,
            status=status,
            close_reason=close_reason,
            previous=report.status,
        )
    report.refresh_from_db(fields=["status", "close_reason", "closed_at"])


def assign(report: Report, user: StaffUser, assignee: StaffUser | None) -> None:
    """Give the report to a desk member who can read it (or to nobody)."""
    if assignee is not None and not report.seals.filter(staff=assignee).exists():
        raise ValidationError("that person cannot read this report")
    with transaction.atomic():
        Report.objects.filter(pk=report.pk).update(assigned_to=assignee)
        record(
            "report.assigned",
            actor=user,
            desk=report.desk,
            report_id=report.id,
            assignee=assignee.username if assignee else None,
        )
    report.assigned_to = assignee


def set_labels(report: Report, user: StaffUser, label_ids: list[int]) -> None:
    """Replace the report's labels with these (labels of its own desk only)."""
    labels = list(Label.objects.filter(desk=report.desk, id__in=label_ids))
    if len(labels) != len(set(label_ids)):
        raise ValidationError("unknown label")
    with transaction.atomic():
        ReportLabel.objects.filter(report=report).delete()
        ReportLabel.objects.bulk_create(ReportLabel(report=report, label=label) for label in labels)
        record(
            "report.labels_changed",
            actor=user,
            desk=report.desk,
            report_id=report.id,
            labels=", ".join(sorted(label.name for label in labels)),
        )


def _checked_text(text: str, *, allow_empty: bool = False) -> str:
    text = clean_reporter_text(text).strip()
    if not text and not allow_empty:
        raise ValidationError("the text is empty")
    if len(text) > MAX_TEXT:
        raise ValidationError(f"the text is longer than {MAX_TEXT} characters")
    return text


def record_audit_read(user: StaffUser, filters: Mapping[str, str], *, exported: bool) -> None:
    """Reading the audit log is itself audited (who looked or exported, with which filters)."""
    shown = {
        f"filter_{key}": str(filters.get(key, ""))[:100]
        for key in ("person", "desk", "number", "kind", "since")
    }
    with transaction.atomic():
        record(
            "audit.exported" if exported else "audit.viewed",
            actor=user,
            scope=user.role,
            **shown,
        )


def record_exports(reports: list[Report], user: StaffUser) -> None:
    """Several reports exported in one archive: one audit row each, in one transaction."""
    with transaction.atomic():
        for report in reports:
            record(
                "report.exported",
                actor=user,
                desk=report.desk,
                report_id=report.id,
                together=len(reports),
            )
