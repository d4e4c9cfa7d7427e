"""Handling and grading on every share: the TLP 2.0 level (standard marking-definitions, by
their published ids) and, in Tipline's extension, the handling code and the grading, on the
report and every object it refers to; carried to the receiver and enforced there (RED,
AMBER+STRICT and H2 are never passed on; what may go on keeps its markings and adds the
chain). Every bundle is strict STIX 2.1 and passes `stix2-validator` with no error."""

import base64
import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import stix2
from django.core.exceptions import ValidationError
from stix2validator import ValidationOptions, validate_instance

from tipline.audit.models import AuditEvent
from tipline.casework.tests.helpers import report_in
from tipline.sharing import actions, outbox, packages, stix
from tipline.sharing.models import DeskSharing, OutboxPackage, ReceivedShare, Share
from tipline.sharing.tests.helpers import TwoDesks
from tipline.sharing.tests.partner_kit import FakePartner, post
from tipline.testing.fixtures import DeskWithRecipient

pytestmark = pytest.mark.django_db
EVERY_LEVEL = ["clear", "green", "amber", "amber+strict", "red"]


@pytest.fixture
def desks(files_dir: object) -> TwoDesks:
    return TwoDesks()


def assert_valid(bundle: dict[str, Any]) -> None:
    """Strict STIX 2.1 (no custom content) and no error from the OASIS validator."""
    stix2.parse(bundle, allow_custom=False, version="2.1")
    result = validate_instance(bundle, ValidationOptions(version="2.1"))
    assert result.is_valid, [str(e) for e in result.errors]
    assert not any(o["id"].startswith("x-") or "x_tipline" in str(o) for o in bundle["objects"])


def published_schema() -> dict[str, Any]:
    """The JSON schema of Tipline's extension as docs/sharing.md publishes it."""
    doc = (Path(__file__).resolve().parents[4] / "docs" / "sharing.md").read_text()
    section = doc.split("### Tipline's STIX extension", 1)[1]
    return json.loads(section.split("```json", 2)[2].split("```", 1)[0])


def full_content(handling: stix.Handling) -> stix.ShareContent:
    return stix.ShareContent(
        description="Crates at the [redacted] jetty",
        category="drug-trafficking",
        language="ur",
        cover_note="Tonight",
        answers=[stix.SharedAnswer("where", {"en": "Where?", "ur": "کہاں؟"}, "North jetty")],
        messages=[
            stix.SharedMessage("Ask for [name]", datetime(2026, 11, 1, 20, tzinfo=UTC), "reporter"),
            stix.SharedMessage("Which boat?", datetime(2026, 11, 1, 21, tzinfo=UTC), "desk"),
        ],
        files=[
            stix.SharedFile("plan.txt", "text/plain", b"route A4", message=0),
            stix.SharedFile("same.txt", "text/plain", b"route A4"),
        ],
        handling=handling,
    )


# Every level and every code, each at least once.
@pytest.mark.parametrize(
    ("tlp", "code"), list(zip(EVERY_LEVEL, [*stix.HANDLING_CODES, "H3"], strict=True))
)
def test_every_kind_of_bundle_is_strict_stix_and_passes_the_validator(tlp: str, code: str) -> None:
    handling = stix.Handling(
        tlp=tlp,
        code=code,
        condition="Ask us first" if code == "H3" else "",
        source="B",
        information="2",
        chain=("Agency Z",),
    )
    share_id = str(uuid.uuid4())
    bundle = stix.share_bundle(share_id, "Agency A", full_content(handling))
    assert_valid(bundle)
    by_type: dict[str, list[dict[str, Any]]] = {}
    for obj in bundle["objects"]:
        by_type.setdefault(obj["type"], []).append(obj)
    (report,) = by_type["report"]
    (marking,) = by_type["marking-definition"]
    assert marking["id"] == stix.TLP_IDS[tlp] and marking["name"] == f"TLP:{tlp.upper()}"
    (definition,) = by_type["extension-definition"]
    assert definition["id"] == stix.EXTENSION
    # The report and every object it refers to carry the level and the handling.
    marked = [o for o in bundle["objects"] if o["id"] in {report["id"], *report["object_refs"]}]
    assert (
        len(marked) == 1 + len(report["object_refs"]) == 9
    )  # identity, 4 notes, 2 files, 1 artifact
    for obj in marked:
        assert obj["object_marking_refs"] == [stix.TLP_IDS[tlp]]
        own = obj["extensions"][stix.EXTENSION]
        assert own["handling_code"] == code and own["source_reliability"] == "B"
        assert own["information_credibility"] == "2" and own["chain"] == ["Agency Z"]
        assert own.get("handling_condition") == ("Ask us first" if code == "H3" else None)
    assert report["extensions"][stix.EXTENSION]["category"] == "drug-trafficking"
    back = stix.back_bundle(share_id, stix.BackContent("Thanks", "seizure", 2))
    assert_valid(back)
    # What Tipline writes in its extension is what the published schema allows.
    schema = published_schema()
    for obj in [*bundle["objects"], *back["objects"]]:
        if stix.EXTENSION in obj.get("extensions", {}):
            jsonschema.validate(obj["extensions"][stix.EXTENSION], schema)
    with pytest.raises(jsonschema.ValidationError):  # H3 names its conditions
        jsonschema.validate({"extension_type": "property-extension", "handling_code": "H3"}, schema)
    assert_valid(stix.back_bundle(share_id, stix.BackContent("A message only")))
    read = stix.read_share(bundle, share_id, max_file_bytes=100)
    assert read == full_content(handling)
    assert stix.read_back(back, share_id, outcome_kinds={"seizure"}).outcome_count == 2


@pytest.mark.parametrize("tlp", EVERY_LEVEL)
def test_a_share_arrives_with_its_markings_shown_and_audited(desks: TwoDesks, tlp: str) -> None:
    code = {"clear": "H0", "green": "H1", "amber": "H2", "amber+strict": "H3", "red": "H0"}[tlp]
    report, _code = report_in(desks.sender, description="Crates")
    handling = stix.Handling(
        tlp=tlp,
        code=code,
        condition="Not before Monday" if code == "H3" else "",
        source="A",
        information="3",
    )
    actions.propose_share(
        desks.open_as_sender(report),
        user=desks.sender.analyst,
        partner=None,
        desk_slug="customs",
        draft=actions.ShareDraft(description="Crates", handling=handling),
    )
    assert Share.objects.get().handling == handling.as_json()
    outbox.deliver_due()
    received = ReceivedShare.objects.get()
    assert stix.Handling.from_json(received.handling) == handling
    filed = AuditEvent.objects.get(action="share.received")
    assert handling.marking in str(filed.detail)


def test_what_may_be_passed_on_keeps_its_markings_and_adds_the_chain(desks: TwoDesks) -> None:
    third = DeskWithRecipient("border", name="Border desk")
    DeskSharing.objects.create(desk=third.desk, accepts_shares=True)
    report, _code = report_in(desks.sender, description="Crates")
    original = stix.Handling(tlp="green", code="H1", source="B", information="2")
    actions.propose_share(
        desks.open_as_sender(report),
        user=desks.sender.analyst,
        partner=None,
        desk_slug="customs",
        draft=actions.ShareDraft(description="Crates", handling=original),
    )
    outbox.deliver_due()
    received = ReceivedShare.objects.get()
    # The receiver asks for laxer markings: the original's stay, with who shared it added.
    actions.propose_share(
        desks.open_as_receiver(received.report),
        user=desks.receiver.analyst,
        partner=None,
        desk_slug="border",
        draft=actions.ShareDraft(description="Crates", handling=stix.Handling(tlp="clear")),
    )
    outbox.deliver_due()
    passed_on = ReceivedShare.objects.get(report__desk=third.desk)
    assert passed_on.shared_by == "Customs desk"
    assert stix.Handling.from_json(passed_on.handling) == stix.Handling(
        tlp="green", code="H1", source="B", information="2", chain=("Narcotics desk",)
    )


@pytest.mark.parametrize(
    "original",
    [
        stix.Handling(tlp="red"),
        stix.Handling(tlp="amber+strict"),
        stix.Handling(tlp="green", code="H2"),
    ],
    ids=["red", "amber+strict", "h2"],
)
def test_red_amber_strict_and_h2_are_never_passed_on(
    desks: TwoDesks, original: stix.Handling
) -> None:
    partner = FakePartner(name="Border Agency")
    share_id = uuid.uuid4()
    content = stix.ShareContent(
        description="Truck", category="smuggling", language="en", handling=original
    )
    payload = packages.make_payload(
        share_id,
        "share",
        sender_desk="border",
        recipient_desk="customs",
        bundle=stix.share_bundle(str(share_id), "Border Agency", content),
    )
    assert post(partner.package(payload)).status_code == 200
    received = ReceivedShare.objects.get()
    DeskSharing.objects.update_or_create(desk=desks.sender.desk, defaults={"accepts_shares": True})
    with pytest.raises(ValidationError, match="may not be passed on"):
        actions.propose_share(
            desks.open_as_receiver(received.report),
            user=desks.receiver.analyst,
            partner=None,
            desk_slug="narcotics",
            draft=actions.ShareDraft(description="Truck"),
        )
    assert not Share.objects.exists() and not OutboxPackage.objects.filter(kind="share").exists()


def test_an_unmarked_share_of_the_previous_version_still_files(desks: TwoDesks) -> None:
    """Before markings, a share had `x_tipline_` properties and no TLP: it files, unmarked,
    and the case says it came without handling markings."""
    partner = FakePartner(name="Old Agency")
    share_id = uuid.uuid4()
    identity = stix2.v21.Identity(name="Old Agency", identity_class="organization")
    note = stix2.v21.Note(
        content="Tonight",
        object_refs=[f"report--{share_id}"],
        allow_custom=True,
        x_tipline_role="cover",
    )
    report = stix2.v21.Report(
        id=f"report--{share_id}",
        name="Shared report",
        description="Truck",
        published="2026-11-01T00:00:00Z",
        report_types=["threat-report"],
        object_refs=[identity.id, note.id],
        allow_custom=True,
        x_tipline_category="smuggling",
        x_tipline_language="ur",
    )
    bundle = stix2.v21.Bundle(objects=[report, identity, note], allow_custom=True)
    payload = packages.make_payload(
        share_id,
        "share",
        sender_desk="border",
        recipient_desk="customs",
        bundle=__import__("json").loads(bundle.serialize()),
    )
    assert post(partner.package(payload)).status_code == 200
    received = ReceivedShare.objects.get()
    assert received.handling == {} and received.report.language == "ur"


@pytest.mark.parametrize(
    "tampered",
    [
        {"handling_code": "H9"},
        {"source_reliability": "E"},
        {"handling_code": "H3"},  # H3 without its condition
        {"chain": "Agency Z"},
    ],
)
def test_handling_outside_the_lists_is_refused_and_nothing_filed(
    desks: TwoDesks, tampered: dict[str, Any]
) -> None:
    partner = FakePartner(name="Border Agency")
    share_id = uuid.uuid4()
    content = stix.ShareContent(description="Truck", category="smuggling", language="en")
    bundle = stix.share_bundle(str(share_id), "Border Agency", content)
    bundle["objects"][0]["extensions"][stix.EXTENSION].update(tampered)
    payload = packages.make_payload(
        share_id, "share", sender_desk="border", recipient_desk="customs", bundle=bundle
    )
    answer = post(partner.package(payload))
    assert answer.status_code == 400 and b"malformed_stix" in answer.content
    assert not ReceivedShare.objects.exists()


def test_two_tlp_levels_on_one_report_are_refused(desks: TwoDesks) -> None:
    partner = FakePartner(name="Border Agency")
    share_id = uuid.uuid4()
    content = stix.ShareContent(description="Truck", category="smuggling", language="en")
    bundle = stix.share_bundle(str(share_id), "Border Agency", content)
    bundle["objects"][0]["object_marking_refs"].append(stix.TLP_IDS["clear"])
    payload = packages.make_payload(
        share_id, "share", sender_desk="border", recipient_desk="customs", bundle=bundle
    )
    assert post(partner.package(payload)).status_code == 400
    assert not ReceivedShare.objects.exists()


def test_the_reporter_is_never_in_a_bundle(desks: TwoDesks) -> None:
    """What leaves is what the analyst chose, marked: no receipt, no address, no identity
    object for the reporter, no file metadata (the photo's GPS and EXIF were removed at
    intake, and a `file` names only its name, hash and bytes)."""
    from io import BytesIO

    from PIL import Image

    from tipline import vault
    from tipline.reports.models import Attachment
    from tipline.sharing.identity import ensure_identity, unlocked_identity

    report, receipt = report_in(desks.sender, description="Crates", photo=True)
    share = actions.propose_share(
        desks.open_as_sender(report),
        user=desks.sender.analyst,
        partner=None,
        desk_slug="customs",
        draft=actions.ShareDraft(
            description="Crates",
            attachment_ids=list(
                Attachment.objects.filter(report=report).values_list("id", flat=True)
            ),
        ),
    )
    opened = vault.open_package(unlocked_identity(), bytes(share.package))
    payload = packages.read_payload(opened.payload)
    bundle = payload.bundle
    assert_valid(bundle)
    text = json.dumps(bundle)
    assert receipt not in text and receipt.replace("-", "") not in text
    assert report.receipt_lookup not in text and "127.0.0.1" not in text
    identities = [o for o in bundle["objects"] if o["type"] == "identity"]
    # The sending agency and the project that defines the extension: nobody else.
    assert {o["name"] for o in identities} == {ensure_identity().name, "Tipline"}
    assert all(o["identity_class"] == "organization" for o in identities)
    (file_object,) = [o for o in bundle["objects"] if o["type"] == "file"]
    assert set(file_object) == {
        "type",
        "spec_version",
        "id",
        "name",
        "hashes",
        "content_ref",
        "object_marking_refs",
        "extensions",
    }
    (artifact,) = [o for o in bundle["objects"] if o["type"] == "artifact"]
    photo = Image.open(BytesIO(base64.b64decode(artifact["payload_bin"])))
    assert not photo.getexif() and "GPSInfo" not in photo.info
