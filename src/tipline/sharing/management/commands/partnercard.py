from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from tipline.sharing.cards import card_json, own_card


class Command(BaseCommand):
    help = (
        "Print this installation's partner card (JSON, on stdout) and its fingerprint (on "
        "stderr), to read out to the partner's administrator."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default=settings.SITE_URL, help="the address partners use")

    def handle(self, *args: Any, **options: Any) -> None:
        card = own_card(options["url"])
        self.stdout.write(card_json(card))
        self.stderr.write(f"this installation's fingerprint: {card.fingerprint}")
        self.stderr.write(
            "read it out to the partner's administrator; they add the card with "
            '`tipline addpartner CARD --fingerprint "DIGITS"`'
        )
