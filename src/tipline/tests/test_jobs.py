"""The periodic jobs: one schedule, declared where each job lives, read by both schedulers."""

import datetime as dt

import pytest
from celery.beat import Scheduler
from celery.schedules import crontab, schedule

from tipline import jobs

UTC = dt.UTC


def _beat_entries() -> dict[str, object]:
    from tipline.celery import app

    return dict(Scheduler(app=app, lazy=False).schedule)


def test_beat_and_the_embedded_loop_read_one_schedule() -> None:
    embedded = jobs.schedule()
    beat = _beat_entries()
    assert {job.name for job in embedded} <= set(beat)
    for job in embedded:
        entry = beat[job.name]
        assert entry.task == job.name  # type: ignore[attr-defined]
        when = entry.schedule  # type: ignore[attr-defined]
        if job.at is None:
            assert isinstance(when, schedule)
            assert when.run_every == job.every
        else:
            assert isinstance(when, crontab)
            assert when.hour == {job.at.hour} and when.minute == {job.at.minute}


def test_every_declared_job_is_a_task_beat_can_send() -> None:
    from tipline.celery import app

    assert {job.name for job in jobs.schedule()} <= set(app.tasks)


def test_the_apps_declare_their_jobs_once_each_with_one_interval() -> None:
    by_name = {job.name: job for job in jobs.schedule()}
    assert set(by_name) == {
        "tipline.casework.tasks.expire_reports",
        "tipline.reports.tasks.sweep_orphaned_files",
        "tipline.notifications.tasks.send_deadline_reminders",
        "tipline.sharing.tasks.deliver_due_packages",
    }
    assert by_name["tipline.sharing.tasks.deliver_due_packages"].every == dt.timedelta(seconds=2)
    assert by_name["tipline.casework.tasks.expire_reports"].every == dt.timedelta(hours=1)
    assert by_name["tipline.reports.tasks.sweep_orphaned_files"].every == dt.timedelta(hours=1)
    reminders = by_name["tipline.notifications.tasks.send_deadline_reminders"]
    assert (reminders.every, reminders.at) == (dt.timedelta(days=1), dt.time(6, 0))


def test_an_interval_job_is_due_again_once_its_interval_has_passed() -> None:
    job = jobs.Periodic(name="x", run=lambda: None, every=dt.timedelta(seconds=2))
    start = dt.datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    assert job.due(start, None)
    assert not job.due(start + dt.timedelta(seconds=1), start)
    assert job.due(start + dt.timedelta(seconds=2), start)


def test_a_daily_job_runs_once_a_day_from_its_time_on() -> None:
    job = jobs.Periodic(name="x", run=lambda: None, every=dt.timedelta(days=1), at=dt.time(6, 0))
    early = dt.datetime(2026, 1, 1, 5, 59, tzinfo=UTC)
    assert not job.due(early, None)
    six = early.replace(hour=6, minute=0)
    assert job.due(six, None)
    assert job.due(six.replace(hour=23), early - dt.timedelta(days=1))
    assert not job.due(six.replace(hour=23), six)
    assert job.due(six + dt.timedelta(days=1), six)


def test_a_failing_job_does_not_hold_back_the_others() -> None:
    ran: list[str] = []

    def fails() -> None:
        ran.append("fails")
        raise RuntimeError("broken")

    every = dt.timedelta(hours=1)
    due = [
        jobs.Periodic(name="a", run=fails, every=every),
        jobs.Periodic(name="b", run=lambda: ran.append("b"), every=every),
    ]
    last_runs: dict[str, dt.datetime] = {}
    jobs.run_due(due, last_runs)
    assert ran == ["fails", "b"]
    assert set(last_runs) == {"a", "b"}
    jobs.run_due(due, last_runs)  # not due again within the hour
    assert ran == ["fails", "b"]


@pytest.mark.parametrize(
    ("every", "at"),
    [(dt.timedelta(0), None), (dt.timedelta(hours=1), dt.time(6, 0))],
)
def test_a_schedule_that_cannot_hold_is_refused(every: dt.timedelta, at: dt.time | None) -> None:
    with pytest.raises(ValueError):
        jobs.periodic(every=every, at=at)
