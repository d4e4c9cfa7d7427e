"""A partner that runs a TAXII 2.1 server (OpenCTI's TAXII Push, or any other): added from
the shell, shared with through the same outbox, posted with Add Objects and followed until
the collection holds it. The server is a real one, medallion (memory backend), started
here on 127.0.0.1; what arrived is read back with taxii2-client. A server that answers
500, times out or refuses the credentials leaves the share queued and retried: never lost,
never posted twice."""

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from taxii2client.v21 import Collection
from werkzeug.serving import make_server

from tipline import vault
from tipline.casework.tests.helpers import report_in
from tipline.sharing import actions, outbox, stix, taxii
from tipline.sharing.identity import installation_secret
from tipline.sharing.models import OutboxPackage, OutboxState, Partner, Share, ShareState
from tipline.sharing.tests.helpers import TwoDesks

pytestmark = pytest.mark.django_db
COLLECTION = "91a7b528-80eb-42ed-a74d-c6fbd5a26116"
USER, PASSWORD = "tipline", "correct horse battery staple"


class Medallion:
    """medallion's Flask app behind a switch that can answer 500, or take a request and then
    keep the answer back (a timeout after the server took the objects); counts posts."""

    def __init__(self, folder: Path) -> None:
        import medallion

        data = {
            "/discovery": {"title": "test", "api_roots": ["http://127.0.0.1/api1/"]},
            "api1": {
                "information": {
                    "title": "partner",
                    "versions": ["application/taxii+json;version=2.1"],
                    "max_content_length": 100_000_000,
                },
                "status": [],
                "collections": [
                    {
                        "id": COLLECTION,
                        "title": "Shares from Tipline",
                        "can_read": True,
                        "can_write": True,
                        "media_types": ["application/stix+json;version=2.1"],
                        "objects": [],
                        "manifest": [],
                    }
                ],
            },
        }
        (folder / "data.json").write_text(json.dumps(data))
        app = medallion.application_instance
        medallion.set_config(
            app,
            "backend",
            {
                "backend": {
                    "module": "medallion.backends.memory_backend",
                    "module_class": "MemoryBackend",
                    "filename": str(folder / "data.json"),
                }
            },
        )
        medallion.set_config(app, "users", {"users": {USER: PASSWORD}})
        medallion.set_config(app, "taxii", {"taxii": {"max_page_size": 100}})
        if "objects" not in app.blueprints:
            medallion.register_blueprints(app)
        self.app = app
        self.mode = ""
        self.posts = 0
        self.release = threading.Event()
        self.server = make_server("127.0.0.1", 0, self.wsgi, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.port}/api1/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def wsgi(self, environ: dict[str, Any], start_response: Any) -> Any:
        if environ["REQUEST_METHOD"] == "POST":
            self.posts += 1
        if self.mode == "500" and environ["REQUEST_METHOD"] == "POST":
            start_response("500 Internal Server Error", [("Content-Type", "text/plain")])
            return [b"broken"]
        answer = list(self.app(environ, start_response))
        if self.mode == "hang" and environ["REQUEST_METHOD"] == "POST":
            self.release.wait(10)  # the client gave up long before
        return answer

    def collection(self, password: str = PASSWORD) -> Collection:
        return Collection(f"{self.url}collections/{COLLECTION}/", user=USER, password=password)

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Medallion]:
    running = Medallion(tmp_path)
    yield running
    running.stop()


@pytest.fixture
def desks(files_dir: object) -> TwoDesks:
    return TwoDesks()


def add_partner_from_the_shell(server: Medallion, folder: Path, secret: str = PASSWORD) -> Partner:
    secret_file = folder / "secret"
    secret_file.write_text(secret + "\n")
    call_command(
        "addpartner",
        "--taxii", server.url, "--collection", COLLECTION, "--name", "Border CERT",
        "--username", USER, "--secret-file", str(secret_file), "--allow-http",
    )  # fmt: skip
    return Partner.objects.get(name="Border CERT")


def share_with(desks: TwoDesks, partner: Partner, handling: stix.Handling) -> Share:
    report, _code = report_in(desks.sender, description="Crates at the jetty")
    return actions.propose_share(
        desks.open_as_sender(report),
        user=desks.sender.analyst,
        partner=partner,
        desk_slug="collection",
        draft=actions.ShareDraft(
            description="Crates at the [redacted] jetty", cover_note="Tonight", handling=handling
        ),
    )


def try_again_now(share: Share) -> str:
    """The next attempt, without waiting for the back-off."""
    OutboxPackage.objects.filter(share=share).update(next_attempt_at=timezone.now())
    return outbox.deliver(OutboxPackage.objects.get(share=share).id)


def test_a_share_reaches_a_taxii_collection_with_its_markings(
    desks: TwoDesks, server: Medallion, tmp_path: Path
) -> None:
    partner = add_partner_from_the_shell(server, tmp_path)
    assert partner.kind == "taxii" and partner.allow_http and partner.can_share
    # The password is kept wrapped under the installation secret, not in the clear.
    assert PASSWORD.encode() not in bytes(partner.credential)
    handling = stix.Handling(tlp="red", code="H3", condition="Not in court", source="B")
    share = share_with(desks, partner, handling)
    outbox.deliver_due()
    share.refresh_from_db()
    assert share.state == ShareState.DELIVERED and server.posts == 1
    objects = server.collection().get_objects()["objects"]
    (report,) = [o for o in objects if o["type"] == "report"]
    assert report["id"] == f"report--{share.id}"
    assert report["object_marking_refs"] == [stix.TLP_IDS["red"]]
    assert report["extensions"][stix.EXTENSION]["handling_code"] == "H3"
    assert report["extensions"][stix.EXTENSION]["handling_condition"] == "Not in court"
    assert any(o["id"] == stix.TLP_IDS["red"] for o in objects)
    notes = [o for o in objects if o["type"] == "note"]
    assert notes and all(o["object_marking_refs"] == [stix.TLP_IDS["red"]] for o in notes)
    # A second share to the same collection lands too (its definitions are already there).
    second = share_with(desks, partner, stix.Handling(tlp="green"))
    outbox.deliver_due()
    second.refresh_from_db()
    assert second.state == ShareState.DELIVERED


@pytest.mark.parametrize("fault", ["500", "hang", "credentials"])
def test_a_failing_server_leaves_the_share_queued_then_it_lands_once(
    desks: TwoDesks,
    server: Medallion,
    tmp_path: Path,
    fault: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(taxii, "TIMEOUT_SECONDS", 0.5)
    partner = add_partner_from_the_shell(
        server, tmp_path, secret="wrong" if fault == "credentials" else PASSWORD
    )
    server.mode = {"500": "500", "hang": "hang"}.get(fault, "")
    share = share_with(desks, partner, stix.Handling(tlp="amber", code="H1"))
    failed_attempts = 1 if fault == "hang" else 2
    for _attempt in range(failed_attempts):
        assert try_again_now(share) == "retry"
    package = OutboxPackage.objects.get(share=share)
    assert package.state == OutboxState.WAITING and package.attempts == failed_attempts
    assert package.last_error.startswith("taxii:") and "Crates" not in package.last_error
    share.refresh_from_db()
    assert share.state == ShareState.QUEUED
    # The fault goes away: the next attempt delivers it, and it is in the collection once.
    server.mode = ""
    server.release.set()
    if fault == "credentials":
        Partner.objects.filter(pk=partner.pk).update(
            credential=vault.wrap_partner_credential(
                installation_secret(), PASSWORD, partner=partner.signing_key_hex
            )
        )
    assert try_again_now(share) == "delivered"
    share.refresh_from_db()
    assert share.state == ShareState.DELIVERED
    versions = server.collection().get_object(f"report--{share.id}", version="all")["objects"]
    assert len(versions) == 1
    # Each 500 was a post the server did not take; a timed-out post that the server had
    # taken is not posted again; refused credentials never got as far as a post.
    assert server.posts == {"500": 3, "hang": 1, "credentials": 1}[fault]


def test_the_shell_refuses_plain_http_unless_allowed_and_bad_input(
    server: Medallion, tmp_path: Path
) -> None:
    secret_file = tmp_path / "secret"
    secret_file.write_text(PASSWORD)
    base = ["--taxii", server.url, "--name", "CERT", "--secret-file", str(secret_file)]
    for arguments in (
        [*base, "--collection", COLLECTION],  # plain HTTP, not allowed
        [*base, "--collection", "bad id!", "--allow-http"],
        ["--taxii", "ftp://x/", "--collection", COLLECTION, "--name", "C",
         "--secret-file", str(secret_file)],
        [*base[:-2], "--collection", COLLECTION, "--allow-http"],  # no secret file
    ):  # fmt: skip
        with pytest.raises(CommandError):
            call_command("addpartner", *arguments)
    assert not Partner.objects.exists()


def test_an_administrator_adds_a_taxii_partner_on_the_partners_page(
    desks: TwoDesks, server: Medallion
) -> None:
    from django.test import Client

    from tipline.accounts.actions import create_staff
    from tipline.testing.fixtures import STRONG_PASSWORD, sign_in

    made = create_staff(
        username="admin", password=STRONG_PASSWORD, role="administrator", desks=[],
        acting_user=None,
    )  # fmt: skip
    client = Client()
    sign_in(client, made.user, made.device)
    form = {
        "kind": "taxii", "name": "Border CERT", "url": server.url, "collection_id": COLLECTION,
        "username": USER, "secret": PASSWORD, "ca_file": "",
    }  # fmt: skip
    # Plain HTTP only when the administrator says so.
    refused = client.post("/staff/sharing/partners/add-system/", form)
    assert refused.status_code == 400 and "plain HTTP" in refused.content.decode()
    assert not Partner.objects.exists()
    added = client.post("/staff/sharing/partners/add-system/", {**form, "allow_http": "on"})
    assert added.status_code == 302
    page = client.get("/staff/sharing/partners/").content.decode()
    assert "TAXII 2.1 collection" in page and "plain HTTP: not encrypted" in page
    assert PASSWORD not in page
    # Analysts cannot add one.
    analyst = Client()
    sign_in(analyst, desks.sender.analyst, desks.sender.device, step_offset=1)
    assert analyst.post("/staff/sharing/partners/add-system/", form).status_code == 403
    share = share_with(desks, Partner.objects.get(), stix.Handling())
    outbox.deliver_due()
    share.refresh_from_db()
    assert share.state == ShareState.DELIVERED
