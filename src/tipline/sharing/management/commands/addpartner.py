import re
import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tipline.sharing.actions import add_partner, add_system_partner
from tipline.sharing.cards import BadCard, parse_card


def same_fingerprint(typed: str, card_fingerprint: str) -> bool:
    """Whether the digits typed (spaces, dashes or none between the groups) are the card's."""
    digits = re.sub(r"[\s\-]", "", typed)
    return digits.isascii() and digits.isdigit() and digits == card_fingerprint.replace(" ", "")


class Command(BaseCommand):
    help = (
        "Add a partner installation from its card file ('-' reads stdin), once the digits its "
        "administrator read out to you (--fingerprint) are the card's; or, with --taxii or "
        "--misp, a partner that does not run Tipline."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("card", nargs="?")
        parser.add_argument(
            "--fingerprint",
            metavar="DIGITS",
            help=(
                "with a card, required: the 8 groups of 5 digits the partner's administrator "
                "read out to you, by a channel you already trust (their Partners page or "
                "`tipline partnercard`)"
            ),
        )
        parser.add_argument("--taxii", metavar="API_ROOT_URL", help="a TAXII 2.1 API root")
        parser.add_argument("--misp", metavar="URL", help="a MISP instance's address")
        parser.add_argument("--collection", default="", help="the TAXII collection's id")
        parser.add_argument("--name", default="", help="the partner's name, as staff see it")
        parser.add_argument("--username", default="", help="HTTP basic user (else a token)")
        parser.add_argument("--secret-file", help="holds the password, token or API key")
        parser.add_argument("--ca-file", default="", help="CA certificates to check TLS with")
        parser.add_argument(
            "--allow-http", action="store_true", help="allow plain HTTP (not encrypted)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["taxii"] or options["misp"]:
            self._add_system(options)
            return
        path = options["card"]
        if not path:
            raise CommandError("give a card file, or --taxii / --misp")
        if not options["fingerprint"]:
            raise CommandError(
                "--fingerprint is required (the digits the partner's administrator read out "
                "to you): nothing was added."
            )
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

    def _add_system(self, options: dict[str, Any]) -> None:
        if options["taxii"] and options["misp"]:
            raise CommandError("--taxii or --misp, not both")
        if not options["secret_file"]:
            raise CommandError("--secret-file is required")
        try:
            secret = Path(options["secret_file"]).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"cannot read the secret file: {error}") from None
        try:
            partner = add_system_partner(
                kind="taxii" if options["taxii"] else "misp",
                name=options["name"],
                url=options["taxii"] or options["misp"],
                credential=secret,
                collection_id=options["collection"],
                username=options["username"],
                ca_file=options["ca_file"],
                allow_http=options["allow_http"],
                acting_user=None,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(f"added {partner.name} ({partner.get_kind_display()})")
        if partner.allow_http:
            self.stdout.write("WARNING: plain HTTP: what is shared travels unencrypted")
