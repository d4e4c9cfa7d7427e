from typing import Any

from django.core.management.base import BaseCommand

from tipline.jobs import run_schedule


class Command(BaseCommand):
    help = "Run the periodic jobs the apps declare, on their one schedule, until stopped."

    def handle(self, *args: Any, **options: Any) -> None:
        run_schedule(stop_when_parent_changes=True)
