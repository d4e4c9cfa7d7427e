import ctypes
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.wsgi import get_wsgi_application

from tipline import vault
from tipline.intake import receipts
from tipline.triage import language
from tipline.web.server import TiplineServer, gunicorn_options


class Command(BaseCommand):
    help = "Serve Tipline with gunicorn (a production server, not Django's runserver)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=settings.WEB_WORKERS)
        parser.add_argument("--threads", type=int, default=settings.WEB_THREADS)
        parser.add_argument(
            "--no-jobs",
            action="store_true",
            help="do not run periodic jobs (retention, reminders) here; Celery beat runs them",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not 1 <= options["port"] <= 65535:
            raise CommandError("--port must be 1 to 65535")
        if options["workers"] < 1 or options["threads"] < 1:
            raise CommandError("--workers and --threads must be at least 1")
        host, port = options["host"], options["port"]
        shown_host = f"[{host}]" if ":" in host else host
        self.stdout.write(f"Tipline is serving on http://{shown_host}:{port}/ (Ctrl-C stops it)")
        # Periodic jobs run in a process of their own (not a thread of gunicorn's master,
        # which forks workers: a fork while a thread holds a lock can deadlock the child).
        schedule = None
        if not options["no_jobs"]:
            own_command = [str(Path(sys.executable).with_name("tipline")), "schedule"]
            schedule = subprocess.Popen(  # noqa: S603 - our own command, fixed
                own_command, preexec_fn=_end_with_parent
            )
        application = get_wsgi_application()
        language.load()  # before the workers fork: they share it, no submission waits for it
        # Before the workers fork too: they inherit the service's address.
        derivations = None
        if settings.DERIVATION_PROCESSES:
            derivations = vault.start_service(settings.DERIVATION_PROCESSES)
            receipts.use_service(derivations.service)
        server = TiplineServer(
            application,
            gunicorn_options(
                host=host, port=port, workers=options["workers"], threads=options["threads"]
            ),
        )
        try:
            server.run()
        finally:
            if schedule is not None:
                schedule.terminate()
            if derivations is not None:
                derivations.stop()


def _end_with_parent() -> None:
    """In the child, before it runs: ask Linux to send it SIGTERM when its parent dies, even
    by SIGKILL (elsewhere the child notices within a second that its parent is gone)."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass
