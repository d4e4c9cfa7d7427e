"""The `tipline` command: Django's management commands, plus Tipline's own.

tipline serve [--host H] [--port P]     serve with gunicorn (not the development server)
tipline bootstrap                       print a way in for the first administrator
tipline createdesk SLUG --name NAME     make a desk
tipline createstaff USER --role ROLE    make a staff account (--password-stdin for scripts)
tipline migrate, tipline shell, ...     Django's own commands
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tipline.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["tipline", *sys.argv[1:]])
