"""A partner that runs MISP: added from the shell with its API key; a share is posted as STIX
2.1 to MISP's upload API. The exact bundle posted is turned into a MISP event with
`misp-stix` (what MISP runs on upload), which must hold the report, the file and the `tlp:`
tag. The HTTP side is a small server here that checks the key and answers as MISP does."""

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from misp_stix_converter import stix_2_to_misp

from tipline.casework.tests.helpers import report_in
from tipline.reports.models import Attachment
from tipline.sharing import actions, outbox, stix
from tipline.sharing.models import OutboxPackage, Partner, Share, ShareState
from tipline.sharing.tests.helpers import TwoDesks

pytestmark = pytest.mark.django_db
API_KEY = "b1e2c3d4e5f60718293a4b5c6d7e8f9012345678"


class FakeMisp(ThreadingHTTPServer):
    """Answers `/events/upload_stix/2` and `/events/view/<uuid>` as MISP does, for the right
    key only; keeps what was posted."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.uploads: list[dict[str, Any]] = []
        self.keys_seen: list[str] = []
        self.fail_next = 0
        self.url = f"http://127.0.0.1:{self.server_address[1]}/"
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def holds(self, event_uuid: str) -> bool:
        return any(u["objects"][0]["id"] == f"report--{event_uuid}" for u in self.uploads)


class _Handler(BaseHTTPRequestHandler):
    server: FakeMisp

    def _answer(self, status: int, body: Any) -> None:
        raw = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def _authorised(self) -> bool:
        key = self.headers.get("Authorization", "")
        self.server.keys_seen.append(key)
        if key != API_KEY:
            self._answer(403, {"name": "Authentication failed.", "message": "Forbidden"})
            return False
        return True

    def do_GET(self) -> None:
        if not self._authorised():
            return
        event_uuid = self.path.rsplit("/", 1)[-1]
        if self.path.startswith("/events/view/") and self.server.holds(event_uuid):
            self._answer(200, {"Event": {"uuid": event_uuid}})
        else:
            self._answer(404, {"name": "Invalid event", "message": "Invalid event"})

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if not self._authorised():
            return
        if self.server.fail_next:
            self.server.fail_next -= 1
            self._answer(500, {"name": "Internal error", "message": "Internal error"})
            return
        assert self.path == "/events/upload_stix/2"
        assert self.headers["Content-Type"] == "application/json"
        bundle = json.loads(body)
        self.server.uploads.append(bundle)
        self._answer(200, {"Event": {"uuid": bundle["objects"][0]["id"].split("--")[1]}})

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def misp() -> Iterator[FakeMisp]:
    server = FakeMisp()
    yield server
    server.shutdown()


@pytest.fixture
def desks(files_dir: object) -> TwoDesks:
    return TwoDesks()


def add_misp(misp: FakeMisp, folder: Path) -> Partner:
    secret = folder / "misp-key"
    secret.write_text(API_KEY + "\n")
    call_command(
        "addpartner", "--misp", misp.url, "--name", "National CERT",
        "--secret-file", str(secret), "--allow-http",
    )  # fmt: skip
    return Partner.objects.get(name="National CERT")


def test_a_share_lands_in_misp_as_an_event_with_its_tlp_tag(
    desks: TwoDesks, misp: FakeMisp, tmp_path: Path
) -> None:
    partner = add_misp(misp, tmp_path)
    assert partner.kind == "misp" and API_KEY.encode() not in bytes(partner.credential)
    report, _code = report_in(desks.sender, description="Crates", photo=True)
    share = actions.propose_share(
        desks.open_as_sender(report),
        user=desks.sender.analyst,
        partner=partner,
        desk_slug="events",
        draft=actions.ShareDraft(
            description="Crates at the [redacted] jetty",
            attachment_ids=list(
                Attachment.objects.filter(report=report).values_list("id", flat=True)
            ),
            handling=stix.Handling(tlp="amber+strict", code="H1", source="B", information="2"),
        ),
    )
    misp.fail_next = 1  # MISP had a bad moment: the share waits and is tried again
    assert outbox.deliver(OutboxPackage.objects.get(share=share).id) == "retry"
    share.refresh_from_db()
    assert share.state == ShareState.QUEUED and not misp.uploads
    OutboxPackage.objects.filter(share=share).update(next_attempt_at=timezone.now())
    outbox.deliver_due()
    share.refresh_from_db()
    assert share.state == ShareState.DELIVERED
    assert set(misp.keys_seen) == {API_KEY}
    (posted,) = misp.uploads
    # Another attempt (a lost answer, a second worker) asks MISP first and posts nothing.
    OutboxPackage.objects.filter(share=share).update(
        state="waiting", next_attempt_at=timezone.now()
    )
    outbox.deliver_due()
    assert len(misp.uploads) == 1
    # What MISP runs on upload turns the exact bundle posted into the expected event.
    (tmp_path / "posted.json").write_text(json.dumps(posted))
    result = stix_2_to_misp(tmp_path / "posted.json", single_event=True)
    assert result.get("success") == 1, result
    event = json.loads((tmp_path / "posted.json.out").read_text())
    event = event.get("Event", event)
    assert event["uuid"] == str(share.id)
    assert "tlp:amber+strict" in {t["name"] for t in event["Tag"]}
    reports = [r["content"] for r in event.get("EventReport", [])]
    assert "Crates at the [redacted] jetty" in reports
    (photo,) = [o for o in event["Object"] if o["name"] == "file"]
    assert {a["object_relation"] for a in photo["Attribute"]} >= {"filename", "sha256"}


def test_a_wrong_key_leaves_the_share_queued(
    desks: TwoDesks, misp: FakeMisp, tmp_path: Path
) -> None:
    partner = add_misp(misp, tmp_path)
    from tipline import vault
    from tipline.sharing.identity import installation_secret

    Partner.objects.filter(pk=partner.pk).update(
        credential=vault.wrap_partner_credential(
            installation_secret(), "not-the-key", partner=partner.signing_key_hex
        )
    )
    report, _code = report_in(desks.sender, description="Crates")
    share: Share = actions.propose_share(
        desks.open_as_sender(report),
        user=desks.sender.analyst,
        partner=partner,
        desk_slug="events",
        draft=actions.ShareDraft(description="Crates"),
    )
    assert outbox.deliver(OutboxPackage.objects.get(share=share).id) == "retry"
    package = OutboxPackage.objects.get(share=share)
    assert package.state == "waiting" and package.last_error == "misp: HTTP 403"
    assert not misp.uploads
