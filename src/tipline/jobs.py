"""Background work: Celery on Redis in production, a thread in the process otherwise.

Callers say what to run with `enqueue(task, *ids)`; it runs after the current transaction
commits (never for a change that rolled back), in a Celery worker when TIPLINE_BROKER_URL is
set, else on one background thread of this process (the embedded mode). Tasks take ids,
load what they need, and call a domain function.
"""

import logging
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)
_in_process = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tipline-job")


def enqueue(task: Any, *args: Any) -> None:
    """Run `task(*args)` after commit: through Celery, or on the in-process thread."""
    if settings.BROKER_URL:
        import tipline.celery  # noqa: F401 - configures the broker for .delay()

        transaction.on_commit(lambda: task.delay(*args))
    else:
        transaction.on_commit(lambda: _in_process.submit(_run_here, task.run, *args))


def _run_here(function: Callable[..., Any], *args: Any) -> None:
    try:
        function(*args)
    except Exception:
        logger.exception("background job %s failed", getattr(function, "__name__", function))
    finally:
        connection.close()


SHARING_POLL_SECONDS = 2


def _deliver_due_packages(deliver_due: Callable[[], int]) -> None:
    """Packages to partners whose retry time has come (sharing's outbox)."""
    try:
        deliver_due()
    except Exception:
        logger.exception("sharing outbox pass failed; will try again")
    finally:
        connection.close()


def wait_for_in_process_jobs() -> None:
    """Block until the in-process jobs queued so far have run (tests, shutdown)."""
    _in_process.submit(lambda: None).result(timeout=60)


def run_schedule(*, stop_when_parent_changes: bool = False) -> None:
    """The embedded mode's periodic jobs (Celery beat does this in production): retention
    and the sweep of orphaned files every hour, deadline reminders once a day. Runs until
    stopped; `tipline schedule` runs it in a process of its own, next to `tipline serve`."""
    from tipline.casework.retention import expire_reports
    from tipline.intake.storage import sweep_orphans
    from tipline.notifications.messages import deadline_reminders
    from tipline.sharing.outbox import deliver_due

    parent = os.getppid()
    reminded_on = None
    while True:
        today = timezone.now().date()
        try:
            expire_reports()
            sweep_orphans()
            if reminded_on != today:
                deadline_reminders()
                reminded_on = today
        except Exception:
            logger.exception("periodic job failed; will try again")
        finally:
            connection.close()
        for second in range(3600):  # an hour, in steps short enough to notice the parent leave
            if stop_when_parent_changes and os.getppid() != parent:
                return
            if second % SHARING_POLL_SECONDS == 0:
                _deliver_due_packages(deliver_due)
            time.sleep(1)
