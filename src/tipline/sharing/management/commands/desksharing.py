from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tipline.desks.models import Desk
from tipline.sharing.actions import set_desk_rules


class Command(BaseCommand):
    help = "Set whether a desk accepts shares and whether sending from it needs approval."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("desk")
        parser.add_argument("--accept", action="store_true", help="take shares on this desk")
        parser.add_argument("--approval", action="store_true", help="four eyes before sending")

    def handle(self, *args: Any, **options: Any) -> None:
        desk = Desk.objects.filter(slug=options["desk"]).first()
        if desk is None:
            raise CommandError("no such desk")
        try:
            set_desk_rules(
                desk,
                accepts_shares=options["accept"],
                requires_approval=options["approval"],
                acting_user=None,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
