from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tipline.accounts.actions import INVITATION_LIFETIME, invite_first_administrator


class Command(BaseCommand):
    help = "Print a one-time way in for the first administrator, if there is none yet."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="the site's address")
        parser.add_argument("--username", default="admin")

    def handle(self, *args: Any, **options: Any) -> None:
        base = options["url"].rstrip("/")
        token = invite_first_administrator(username=options["username"])
        if token is None:
            self.stdout.write(f"An administrator exists. Staff sign in at {base}/staff/admin/")
            return
        hours = int(INVITATION_LIFETIME.total_seconds() // 3600)
        line = "=" * 72
        self.stdout.write(
            f"\n{line}\n"
            f"No administrator yet. Open this link once, within {hours} hours, to become\n"
            f"the first administrator ({options['username']}): choose a password, add the\n"
            f"second factor to an authenticator app, and note your recovery code.\n\n"
            f"    {base}/staff/invitation/{token}/\n\n"
            f"Running this again makes a new link and cancels this one.\n"
            f"{line}\n"
        )
