from datetime import timedelta

from celery import shared_task

from tipline.jobs import periodic

from . import retention


@shared_task(name="tipline.casework.tasks.expire_reports")
@periodic(every=timedelta(hours=1))
def expire_reports() -> int:
    return retention.expire_reports()
