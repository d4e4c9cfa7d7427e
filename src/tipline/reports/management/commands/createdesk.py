from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tipline.desks.actions import create_desk
from tipline.reports.categories import install_default_categories


class Command(BaseCommand):
    help = "Create a desk: an agency's inbox for reports."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="short name used in addresses, e.g. narcotics")
        parser.add_argument("--name", required=True)
        parser.add_argument(
            "--languages", default="en", help="comma-separated codes: en, ur, zh-hans"
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
