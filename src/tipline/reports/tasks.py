from datetime import timedelta

from celery import shared_task

from tipline.jobs import periodic

from . import storage


@shared_task(name="tipline.reports.tasks.sweep_orphaned_files")
@periodic(every=timedelta(hours=1))
def sweep_orphaned_files() -> int:
    return storage.sweep_orphans()
