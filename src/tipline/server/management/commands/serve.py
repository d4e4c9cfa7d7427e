import logging
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.wsgi import get_wsgi_application

from tipline import vault
from tipline.processes import end_with_parent
from tipline.reports import receipts
from tipline.server.application_server import TiplineServer, gunicorn_options
from tipline.server.static_files import collect_static_files
from tipline.triage import language

logger = logging.getLogger(__name__)


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
        serving = f"Tipline is serving on http://{shown_host}:{port}/ (Ctrl-C stops it)"
        # Periodic jobs run in a process of their own (not a thread of gunicorn's master,
        # which forks workers: a fork while a thread holds a lock can deadlock the child).
        schedule = None
        if not options["no_jobs"]:
            own_command = [str(Path(sys.executable).with_name("tipline")), "schedule"]
            schedule = subprocess.Popen(  # noqa: S603 - our own command, fixed
                own_command, preexec_fn=_end_with_parent
            )
        # Before the application loads: WhiteNoise lists the collected files when it starts.
        collect_static_files(
            announce=lambda: self._say("Collecting static files (after an install or upgrade)")
        )
        application = get_wsgi_application()
        language.load()  # before the workers fork: they share it, no submission waits for it
        derivations = _start_derivations()  # before the workers fork: they inherit it
        server = TiplineServer(
            application,
            gunicorn_options(
                host=host,
                port=port,
                workers=options["workers"],
                threads=options["threads"],
                # Said once the socket listens: whoever reads it can connect at once.
                when_ready=lambda _arbiter: self._say(serving),
                proxy_allow_ips=settings.PROXY_ALLOW_IPS if settings.PROXY_PROTOCOL else None,
            ),
        )
        try:
            server.run()
        finally:
            if schedule is not None:
                schedule.terminate()
            if derivations is not None:
                derivations.stop()

    def _say(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()


def _end_with_parent() -> None:
    """In the scheduler, before it runs: SIGTERM when `serve` dies, even by SIGKILL
    (elsewhere it notices within a second that its parent is gone)."""
    end_with_parent()


def _start_derivations() -> vault.RunningService | None:
    """The host's derivation service (`tipline.vault.derivations`), or None: then each
    worker derives in its own threads, as the embedded mode did before."""
    if not settings.DERIVATION_PROCESSES:
        return None
    try:
        running = vault.start_service(
            settings.DERIVATION_PROCESSES, folder=settings.RUNTIME_DIR or None
        )
    except (vault.DerivationUnavailable, OSError) as error:
        logger.warning("no derivation service (%s): deriving in the workers' threads", error)
        return None
    receipts.use_service(running.service)
    return running
