from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tipline.accounts.actions import INVITATION_LIFETIME, invite_staff
from tipline.accounts.management.desk_options import add_desk_options, desks_named
from tipline.accounts.models import Role


class Command(BaseCommand):
    help = (
        "Invite a colleague: prints a one-time link on which they choose their own password "
        "and second factor and receive their recovery code (this command sees none of them)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", choices=Role.values, required=True)
        add_desk_options(parser)
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="the site's address")

    def handle(self, *args: Any, **options: Any) -> None:
        desks = desks_named(options["desk"])
        try:
            invitation, token = invite_staff(
                username=options["username"],
                role=options["role"],
                desks=desks,
                receives_reports=not options["not_recipient"],
                acting_user=None,
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        hours = int(INVITATION_LIFETIME.total_seconds() // 3600)
        on = f" on {', '.join(d.slug for d in desks)}" if desks else ""
        recipient = "" if invitation.receives_reports or not desks else " (not a recipient)"
        self.stdout.write(
            f"Invited {invitation.role} {invitation.username!r}{on}{recipient}.\n"
            f"Hand them this link; it works once, within {hours} hours (revoke it at\n"
            f"{options['url'].rstrip('/')}/staff/invitations/):\n\n"
            f"    {options['url'].rstrip('/')}/staff/invitation/{token}/\n"
        )
