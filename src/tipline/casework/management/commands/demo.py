"""`tipline demo`: a training desk in a data folder of its own, then serve it.

The folder (./demo-data unless --data-dir says otherwise) is never the one `make run` uses:
the command starts itself again with TIPLINE_DATA_DIR and DATABASE_URL pointing into it,
so a real installation's database cannot be touched by a training run.
"""

import os
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tipline.casework import training

CREDENTIALS = "training-accounts.txt"


class Command(BaseCommand):
    help = "Make a training desk with synthetic reports in a separate data folder, and serve it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--data-dir", default="./demo-data")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8001)
        parser.add_argument("--reports", type=int, default=36)
        parser.add_argument("--no-serve", action="store_true", help="make the desk, then stop")

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(options["data_dir"]).expanduser().resolve()
        if folder == Path("./data").resolve():
            raise CommandError("the training desk never goes into ./data (the real installation)")
        if not 1 <= options["reports"] <= 500:
            raise CommandError("--reports must be 1 to 500")
        if Path(settings.DATA_DIR).resolve() != folder:
            self._again_in(folder)
            return
        call_command("migrate", interactive=False, verbosity=0)
        credentials = folder / CREDENTIALS
        if not training.training_desk_exists():
            made = training.make_training_desk(reports=options["reports"])
            lines = [
                f"TRAINING desk '{made.desk.name}' with {made.reports} synthetic reports.",
                "Training accounts (synthetic; sign in at /staff/signin/, then type the code",
                "your authenticator app shows for the secret):",
            ]
            for account in made.accounts:
                lines.append(
                    f"  {account.username:<11} {account.role:<10} password {account.password}"
                    f"  TOTP secret {account.totp_secret}"
                )
            credentials.write_text("\n".join(lines) + "\n", encoding="utf-8")
            credentials.chmod(0o600)
        self.stdout.write(credentials.read_text(encoding="utf-8"))
        self.stdout.write(f"Data folder: {folder} (delete it to start the training over)")
        if not options["no_serve"]:
            call_command("serve", host=options["host"], port=options["port"], no_jobs=True)

    def _again_in(self, folder: Path) -> None:
        """Run this command again with settings that point into the training folder."""
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        environment = {
            **os.environ,
            "TIPLINE_DATA_DIR": str(folder),
            "DATABASE_URL": f"sqlite:///{folder / 'tipline.sqlite3'}",
        }
        environment.pop("TIPLINE_SECRET_KEY", None)  # the folder makes its own
        command = [str(Path(sys.executable).with_name("tipline")), "demo", *sys.argv[2:]]
        if not any(argument.startswith("--data-dir") for argument in sys.argv[2:]):
            command += ["--data-dir", str(folder)]
        sys.stdout.flush()
        os.execve(command[0], command, environment)  # noqa: S606 - our own command, fixed
