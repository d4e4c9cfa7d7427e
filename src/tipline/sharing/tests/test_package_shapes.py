"""Shares of every shape a partner may send are filed as what they hold, or refused clearly:
answers under their questions (`x_tipline_answers`), messages in the conversation, files with
the message they came with; an older Tipline's "report" notes and another system's plain
notes as messages of the sending desk; malformed answers, messages and files refused with
`malformed_stix`, writing nothing."""

import base64
import hashlib
import json
import uuid
from typing import Any

import pytest

from tipline.reports import conversation
from tipline.reports.models import Message, Report
from tipline.sharing import packages, selectors, stix
from tipline.sharing.tests.helpers import TwoDesks
from tipline.sharing.tests.partner_kit import FakePartner, post

pytestmark = pytest.mark.django_db
IDENTITY = "identity--0a0b0c0d-0000-4000-8000-000000000001"


@pytest.fixture
def desks(files_dir: object) -> TwoDesks:
    return TwoDesks()


def send(partner: FakePartner, share_id: uuid.UUID, objects: list[dict[str, Any]]) -> Any:
    """A share whose bundle is written by hand, as a partner without `stix2` would."""
    report = {
        "type": "report",
        "spec_version": "2.1",
        "id": f"report--{share_id}",
        "created": "2026-01-10T08:00:00Z",
        "modified": "2026-01-10T08:00:00Z",
        "name": "Shared report",
        "description": "Fuel smuggled at the old mill",
        "published": "2026-01-10T08:00:00Z",
        "report_types": ["threat-report"],
        "object_refs": [o["id"] for o in objects] or [IDENTITY],
        "x_tipline_category": "smuggling",
        "x_tipline_language": "en",
    }
    bundle = {"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": [report, *objects]}
    payload = packages.make_payload(
        share_id, "share", sender_desk="border", recipient_desk="customs", bundle=bundle
    )
    return post(partner.package(payload))


def note(share_id: uuid.UUID, content: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": "note",
        "spec_version": "2.1",
        "id": f"note--{uuid.uuid4()}",
        "created": "2026-01-09T21:30:00Z",
        "modified": "2026-01-09T21:30:00Z",
        "content": content,
        "object_refs": [f"report--{share_id}"],
        **extra,
    }


def file_objects(name: str, data: bytes, **extra: Any) -> list[dict[str, Any]]:
    artifact = {
        "type": "artifact",
        "spec_version": "2.1",
        "id": f"artifact--{uuid.uuid4()}",
        "payload_bin": base64.b64encode(data).decode(),
        "mime_type": "text/plain",
    }
    return [
        artifact,
        {
            "type": "file",
            "spec_version": "2.1",
            "id": f"file--{uuid.uuid4()}",
            "name": name,
            "hashes": {"SHA-256": hashlib.sha256(data).hexdigest()},
            "content_ref": artifact["id"],
            **extra,
        },
    ]


def filed(desks: TwoDesks) -> conversation.OpenedReport:
    return desks.open_as_receiver(Report.objects.get(desk=desks.receiver.desk))


def test_answers_messages_and_files_are_filed_as_what_they_are(desks: TwoDesks) -> None:
    partner, share_id = FakePartner(name="Border Agency"), uuid.uuid4()
    later = note(
        share_id,
        "The tanker is blue",
        x_tipline_role="message",
        x_tipline_author="reporter",
        x_tipline_sent_at="2026-01-09T22:00:00+00:00",
    )
    earlier = note(
        share_id,
        "-",  # a message with a file only
        x_tipline_role="message",
        x_tipline_author="desk",
        x_tipline_sent_at="2026-01-09T20:00:00Z",
    )
    answers = note(
        share_id,
        "Where? The old mill",
        x_tipline_role="answers",
        x_tipline_answers=[
            {"key": "where", "question": {"en": "Where?", "ur": "کہاں؟"}, "answer": "The mill"},
            {"question": "How many trucks?", "answer": "Three"},
        ],
    )
    objects = [
        later,
        earlier,
        answers,
        *file_objects("plan.txt", b"plan", x_tipline_message_ref=earlier["id"]),
    ]
    response = send(partner, share_id, objects)
    assert response.status_code == 200, response.content
    opened = filed(desks)
    assert conversation.answer_rows(opened, "ur") == [
        ("کہاں؟", "The mill"),
        ("How many trucks?", "Three"),
    ]
    talk = conversation.read_conversation(opened)
    assert [(m.text, f"{m.sent_at:%H:%M}") for m in talk[1:]] == [
        ("", "20:00"),
        ("The tanker is blue", "22:00"),
    ]
    assert [a.name for a in talk[1].attachments] == ["plan.txt"] and not talk[0].attachments
    origin = selectors.shared_origin(opened.report.id)
    assert origin is not None and origin.shared_by == "Border Agency"
    assert [origin.author_of(m.message_id) for m in talk[1:]] == ["desk", "reporter"]


def test_notes_of_an_older_tipline_or_another_system_are_the_sending_desks_messages(
    desks: TwoDesks,
) -> None:
    partner, share_id = FakePartner(), uuid.uuid4()
    objects = [
        note(share_id, "How do you know this?: I saw it myself", x_tipline_role="report"),
        note(share_id, "A plain STIX note from another system"),
        note(share_id, "See you at the border", x_tipline_role="cover"),
    ]
    assert send(partner, share_id, objects).status_code == 200
    opened = filed(desks)
    talk = conversation.read_conversation(opened)
    assert [m.text for m in talk[1:]] == [
        "How do you know this?: I saw it myself",
        "A plain STIX note from another system",
    ]
    assert {f"{m.sent_at:%Y-%m-%d %H:%M}" for m in talk[1:]} == {"2026-01-09 21:30"}  # both
    origin = selectors.shared_origin(opened.report.id)
    assert [origin.author_of(m.message_id) for m in talk[1:]] == ["desk", "desk"]  # type: ignore[union-attr]
    assert conversation.read_content(opened)["description"] == "Fuel smuggled at the old mill"
    assert conversation.answer_rows(opened, "en") == []


@pytest.mark.parametrize(
    "broken",
    [
        {"x_tipline_role": "answers"},  # no list of answers
        {"x_tipline_role": "answers", "x_tipline_answers": [{"question": {"en": "Q"}}]},
        {"x_tipline_role": "answers", "x_tipline_answers": [{"question": {}, "answer": "a"}]},
        {
            "x_tipline_role": "answers",
            "x_tipline_answers": [{"key": "bad key!", "question": "Q", "answer": "a"}],
        },
        {
            "x_tipline_role": "answers",
            "x_tipline_answers": [
                {"key": "k", "question": "Q", "answer": "a"},
                {"key": "k", "question": "Q", "answer": "b"},
            ],
        },
        {"x_tipline_role": "message", "x_tipline_author": "the mayor"},
        {"x_tipline_role": "message", "x_tipline_author": "reporter", "x_tipline_sent_at": 5},
    ],
)
def test_malformed_answers_or_messages_are_refused_and_nothing_is_written(
    desks: TwoDesks, broken: dict[str, Any]
) -> None:
    partner, share_id = FakePartner(), uuid.uuid4()
    response = send(partner, share_id, [note(share_id, "text", **broken)])
    assert response.status_code == 400, response.content
    assert json.loads(response.content)["code"] == "malformed_stix"
    assert not Report.objects.exists() and not Message.objects.exists()


@pytest.mark.parametrize("what", ["wrong hash", "unknown message"])
def test_a_file_that_lies_about_its_bytes_or_its_message_is_refused(
    desks: TwoDesks, what: str
) -> None:
    partner, share_id = FakePartner(), uuid.uuid4()
    objects = file_objects("plan.txt", b"plan")
    if what == "wrong hash":
        objects[1]["hashes"] = {"SHA-256": hashlib.sha256(b"other").hexdigest()}
    else:
        objects[1]["x_tipline_message_ref"] = f"note--{uuid.uuid4()}"
    response = send(partner, share_id, objects)
    assert response.status_code == 400
    assert json.loads(response.content)["code"] == "malformed_stix"
    assert not Report.objects.exists()


def test_what_stix2_makes_reads_back_the_same(desks: TwoDesks) -> None:
    """Our own bundle round-trips: answers, messages (with their time and author), files
    with their message, two files of the same bytes."""
    share_id = str(uuid.uuid4())
    moment = stix.parse_time("2026-01-09T20:00:00+00:00")
    assert moment is not None
    content = stix.ShareContent(
        description="d",
        category="smuggling",
        language="ur",
        cover_note="c",
        answers=[stix.SharedAnswer("where", {"en": "Where?", "ur": "کہاں؟"}, "mill")],
        messages=[
            stix.SharedMessage("", moment, "desk"),
            stix.SharedMessage("m", moment, "reporter"),
        ],
        files=[
            stix.SharedFile("a.txt", "text/plain", b"same", None),
            stix.SharedFile("a.txt", "text/plain", b"same", 1),
        ],
    )
    bundle = stix.share_bundle(share_id, "Agency", content)
    assert stix.read_share(bundle, share_id, max_file_bytes=1000) == content
