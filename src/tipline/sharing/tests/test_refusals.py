"""The receiving endpoint refuses what it must, with a clear error, and writes nothing."""

import base64
import json

import pytest

from tipline import vault
from tipline.reports.models import Attachment, Report
from tipline.sharing import answers
from tipline.sharing.identity import ensure_identity
from tipline.sharing.models import PartnerState, ReceivedPackage, ReceivedShare
from tipline.sharing.tests.helpers import TwoDesks
from tipline.sharing.tests.partner_kit import ENDPOINT, FakePartner, post

pytestmark = pytest.mark.django_db


@pytest.fixture
def desks(files_dir: object) -> TwoDesks:
    return TwoDesks()


def nothing_written() -> bool:
    return not (
        Report.objects.exists()
        or ReceivedShare.objects.exists()
        or ReceivedPackage.objects.exists()
        or Attachment.objects.exists()
    )


def refused(response: object, status: int, code: str) -> None:
    """A clear, signed refusal naming the reason (docs/sharing.md, "The answer")."""
    assert response.status_code == status, response.content  # type: ignore[attr-defined]
    answer = json.loads(response.content)  # type: ignore[attr-defined]
    assert (answer["code"], answer["tipline_answer"]) == (code, 1)
    assert answer["outcome"] == {409: "replayed", 503: "retry"}.get(status, "refused")
    signature = response.headers.get(answers.SIGNATURE_HEADER)  # type: ignore[attr-defined]
    if code == "identity_unavailable":
        assert signature is None  # without its keys it cannot sign: the sender retries
        return
    vault.verify_answer(
        bytes(ensure_identity().signing_public_key),
        response.content,  # type: ignore[attr-defined]
        base64.b64decode(signature),
    )


def test_a_package_from_a_known_partner_is_filed(desks: TwoDesks) -> None:
    partner = FakePartner()
    response = post(partner.package(partner.share_payload()))
    assert response.status_code == 200, response.content
    filed = Report.objects.get(desk=desks.receiver.desk)
    assert ReceivedShare.objects.get(report=filed).sender_name == "Partner agency"
    assert filed.category.slug == "smuggling"


def test_a_package_signed_by_an_unknown_key_is_refused(desks: TwoDesks) -> None:
    stranger = FakePartner(known=False)
    refused(post(stranger.package(stranger.share_payload())), 403, "unknown_sender")
    assert nothing_written()


def test_a_suspended_or_removed_partner_is_refused(desks: TwoDesks) -> None:
    partner = FakePartner()
    for state, code in [
        (PartnerState.SUSPENDED, "suspended"),
        (PartnerState.REMOVED, "unknown_sender"),
    ]:
        type(partner.partner).objects.filter(pk=partner.partner.pk).update(state=state)
        refused(post(partner.package(partner.share_payload())), 403, code)
    assert nothing_written()


def test_an_altered_package_is_refused(desks: TwoDesks) -> None:
    partner = FakePartner()
    body = bytearray(partner.package(partner.share_payload()))
    body[len(body) // 2] ^= 0x40
    refused(post(bytes(body)), 400, "undecryptable")
    assert nothing_written()


def test_a_replayed_package_is_refused_and_lands_once(desks: TwoDesks) -> None:
    partner = FakePartner()
    body = partner.package(partner.share_payload())
    assert post(body).status_code == 200
    refused(post(body), 409, "replayed")
    assert Report.objects.count() == 1


def test_a_desk_that_accepts_no_shares_refuses_them(desks: TwoDesks) -> None:
    partner = FakePartner()
    refused(post(partner.package(partner.share_payload("narcotics"))), 422, "desk_not_accepting")
    refused(post(partner.package(partner.share_payload("no-such-desk"))), 422, "desk_not_accepting")
    assert nothing_written()


@pytest.mark.parametrize(
    "bundle",
    [
        {"type": "bundle", "id": "bundle--not-a-uuid", "objects": []},
        {
            "type": "bundle",
            "id": "bundle--6b0a1a5e-3c1d-4a4e-9d55-2b1f6f7b6a01",
            "objects": [{"type": "report", "spec_version": "2.1"}],
        },
        {"type": "indicator"},
        {
            "type": "bundle",
            "id": "bundle--6b0a1a5e-3c1d-4a4e-9d55-2b1f6f7b6a01",
            "objects": [
                {
                    "type": "note",
                    "spec_version": "2.1",
                    "id": "note--6b0a1a5e-3c1d-4a4e-9d55-2b1f6f7b6a02",
                    "created": "2026-01-01T00:00:00Z",
                    "modified": "2026-01-01T00:00:00Z",
                    "content": "x",
                    "object_refs": ["report--6b0a1a5e-3c1d-4a4e-9d55-2b1f6f7b6a03"],
                }
            ],
        },
    ],
)
def test_malformed_stix_is_refused(desks: TwoDesks, bundle: dict) -> None:
    partner = FakePartner()
    refused(post(partner.package(partner.share_payload(bundle=bundle))), 400, "malformed_stix")
    assert nothing_written()


def test_a_malformed_payload_or_body_is_refused(desks: TwoDesks) -> None:
    partner = FakePartner()
    refused(post(partner.package(b"not json")), 400, "malformed")
    refused(post(partner.package(b'{"tipline_package": 1, "type": "share"}')), 400, "malformed")
    refused(post(b""), 400, "empty")
    refused(post(b"\x00" * 100), 400, "undecryptable")
    assert nothing_written()


def test_the_endpoint_takes_only_post(desks: TwoDesks, client: object) -> None:
    assert client.get(ENDPOINT).status_code == 405  # type: ignore[attr-defined]


def test_without_its_secret_the_installation_answers_503_and_writes_nothing(
    desks: TwoDesks, monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    partner = FakePartner()
    body = partner.package(partner.share_payload())
    monkeypatch.setenv("TIPLINE_INSTALLATION_SECRET_FILE", str(tmp_path / "missing"))  # type: ignore[operator]
    refused(post(body), 503, "identity_unavailable")
    assert nothing_written()
    monkeypatch.delenv("TIPLINE_INSTALLATION_SECRET_FILE")
    assert post(body).status_code == 200  # the sender's retry lands once the secret is back
