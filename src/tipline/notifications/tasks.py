"""Thin tasks: ids in, one domain call (tipline.jobs decides where they run)."""

from datetime import time, timedelta

from celery import shared_task

from tipline.jobs import periodic

from . import messages


@shared_task(name="tipline.notifications.tasks.notify_report_arrived")
def notify_report_arrived(report_id: str, shared_by: str = "") -> int:
    return messages.report_arrived(report_id, shared_by)


@shared_task(name="tipline.notifications.tasks.notify_reporter_wrote")
def notify_reporter_wrote(report_id: str) -> int:
    return messages.reporter_wrote(report_id)


@shared_task(name="tipline.notifications.tasks.send_deadline_reminders")
@periodic(every=timedelta(days=1), at=time(6, 0))
def send_deadline_reminders() -> int:
    return messages.deadline_reminders()
