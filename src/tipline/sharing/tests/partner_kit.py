"""A partner installation played by the test: its own keys, its own packages."""

import json
import threading
import uuid
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from django.test import Client

from tipline import vault
from tipline.sharing import actions, answers, cards, packages, stix
from tipline.sharing.identity import ensure_identity

ENDPOINT = "/sharing/v1/packages"


class FakePartner:
    """Holds a partner's private keys, so the test can sign and encrypt as that partner."""

    def __init__(
        self,
        *,
        known: bool = True,
        name: str = "Partner agency",
        base_url: str = "http://127.0.0.1:9",
    ) -> None:
        secret = vault.new_installation_secret()
        self.identity = vault.unlock_installation_identity(
            vault.create_installation_identity(secret), secret
        )
        if known:
            self.partner = actions.add_partner(
                cards.Card(
                    name=name,
                    base_url=base_url,
                    signing_key=self.identity.signing_public_key,
                    encryption_key=self.identity.encryption_public_key,
                    desks=[{"slug": "narcotics", "name": "Narcotics"}],
                    languages=["en"],
                ),
                acting_user=None,
            )

    def say_hello(self) -> None:
        """The partner's hello, through our endpoint: both sides have added each other."""
        response = post(self.package(packages.make_payload(uuid.uuid4(), "hello")))
        assert response.status_code == 200, response.content
        self.partner.refresh_from_db()

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


Respond = Callable[[bytes], tuple[int, dict[str, str], bytes]]


class PartnerServer:
    """A partner installation's endpoint on loopback, played by the test: it takes each
    package posted to it, opens it with the partner's keys, and answers what `respond`
    decides (a signed answer, an unsigned one, a forged one...)."""

    def __init__(self, respond: Respond) -> None:
        self.received: list[bytes] = []
        kit = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                kit.received.append(body)
                status, headers, answer = respond(body)
                self.send_response(status)
                for name, value in {"Content-Type": "application/json", **headers}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def signed_answer(
    identity: vault.InstallationIdentity,
    body: bytes,
    outcome: str = answers.ACCEPTED,
    code: str = "filed",
    *,
    package_id: uuid.UUID | None = None,
    digest: bytes | None = None,
) -> tuple[dict[str, str], bytes]:
    """The answer a partner holding `identity` gives to `body`: signed, naming its digest and
    (unless told otherwise) the id inside the package."""
    if package_id is None:
        opened = vault.open_package(identity, body)
        package_id = uuid.UUID(json.loads(opened.payload)["id"])
    answer = answers.Answer(
        outcome, code, package_id, digest if digest is not None else vault.package_digest(body)
    ).body()
    return {answers.SIGNATURE_HEADER: answers.signature_header(identity, answer)}, answer
