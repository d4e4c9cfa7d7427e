from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tipline.backups.archive import RestoreRefused, restore_backup
from tipline.backups.management.commands.backup import read_passphrase


class Command(BaseCommand):
    help = (
        "Restore a backup into an empty data folder (the database is migrated first), with "
        "its installation secret when it carries one (--passphrase-file)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("input", type=Path, help="a file written by `tipline backup`")
        parser.add_argument(
            "--passphrase-file",
            type=Path,
            help="a file holding the passphrase the backup was written with (first line)",
        )
        parser.add_argument(
            "--without-installation-secret",
            action="store_true",
            help="restore without the secret the backup carries (the installation cannot "
            "share until its secret file is put back)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["input"].is_file():
            raise CommandError(f"{options['input']} is not a file")
        passphrase = read_passphrase(options["passphrase_file"])
        call_command("migrate", verbosity=0)
        try:
            restored = restore_backup(
                options["input"],
                passphrase=passphrase,
                without_secret=options["without_installation_secret"],
            )
        except RestoreRefused as refused:
            raise CommandError(str(refused)) from None
        manifest = restored.manifest
        self.stdout.write(
            f"Restored {manifest['reports']} reports and {manifest['files']} files "
            f"(backup made {manifest['created_at']} on {manifest['made_on']})."
        )
        if restored.identity_opens:
            self.stdout.write("The installation's identity opens: sharing works as before.")
        else:
            self.stderr.write(
                f"The installation's identity does not open with {restored.secret_path}: "
                "partners' packages are answered 503 identity_unavailable (they retry) and "
                "nothing can be sent, until the installation_secret file of the old "
                "installation is put there (mode 0600)."
            )
