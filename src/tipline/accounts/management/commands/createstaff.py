import getpass
import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tipline.accounts.actions import create_staff
from tipline.accounts.management.desk_options import add_desk_options, desks_named
from tipline.accounts.models import Role


class Command(BaseCommand):
    help = (
        "Create a staff account with its key pair and second factor. Prints the TOTP "
        "provisioning URI and the recovery code, each once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", choices=Role.values, required=True)
        parser.add_argument("--email", default="")
        add_desk_options(parser)
        parser.add_argument(
            "--password-stdin", action="store_true", help="read the password from one line"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        desks = desks_named(options["desk"])
        password = self._read_password(options["password_stdin"])
        try:
            new_staff = create_staff(
                username=options["username"],
                password=password,
                role=options["role"],
                email=options["email"],
                desks=desks,
                receives_reports=not options["not_recipient"],
                acting_user=None,
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write(
            f"Created {new_staff.user.role} {new_staff.user.username!r}"
            + (f" on {', '.join(d.slug for d in desks)}" if desks else "")
            + ".\n\nSecond factor: add this to the authenticator app (as text or as a QR code):\n"
            f"    {new_staff.totp_uri}\n\n"
            "Recovery code: shown once, not kept by Tipline. Hand it to its owner to keep\n"
            "offline; it is the only way back to their reports if the password is lost.\n"
            f"    {new_staff.recovery_code}\n"
        )

    def _read_password(self, from_stdin: bool) -> str:
        if from_stdin:
            password = sys.stdin.readline().removesuffix("\n").removesuffix("\r")
        elif sys.stdin.isatty():
            password = getpass.getpass("Password: ")
            if getpass.getpass("Password again: ") != password:
                raise CommandError("the passwords differ")
        else:
            raise CommandError("no terminal: give the password with --password-stdin")
        if not password:
            raise CommandError("the password is empty")
        return password
