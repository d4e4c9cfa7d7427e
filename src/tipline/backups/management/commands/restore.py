from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tipline.backups.archive import RestoreRefused, restore_backup


class Command(BaseCommand):
    help = "Restore a backup into an empty data folder (the database is migrated first)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("input", type=Path, help="a file written by `tipline backup`")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["input"].is_file():
            raise CommandError(f"{options['input']} is not a file")
        call_command("migrate", verbosity=0)
        try:
            manifest = restore_backup(options["input"])
        except RestoreRefused as refused:
            raise CommandError(str(refused)) from None
        self.stdout.write(
            f"Restored {manifest['reports']} reports and {manifest['files']} files "
            f"(backup made {manifest['created_at']} on {manifest['made_on']})."
        )
