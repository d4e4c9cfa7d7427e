from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import get_language_info

from tipline.desks.actions import create_desk
from tipline.reports.categories import install_default_categories


def known_languages() -> str:
    """Every language of the installation (settings.LANGUAGES): `en (English), ur (Urdu)`."""
    return ", ".join(
        f"{code} ({get_language_info(code)['name']})" for code, _ in settings.LANGUAGES
    )


class Command(BaseCommand):
    help = "Create a desk: an agency's inbox for reports."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="short name used in addresses, e.g. narcotics")
        parser.add_argument("--name", required=True)
        parser.add_argument(
            "--languages",
            default=settings.LANGUAGE_CODE,
            help=(
                "comma-separated codes of the languages the desk's pages offer, its own first"
                f" (default {settings.LANGUAGE_CODE}); this installation has: {known_languages()}"
            ),
        )
        parser.add_argument("--retention-days", type=int, default=365)
        parser.add_argument(
            "--no-default-categories",
            action="store_true",
            help="start without the shipped categories and questions",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            desk = create_desk(
                slug=options["slug"],
                name=options["name"],
                languages=options["languages"].split(","),
                retention_days=options["retention_days"],
                acting_user=None,
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        added = 0 if options["no_default_categories"] else install_default_categories(desk)
        self.stdout.write(f"Created desk {desk.slug!r} ({desk.name}) with {added} categories.")
