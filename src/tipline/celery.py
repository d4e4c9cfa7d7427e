"""The Celery application (production background work; see tipline.jobs)."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tipline.settings")

app = Celery("tipline")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(
    ["tipline.notifications", "tipline.casework", "tipline.intake", "tipline.sharing"]
)
app.conf.beat_schedule = {
    "deadline-reminders": {
        "task": "tipline.notifications.tasks.send_deadline_reminders",
        "schedule": crontab(hour=6, minute=0),
    },
    "expire-reports": {"task": "tipline.casework.tasks.expire_reports", "schedule": 3600.0},
    "deliver-due-packages": {
        "task": "tipline.sharing.tasks.deliver_due_packages",
        "schedule": 5.0,
    },
    "sweep-orphaned-files": {
        "task": "tipline.intake.tasks.sweep_orphaned_files",
        "schedule": 3600.0,
    },
}
