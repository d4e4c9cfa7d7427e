from celery import shared_task

from . import retention


@shared_task(name="tipline.casework.tasks.expire_reports")
def expire_reports() -> int:
    return retention.expire_reports()
