import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tipline.sharing.actions import add_partner
from tipline.sharing.cards import BadCard, parse_card


class Command(BaseCommand):
    help = "Add a partner installation from its card file ('-' reads stdin)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("card")

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["card"]
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
        try:
            card = parse_card(text)
            partner = add_partner(card, acting_user=None)
        except (BadCard, ValidationError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"added {partner.name}; fingerprint: {card.fingerprint}")
        self.stdout.write("compare it with the partner's administrator before sharing")
