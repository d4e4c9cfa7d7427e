"""A partner installation played by the test: its own keys, its own packages."""

import uuid
from typing import Any

from django.test import Client

from tipline import vault
from tipline.sharing import actions, cards, packages, stix
from tipline.sharing.identity import ensure_identity

ENDPOINT = "/sharing/v1/packages"


class FakePartner:
    """Holds a partner's private keys, so the test can sign and encrypt as that partner."""

    def __init__(self, *, known: bool = True, name: str = "Partner agency") -> None:
        secret = vault.new_installation_secret()
        self.identity = vault.unlock_installation_identity(
            vault.create_installation_identity(secret), secret
        )
        if known:
            self.partner = actions.add_partner(
                cards.Card(
                    name=name,
                    base_url="http://127.0.0.1:9",
                    signing_key=self.identity.signing_public_key,
                    encryption_key=self.identity.encryption_public_key,
                    desks=[{"slug": "narcotics", "name": "Narcotics"}],
                    languages=["en"],
                ),
                acting_user=None,
            )

    def package(self, payload: bytes) -> bytes:
        ours = bytes(ensure_identity().encryption_public_key)
        return vault.seal_package(self.identity, ours, payload)

    def share_payload(self, desk: str = "customs", *, bundle: Any = None) -> bytes:
        share_id = uuid.uuid4()
        content = stix.ShareContent(
            description="Truck with false floor, plate hidden",
            category="smuggling",
            language="en",
            cover_note="From the border post",
            files=[stix.SharedFile("note.txt", "text/plain", b"route: A4")],
        )
        return packages.make_payload(
            share_id,
            "share",
            sender_desk="border",
            recipient_desk=desk,
            bundle=bundle if bundle is not None else stix.share_bundle(str(share_id), "P", content),
        )


def post(body: bytes) -> Any:
    return Client().generic("POST", ENDPOINT, body, content_type="application/vnd.tipline.package")
