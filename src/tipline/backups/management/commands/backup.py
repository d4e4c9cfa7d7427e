from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tipline.backups.archive import BackupRefused, write_backup
from tipline.sharing.identity import secret_path


class Command(BaseCommand):
    help = (
        "Write the database and the encrypted files to one backup file; with "
        "--passphrase-file, the installation secret too, wrapped under that passphrase."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("output", type=Path, help="the backup file to write")
        parser.add_argument(
            "--passphrase-file",
            type=Path,
            help="a file holding the passphrase (its first line, at least 16 characters) "
            "that wraps the installation secret in the backup; keep a copy apart from the "
            "backups: a restore needs it",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        passphrase = read_passphrase(options["passphrase_file"])
        try:
            manifest = write_backup(options["output"], passphrase=passphrase)
        except BackupRefused as refused:
            raise CommandError(f"no backup written: {refused}") from None
        self.stdout.write(
            f"Wrote {options['output']}: {manifest['reports']} reports, {manifest['files']} files."
        )
        if passphrase is None:
            self.stderr.write(
                f"The installation secret ({secret_path()}) is not in this backup: without it "
                "a restored installation cannot share with partners. Keep a copy of it apart "
                "from the backups, or back up with --passphrase-file."
            )
        else:
            self.stdout.write("The installation secret is in it, wrapped under the passphrase.")


def read_passphrase(path: Path | None) -> str | None:
    """The passphrase on the first line of `path` (None without a path)."""
    if path is None:
        return None
    try:
        with path.open(encoding="utf-8") as handle:
            return handle.readline().removesuffix("\n").removesuffix("\r")
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"the passphrase file cannot be read: {error}") from None
