from typing import Any

from django.core.management.base import BaseCommand

from tipline.casework.retention import expire_reports


class Command(BaseCommand):
    help = "Delete closed reports (and their files) kept longer than their desk's retention."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = expire_reports()
        self.stdout.write(f"Deleted {deleted} expired reports.")
