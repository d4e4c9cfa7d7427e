"""What receiving a package deals in: who sent it, and why it was refused."""

import uuid
from dataclasses import dataclass

from . import answers, packages
from .models import Partner, ReceivedPackage


class PackageRefused(Exception):
    """`code` names the reason (docs/sharing.md); `status` is the HTTP status to answer;
    `package_id` is the refused package's id once it could be opened."""

    def __init__(self, code: str, status: int, package_id: uuid.UUID | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.status = status
        self.package_id = package_id

    @property
    def outcome(self) -> str:
        """What the sender makes of it: a replay landed before; a 503 is for later."""
        if self.code == "replayed":
            return answers.REPLAYED
        return answers.RETRY if self.status >= 500 else answers.REFUSED


@dataclass(frozen=True)
class Sender:
    partner: Partner | None  # None: this installation (a share between our own desks)
    key_hex: str
    name: str


def mark_received(sender: Sender, payload: packages.Payload) -> None:
    """Keep the package's id (inside the transaction that takes it): a repeat is a replay."""
    ReceivedPackage.objects.create(
        sender_key_hex=sender.key_hex, package_id=payload.package_id, kind=payload.kind
    )
