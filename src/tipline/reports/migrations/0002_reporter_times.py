"""A reporter's times no finer than they need (`intake.reporter_time`): existing reports'
arrival to the hour, their later moments (messages, files, activity) to the day. Messages
get their place in the conversation first, from the exact times they still have."""

import datetime as dt

from django.conf import settings
from django.db import migrations, models

BATCH = 500


def _hour(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)


def _day(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def _save(model, rows, fields):
    if rows:
        model.objects.bulk_update(rows, fields, batch_size=BATCH)
        rows.clear()


def coarsen_reporter_times(apps, schema_editor):
    Report = apps.get_model("intake", "Report")
    Message = apps.get_model("intake", "Message")
    Attachment = apps.get_model("intake", "Attachment")

    # Places, in the order the exact times give; then the reporter's messages to the day.
    changed, report_id, position = [], None, 0
    messages = Message.objects.order_by("report_id", "sent_at", "id").only(
        "id", "report_id", "author_id", "sent_at", "position"
    )
    for message in messages.iterator(chunk_size=BATCH):
        position = position + 1 if message.report_id == report_id else 1
        report_id = message.report_id
        message.position = position
        if message.author_id is None:
            message.sent_at = _day(message.sent_at)
        changed.append(message)
        if len(changed) >= BATCH:
            _save(Message, changed, ["position", "sent_at"])
    _save(Message, changed, ["position", "sent_at"])

    # Files the reporter sent: with the report to its hour, later ones to their day.
    attachments = Attachment.objects.filter(
        models.Q(message__isnull=True) | models.Q(message__author__isnull=True)
    ).only("id", "message_id", "uploaded_at")
    for attachment in attachments.iterator(chunk_size=BATCH):
        coarse = _hour if attachment.message_id is None else _day
        attachment.uploaded_at = coarse(attachment.uploaded_at)
        changed.append(attachment)
        if len(changed) >= BATCH:
            _save(Attachment, changed, ["uploaded_at"])
    _save(Attachment, changed, ["uploaded_at"])

    reports = Report.objects.only("id", "received_at", "last_reporter_activity_at")
    for report in reports.iterator(chunk_size=BATCH):
        report.received_at = _hour(report.received_at)
        report.last_reporter_activity_at = _day(report.last_reporter_activity_at)
        changed.append(report)
        if len(changed) >= BATCH:
            _save(Report, changed, ["received_at", "last_reporter_activity_at"])
    _save(Report, changed, ["received_at", "last_reporter_activity_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("desks", "0004_desk_staff_need_security_key"),
        ("intake", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="message",
            options={"ordering": ["position", "sent_at", "id"]},
        ),
        migrations.RemoveIndex(
            model_name="report",
            name="report_inbox",
        ),
        migrations.AddField(
            model_name="message",
            name="position",
            field=models.PositiveIntegerField(default=0),
        ),
        # What was kept finer cannot come back: going back leaves the coarse times.
        migrations.RunPython(coarsen_reporter_times, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="report",
            index=models.Index(
                fields=["desk", "-received_at", "-number"], name="report_inbox_number"
            ),
        ),
    ]
