from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tipline.backups.archive import write_backup


class Command(BaseCommand):
    help = "Write the database and the encrypted files to one backup file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("output", type=Path, help="the backup file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        manifest = write_backup(options["output"])
        self.stdout.write(
            f"Wrote {options['output']}: {manifest['reports']} reports, {manifest['files']} files."
        )
