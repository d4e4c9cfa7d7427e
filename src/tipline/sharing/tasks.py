"""Thin tasks: ids in, one domain call (tipline.jobs decides where they run)."""

from datetime import timedelta

from celery import shared_task

from tipline.jobs import periodic

from . import outbox


@shared_task(name="tipline.sharing.tasks.deliver_package")
def deliver_package(package_id: str) -> str:
    return outbox.deliver(package_id)


# Retries only (a package is sent the moment it is approved); the first retry waits
# SHARING_RETRY_SECONDS, which a poll this often delays little.
@shared_task(name="tipline.sharing.tasks.deliver_due_packages")
@periodic(every=timedelta(seconds=2))
def deliver_due_packages() -> int:
    return outbox.deliver_due()
