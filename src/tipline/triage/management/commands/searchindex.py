import getpass
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from tipline import vault
from tipline.accounts.models import StaffUser
from tipline.audit.actions import record
from tipline.desks.models import Desk
from tipline.triage import search


class Command(BaseCommand):
    help = (
        "Write the search tokens of a desk's reports that came before search, with one "
        "recipient's key (asks for their password). Reports not sealed to them are left "
        "for another recipient to index."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="a recipient of the desk's reports")
        parser.add_argument("--desk", required=True, help="the desk's slug")
        parser.add_argument(
            "--password-stdin", action="store_true", help="read the password from one line"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = StaffUser.objects.filter(username=options["username"], is_active=True).first()
        desk = Desk.objects.filter(slug=options["desk"], memberships__staff=user).first()
        if user is None or desk is None:
            raise CommandError("no such active staff member on that desk")
        if options["password_stdin"]:
            password = sys.stdin.readline().removesuffix("\n").removesuffix("\r")
        elif sys.stdin.isatty():
            password = getpass.getpass(f"Password of {user.username}: ")
        else:
            raise CommandError("give the password on a terminal or with --password-stdin")
        try:
            private_key = vault.unlock_with_password(user.key_record, password)
        except vault.DecryptionError:
            raise CommandError("the password does not open this staff member's key") from None
        indexed = search.index_all(desk.pk, user, private_key)
        with transaction.atomic():
            record("search.indexed", actor=user, desk=desk, reports=indexed)
        self.stdout.write(f"Indexed {indexed} report(s) of {desk.slug} for search.\n")
