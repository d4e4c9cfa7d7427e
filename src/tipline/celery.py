"""The Celery application for `celery -A tipline.celery worker` and `beat` (see tipline.jobs).

Beat sends the periodic jobs the apps declare, on the same schedule as the embedded loop;
Django is set up first because the apps declare them in their `tasks` modules."""

import os

import django
from django.apps import apps

from tipline import jobs

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tipline.settings")
if not apps.ready:
    django.setup()

app = jobs.celery_app()
app.conf.beat_schedule = jobs.beat_schedule()
