"""Background work: Celery on Redis in production, a thread in the process otherwise.

Callers say what to run with `enqueue(task, *ids)`; it runs after the current transaction
commits (never for a change that rolled back), in a Celery worker when TIPLINE_BROKER_URL is
set, else on one background thread of this process (the embedded mode). Tasks take ids,
load what they need, and call a domain function.

Periodic jobs are declared where they live, in each app's `tasks` module, with `@periodic`
under the Celery task decorator. There is one schedule: the embedded loop (`run_schedule`,
i.e. `tipline schedule`) and Celery beat (`tipline.celery`) both read `schedule()`. This
module imports no app: it finds the declarations by importing every installed app's `tasks`
module, the way Celery's worker finds the tasks themselves.
"""

import datetime as dt
import functools
import logging
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from celery import Celery
from celery.schedules import crontab
from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

logger = logging.getLogger(__name__)
_in_process = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tipline-job")

Job = TypeVar("Job", bound=Callable[[], Any])


@dataclass(frozen=True)
class Periodic:
    """A periodic job: `run` every `every`, or, for a daily job, once a day at `at` (UTC).

    `name` is the Celery task's name (module and function, Celery's default), which beat
    sends; the embedded loop calls `run` itself."""

    name: str
    run: Callable[[], Any]
    every: dt.timedelta
    at: dt.time | None = None

    def due(self, now: dt.datetime, last_run: dt.datetime | None) -> bool:
        """Whether the embedded loop should run the job at `now`, having last run it then."""
        if self.at is not None:
            ran_today = last_run is not None and last_run.date() == now.date()
            return not ran_today and now.time() >= self.at
        return last_run is None or now - last_run >= self.every

    def beat_entry(self) -> dict[str, Any]:
        """The same schedule in Celery beat's terms."""
        when: Any = self.every
        if self.at is not None:
            when = crontab(hour=self.at.hour, minute=self.at.minute)
        return {"task": self.name, "schedule": when}


_declared: dict[str, Periodic] = {}


def periodic(*, every: dt.timedelta, at: dt.time | None = None) -> Callable[[Job], Job]:
    """Declare a periodic job; put it under `@shared_task` (whose name must be Celery's
    default, module and function). `at` makes it daily at that UTC time; `every` must then
    be a day."""
    if every < dt.timedelta(seconds=1):
        raise ValueError("a periodic job runs at most once a second")
    if at is not None and every != dt.timedelta(days=1):
        raise ValueError("a job run at a time of day runs once a day")

    def declare(function: Job) -> Job:
        name = f"{function.__module__}.{function.__name__}"
        _declared[name] = Periodic(name=name, run=function, every=every, at=at)
        return function

    return declare


def schedule() -> list[Periodic]:
    """Every periodic job the installed apps declare, by name."""
    autodiscover_modules("tasks")
    return [_declared[name] for name in sorted(_declared)]


def beat_schedule() -> dict[str, dict[str, Any]]:
    """`schedule()` as Celery beat's `beat_schedule` setting."""
    return {job.name: job.beat_entry() for job in schedule()}


@functools.cache
def celery_app() -> Celery:
    """The Celery application, configured from the settings (made once, then current)."""
    app = Celery("tipline")
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.autodiscover_tasks(lambda: [config.name for config in apps.get_app_configs()])
    return app


def enqueue(task: Any, *args: Any) -> None:
    """Run `task(*args)` after commit: through Celery, or on the in-process thread."""
    if settings.BROKER_URL:
        celery_app()  # configures the broker for .delay()
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


def wait_for_in_process_jobs() -> None:
    """Block until the in-process jobs queued so far have run (tests, shutdown)."""
    _in_process.submit(lambda: None).result(timeout=60)


def run_due(jobs: list[Periodic], last_runs: dict[str, dt.datetime]) -> None:
    """One pass of the embedded loop: run each job whose time has come, each on its own (one
    failing does not hold back the others; it is tried again when next due)."""
    for job in jobs:
        now = timezone.now()
        if not job.due(now, last_runs.get(job.name)):
            continue
        last_runs[job.name] = now
        try:
            job.run()
        except Exception:
            logger.exception("periodic job %s failed; will try again", job.name)
        finally:
            connection.close()


def run_schedule(*, stop_when_parent_changes: bool = False) -> None:
    """The embedded mode's periodic jobs (Celery beat does this in production), on the one
    schedule. Runs until stopped; `tipline schedule` runs it in a process of its own, next
    to `tipline serve`, and stops when that parent leaves."""
    jobs = schedule()
    parent = os.getppid()
    last_runs: dict[str, dt.datetime] = {}
    while not (stop_when_parent_changes and os.getppid() != parent):
        run_due(jobs, last_runs)
        time.sleep(1)
