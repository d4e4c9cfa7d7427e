from celery import shared_task

from . import storage


@shared_task(name="tipline.intake.tasks.sweep_orphaned_files")
def sweep_orphaned_files() -> int:
    return storage.sweep_orphans()
