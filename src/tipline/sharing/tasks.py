"""Thin tasks: ids in, one domain call (tipline.jobs decides where they run)."""

from celery import shared_task

from . import outbox


@shared_task(name="tipline.sharing.tasks.deliver_package")
def deliver_package(package_id: str) -> str:
    return outbox.deliver(package_id)


@shared_task(name="tipline.sharing.tasks.deliver_due_packages")
def deliver_due_packages() -> int:
    return outbox.deliver_due()
