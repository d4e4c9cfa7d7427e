"""The desk options `createstaff` and `invite` share: which desks, and recipient or not."""

from django.core.management.base import CommandError, CommandParser

from tipline.desks.models import Desk


def add_desk_options(parser: CommandParser) -> None:
    parser.add_argument(
        "--desk", action="append", default=[], metavar="SLUG", help="repeat for more desks"
    )
    parser.add_argument(
        "--not-recipient",
        action="store_true",
        help="a member of the desks who does not receive reports' keys",
    )


def desks_named(slugs: list[str]) -> list[Desk]:
    """The desks by slug, in order; a `CommandError` naming the first that does not exist."""
    desks = []
    for slug in slugs:
        try:
            desks.append(Desk.objects.get(slug=slug))
        except Desk.DoesNotExist:
            raise CommandError(f"there is no desk {slug!r}") from None
    return desks
