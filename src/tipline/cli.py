"""The `tipline` command: Django's management commands, plus Tipline's own.

tipline serve [--host H] [--port P]     serve with gunicorn (not the development server)
tipline bootstrap                       print a way in for the first administrator
tipline createdesk SLUG --name NAME     make a desk
tipline createstaff USER --role ROLE    make a staff account (--password-stdin for scripts)
tipline demo [--data-dir ./demo-data]   a training desk in a folder of its own, served
tipline migrate, tipline shell, ...     Django's own commands
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tipline.settings")
    if sys.argv[1:2] == ["demo"]:
        _point_into_demo_folder(sys.argv[2:])
    if sys.argv[1:2] == ["serve"]:
        _workers_into_environment(sys.argv[2:])
    from django.core.management import execute_from_command_line

    execute_from_command_line(["tipline", *sys.argv[1:]])


def _workers_into_environment(arguments: list[str]) -> None:
    """Before settings load: `serve --workers N` is TIPLINE_WEB_WORKERS=N, so that the
    limits each worker derives from it (its share of the cores, its admission slots) are
    computed for the number of workers that really run."""
    for index, argument in enumerate(arguments):
        if argument.startswith("--workers="):
            os.environ["TIPLINE_WEB_WORKERS"] = argument.split("=", 1)[1]
        elif argument == "--workers" and index + 1 < len(arguments):
            os.environ["TIPLINE_WEB_WORKERS"] = arguments[index + 1]


def _point_into_demo_folder(arguments: list[str]) -> None:
    """Before settings load: the training desk's data and database live in its own folder,
    so `tipline demo` never opens (or creates) the real installation's ./data."""
    folder = "./demo-data"
    for index, argument in enumerate(arguments):
        if argument.startswith("--data-dir="):
            folder = argument.split("=", 1)[1]
        elif argument == "--data-dir" and index + 1 < len(arguments):
            folder = arguments[index + 1]
    path = os.path.abspath(os.path.expanduser(folder))
    os.environ["TIPLINE_DATA_DIR"] = path
    os.environ["DATABASE_URL"] = f"sqlite:///{os.path.join(path, 'tipline.sqlite3')}"
    os.environ.pop("TIPLINE_SECRET_KEY", None)  # the folder makes its own
