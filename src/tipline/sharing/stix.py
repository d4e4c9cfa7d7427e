"""The content of packages as STIX 2.1 bundles, made and read with the `stix2` library.

A share is a `report` (the description the sender chose, redacted) with `note` objects: the
cover note, the chosen answers (one note, role "answers", the structured list in
`x_tipline_answers`), and each chosen message (role "message", with the time it was written
and who wrote it), and, per attachment, a `file` (its name and SHA-256) whose `content_ref`
is an `artifact` (its bytes, base64) and which may name the message it came with. A
back-channel message or outcome is one `note` whose `object_refs` name the shared report.
Tipline's own fields are custom properties prefixed `x_tipline_` (docs/sharing.md lists
them). Notes without a role Tipline knows (an older Tipline's "report" notes, another
system's notes) are read as messages of the sending desk, written when the note was.
"""

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import stix2
import stix2.exceptions
from django.utils import timezone

MAX_TEXT = 200_000
MAX_ITEMS = 200  # answers, messages
EMPTY = "-"  # a note's content when the text is empty (STIX requires some content)
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8}){0,2}$")
_CATEGORY = re.compile(r"^[-a-z0-9_]{1,50}$")
_KEY = re.compile(r"^[-a-zA-Z0-9_]{1,50}$")
AUTHORS = {"reporter", "desk"}


class MalformedContent(ValueError):
    """The bundle is not STIX 2.1 of the shape a share or back-channel message has."""


@dataclass(frozen=True)
class SharedAnswer:
    """An answer, under its question as the sending desk's category words it."""

    key: str
    question: dict[str, str]  # language code -> wording
    answer: str


@dataclass(frozen=True)
class SharedMessage:
    text: str
    sent_at: datetime
    author: str  # "reporter" or "desk" (of the sending installation)


@dataclass(frozen=True)
class SharedFile:
    name: str
    media_type: str
    content: bytes
    message: int | None = None  # index in ShareContent.messages; None: the report's own


@dataclass(frozen=True)
class ShareContent:
    description: str
    category: str
    language: str
    cover_note: str = ""
    answers: list[SharedAnswer] = field(default_factory=list)
    messages: list[SharedMessage] = field(default_factory=list)
    files: list[SharedFile] = field(default_factory=list)


@dataclass(frozen=True)
class BackContent:
    text: str
    outcome_kind: str = ""
    outcome_count: int | None = None


def report_ref(share_id: str) -> str:
    """The STIX id of a shared report: both sides derive it from the share's id."""
    return f"report--{share_id}"


def share_bundle(share_id: str, sender_name: str, content: ShareContent) -> dict[str, Any]:
    now = timezone.now()
    sender = stix2.v21.Identity(name=sender_name, identity_class="organization")
    ref = report_ref(share_id)
    objects: list[Any] = [sender]

    def note(text: str, role: str, **extra: Any) -> Any:
        made = stix2.v21.Note(
            content=text or EMPTY,
            object_refs=[ref],
            created_by_ref=sender.id,
            allow_custom=True,
            x_tipline_role=role,
            **extra,
        )
        objects.append(made)
        return made

    if content.cover_note:
        note(content.cover_note, "cover", abstract="cover note")
    if content.answers:
        note(
            "\n".join(
                f"{wording(a.question, content.language)}: {a.answer}" for a in content.answers
            ),
            "answers",
            abstract="answers",
            x_tipline_answers=[
                {"key": a.key, "question": a.question, "answer": a.answer} for a in content.answers
            ],
        )
    message_notes = [
        note(
            message.text,
            "message",
            x_tipline_sent_at=_stix_time(message.sent_at),
            x_tipline_author=message.author,
        )
        for message in content.messages
    ]
    artifacts: set[str] = set()
    for shared in content.files:
        artifact = stix2.v21.Artifact(
            payload_bin=base64.b64encode(shared.content).decode("ascii"),
            mime_type=shared.media_type,
        )
        extra = {}
        if shared.message is not None:
            extra["x_tipline_message_ref"] = message_notes[shared.message].id
        file_object = stix2.v21.File(
            name=shared.name,
            hashes={"SHA-256": hashlib.sha256(shared.content).hexdigest()},
            content_ref=artifact.id,
            allow_custom=True,
            **extra,
        )
        if artifact.id not in artifacts:  # the same bytes twice: one artifact
            artifacts.add(artifact.id)
            objects.append(artifact)
        objects.append(file_object)
    report = stix2.v21.Report(
        id=ref,
        name="Shared report",
        description=content.description or EMPTY,
        published=now,
        report_types=["threat-report"],
        created_by_ref=sender.id,
        object_refs=[o.id for o in objects],
        allow_custom=True,
        x_tipline_category=content.category,
        x_tipline_language=content.language,
    )
    bundle = stix2.v21.Bundle(objects=[report, *objects], allow_custom=True)
    return dict(_plain(bundle))


def back_bundle(share_id: str, content: BackContent) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    if content.outcome_kind:
        extra["x_tipline_outcome"] = {"kind": content.outcome_kind, "count": content.outcome_count}
    note = stix2.v21.Note(
        content=content.text or "-",
        object_refs=[report_ref(share_id)],
        allow_custom=True,
        **extra,
    )
    return dict(_plain(stix2.v21.Bundle(objects=[note], allow_custom=True)))


def read_share(bundle: Any, share_id: str, *, max_file_bytes: int) -> ShareContent:
    """The content of a share bundle; `MalformedContent` for anything else."""
    objects = _parse(bundle)
    reports = [o for o in objects if o.type == "report"]
    if len(reports) != 1 or reports[0].id != report_ref(share_id):
        raise MalformedContent("a share holds exactly one report, named by the package id")
    report = reports[0]
    category = str(report.get("x_tipline_category", "other"))
    language = str(report.get("x_tipline_language", "en"))
    if not _CATEGORY.match(category):
        category = "other"
    if not _LANGUAGE.match(language):
        language = "und"
    by_id = {o.id: o for o in objects}
    cover, answers, messages, message_index = "", [], [], {}
    for obj in objects:
        if obj.type != "note":
            continue
        text = _checked_text(obj.content)
        role = obj.get("x_tipline_role")
        if role == "cover":
            cover = text
        elif role == "answers":
            answers.extend(_answers(obj.get("x_tipline_answers")))
        else:
            # "message"; and, read the same way, notes of an older Tipline ("report") or of
            # another system: the sending desk's, written when the note was.
            author = obj.get("x_tipline_author") if role == "message" else "desk"
            declared = obj.get("x_tipline_sent_at")
            sent_at = obj.created if declared is None else parse_time(declared)
            if author not in AUTHORS or not isinstance(sent_at, datetime):
                raise MalformedContent("a message names who wrote it and when")
            message_index[obj.id] = len(messages)
            messages.append(
                SharedMessage(
                    text="" if text == EMPTY else text,
                    sent_at=min(sent_at, timezone.now()),
                    author=author,
                )
            )
    if len(answers) > MAX_ITEMS or len(messages) > MAX_ITEMS:
        raise MalformedContent("too many answers or messages")
    if len({a.key for a in answers}) != len(answers):
        raise MalformedContent("two answers have the same key")
    files = [
        _file(obj, by_id, message_index, max_file_bytes) for obj in objects if obj.type == "file"
    ]
    description = _checked_text(str(report.get("description", "")))
    return ShareContent(
        description="" if description == EMPTY else description,
        category=category,
        language=language,
        cover_note=cover,
        answers=answers,
        messages=messages,
        files=files,
    )


def _answers(value: Any) -> list[SharedAnswer]:
    if not isinstance(value, list) or len(value) > MAX_ITEMS:
        raise MalformedContent("x_tipline_answers is a list of answers")
    answers = []
    for position, item in enumerate(value, start=1):
        if not isinstance(item, dict):
            raise MalformedContent("an answer is an object")
        key = item.get("key", f"answer-{position}")
        question = item.get("question")
        if isinstance(question, str):
            question = {"und": question}
        if (
            not isinstance(key, str)
            or not _KEY.match(key)
            or not isinstance(question, dict)
            or not 0 < len(question) <= 20
            or not all(
                isinstance(code, str) and _LANGUAGE.match(code) and isinstance(text, str)
                for code, text in question.items()
            )
        ):
            raise MalformedContent("an answer has a key, and its question in some languages")
        wording = {code: _checked_text(text)[:1000] for code, text in question.items()}
        answers.append(SharedAnswer(key, wording, _checked_text(item.get("answer"))))
    return answers


def _file(obj: Any, by_id: dict[str, Any], message_index: dict[str, int], limit: int) -> SharedFile:
    artifact = by_id.get(obj.get("content_ref", ""))
    if artifact is None or artifact.type != "artifact" or "payload_bin" not in artifact:
        raise MalformedContent("a file must refer to an artifact holding its bytes")
    try:
        data = base64.b64decode(artifact.payload_bin, validate=True)
    except (binascii.Error, ValueError):
        raise MalformedContent("an artifact's payload is not base64") from None
    if len(data) > limit:
        raise MalformedContent("a file is too large")
    declared = (obj.get("hashes") or {}).get("SHA-256")
    if declared is not None and str(declared).lower() != hashlib.sha256(data).hexdigest():
        raise MalformedContent("a file's SHA-256 is not that of its bytes")
    message_ref = obj.get("x_tipline_message_ref")
    if message_ref is not None and message_ref not in message_index:
        raise MalformedContent("a file names a message that is not in the share")
    return SharedFile(
        name=_checked_text(str(obj.get("name", "file")))[:255] or "file",
        media_type=str(artifact.get("mime_type", "application/octet-stream"))[:100],
        content=data,
        message=message_index[message_ref] if message_ref is not None else None,
    )


def read_back(bundle: Any, share_id: str, *, outcome_kinds: set[str]) -> BackContent:
    objects = _parse(bundle)
    if len(objects) != 1 or objects[0].type != "note":
        raise MalformedContent("a back-channel message is one note")
    note = objects[0]
    if report_ref(share_id) not in note.object_refs:
        raise MalformedContent("the note does not name the shared report")
    outcome = note.get("x_tipline_outcome")
    if outcome is None:
        return BackContent(text=_checked_text(note.content))
    if not isinstance(outcome, dict) or outcome.get("kind") not in outcome_kinds:
        raise MalformedContent("unknown outcome kind")
    count = outcome.get("count")
    if not isinstance(count, int) or isinstance(count, bool) or not 0 <= count <= 1_000_000:
        raise MalformedContent("an outcome's count is a number from 0 to 1000000")
    text = _checked_text(note.content)
    return BackContent(
        text="" if text == "-" else text, outcome_kind=outcome["kind"], outcome_count=count
    )


def _parse(bundle: Any) -> list[Any]:
    if not isinstance(bundle, dict) or bundle.get("type") != "bundle":
        raise MalformedContent("the content is not a STIX bundle")
    try:
        parsed = stix2.parse(bundle, allow_custom=True, version="2.1")
    except (stix2.exceptions.STIXError, ValueError, TypeError, KeyError, AttributeError) as error:
        raise MalformedContent(f"not valid STIX 2.1: {type(error).__name__}") from None
    objects = list(getattr(parsed, "objects", None) or [])
    if not objects or any(isinstance(o, dict) for o in objects):
        raise MalformedContent("the bundle holds unknown or no objects")
    return objects


def _checked_text(value: Any) -> str:
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        raise MalformedContent("a text is missing or too long")
    if "\x00" in value:
        raise MalformedContent("a text holds a NUL character")
    return value


def _plain(obj: Any) -> Any:
    import json

    return json.loads(obj.serialize())


def wording(question: dict[str, str], language: str) -> str:
    """A question in `language`, else in English, else in any language it has."""
    return question.get(language) or question.get("en") or next(iter(question.values()), "")


def _stix_time(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else None
