import re
import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tipline.sharing.actions import add_partner
from tipline.sharing.cards import BadCard, parse_card


def same_fingerprint(typed: str, card_fingerprint: str) -> bool:
    """Whether the digits typed (spaces, dashes or none between the groups) are the card's."""
    digits = re.sub(r"[\s\-]", "", typed)
    return digits.isascii() and digits.isdigit() and digits == card_fingerprint.replace(" ", "")


class Command(BaseCommand):
    help = (
        "Add a partner installation from its card file ('-' reads stdin), once the digits its "
        "administrator read out to you (--fingerprint) are the card's."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("card")
        parser.add_argument(
            "--fingerprint",
            required=True,
            metavar="DIGITS",
            help=(
                "the 8 groups of 5 digits the partner's administrator read out to you, by a "
                "channel you already trust (their Partners page or `tipline partnercard`)"
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["card"]
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
        try:
            card = parse_card(text)
        except BadCard as error:
            raise CommandError(str(error)) from None
        # The comparison is what makes a card trustworthy (nobody signs it): a card swapped
        # on its way has other keys, and so other digits than those read out by the partner.
        if not same_fingerprint(options["fingerprint"], card.fingerprint):
            raise CommandError(
                "the fingerprint is not the card's: nothing was added. Ask the partner's "
                "administrator to read out their fingerprint again; if it still differs, the "
                "card is not theirs."
            )
        try:
            partner = add_partner(card, acting_user=None)
        except ValidationError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"added {partner.name}: its fingerprint is the one read out to you")
