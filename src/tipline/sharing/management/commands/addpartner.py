import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tipline.sharing.actions import add_partner, add_system_partner
from tipline.sharing.cards import BadCard, parse_card


class Command(BaseCommand):
    help = (
        "Add a partner installation from its card file ('-' reads stdin); or, with --taxii "
        "or --misp, a partner that does not run Tipline."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("card", nargs="?")
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
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
        try:
            card = parse_card(text)
            partner = add_partner(card, acting_user=None)
        except (BadCard, ValidationError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"added {partner.name}; fingerprint: {card.fingerprint}")
        self.stdout.write("compare it with the partner's administrator before sharing")

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
