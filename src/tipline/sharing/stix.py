"""The content of packages as STIX 2.1 bundles, made and read with the `stix2` library.

A share is a `report` (the description the sender chose, redacted) with `note` objects: the
cover note, the chosen answers (one note, role "answers", the structured list in
the extension's `answers`), and each chosen message (role "message", with the time it was written
and who wrote it), and, per attachment, a `file` (its name and SHA-256) whose `content_ref`
is an `artifact` (its bytes, base64) and which may name the message it came with. A
back-channel message or outcome is one `note` whose `object_refs` name the shared report.
Tipline's own fields live in Tipline's extension (`EXTENSION`, a property-extension whose
definition travels in every bundle), so that every bundle parses as strict STIX 2.1. Every
object of a share carries its handling: the TLP 2.0 marking (by its published id) and, in
the extension, the handling code and the grading (docs/sharing.md). Bundles of an older
Tipline, with custom `x_tipline_` properties and no markings, are still read. Notes without a
role Tipline knows (an older Tipline's "report" notes, another system's notes) are read as
messages of the sending desk, written when the note was.
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


# Tipline's extension-definition: fixed id, made once by the Tipline project (its identity).
EXTENSION = "extension-definition--3f0ab2c4-5d0e-4c8a-9d6b-7a1e2c4b9f10"
_PROJECT = "identity--8d6c2e1a-4b7f-4f3e-a2c9-5e1d0b7a3c64"
_DEFINED = "2026-12-01T00:00:00.000Z"
_TLP_EXTENSION = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
# TLP 2.0 as STIX 2.1 marking-definitions, with the ids FIRST and OASIS published for them.
TLP_IDS = {
    "clear": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "green": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "amber": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "amber+strict": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "red": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}
_TLP_BY_ID = {marking: level for level, marking in TLP_IDS.items()}
HANDLING_CODES = ("H0", "H1", "H2", "H3")
SOURCE_GRADES = ("A", "B", "C", "X")
INFORMATION_GRADES = ("1", "2", "3", "X")
# What may not leave the receiving agency again (TLP 2.0 and SIENA's H2).
KEPT_TLP = frozenset({"amber+strict", "red"})
KEPT_CODES = frozenset({"H2"})
MAX_CONDITION = 1000
MAX_CHAIN = 20


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
class Handling:
    """How a share may be used and how far to trust it: a TLP 2.0 level, a handling code
    (H0 law-enforcement purposes only, H1 not in court without permission, H2 not passed on
    without permission, H3 the condition in `condition`), the grading of the source (A/B/C/X)
    and of the information (1/2/3/X), and who passed it on before us (first sender first)."""

    tlp: str = "amber"
    code: str = "H0"
    condition: str = ""
    source: str = "X"
    information: str = "X"
    chain: tuple[str, ...] = ()

    @property
    def may_pass_on(self) -> bool:
        return self.tlp not in KEPT_TLP and self.code not in KEPT_CODES

    @property
    def marking(self) -> str:
        """e.g. "TLP:AMBER · H1 · B2", as every place that shows a shared report shows it."""
        return f"TLP:{self.tlp.upper()} · {self.code} · {self.source}{self.information}"

    def as_json(self) -> dict[str, Any]:
        return {
            "tlp": self.tlp,
            "code": self.code,
            "condition": self.condition,
            "source": self.source,
            "information": self.information,
            "chain": list(self.chain),
        }

    @classmethod
    def from_json(cls, value: Any) -> "Handling | None":
        """The handling kept with a share (None: the share came unmarked, from an older
        version); `MalformedContent` for values outside the lists."""
        if not value:
            return None
        if not isinstance(value, dict):
            raise MalformedContent("handling is an object")
        chain = value.get("chain", [])
        handling = cls(
            tlp=value.get("tlp"),  # type: ignore[arg-type]
            code=value.get("code"),  # type: ignore[arg-type]
            condition=value.get("condition", ""),
            source=value.get("source"),  # type: ignore[arg-type]
            information=value.get("information"),  # type: ignore[arg-type]
            chain=tuple(chain) if isinstance(chain, list) else chain,
        )
        handling.check()
        return handling

    def check(self) -> None:
        if (
            self.tlp not in TLP_IDS
            or self.code not in HANDLING_CODES
            or self.source not in SOURCE_GRADES
            or self.information not in INFORMATION_GRADES
            or not isinstance(self.condition, str)
            or len(self.condition) > MAX_CONDITION
            or "\x00" in self.condition
            or (self.code == "H3") != bool(self.condition.strip())
            or not isinstance(self.chain, tuple)
            or len(self.chain) > MAX_CHAIN
            or not all(isinstance(n, str) and 0 < len(n) <= 200 for n in self.chain)
        ):
            raise MalformedContent("handling outside the lists (docs/sharing.md)")

    def passed_on_by(self, name: str) -> "Handling":
        """The same markings, with `name` added to the chain of who passed it on."""
        return Handling(
            self.tlp,
            self.code,
            self.condition,
            self.source,
            self.information,
            (*self.chain, name)[-MAX_CHAIN:],
        )


@dataclass(frozen=True)
class ShareContent:
    description: str
    category: str
    language: str
    cover_note: str = ""
    answers: list[SharedAnswer] = field(default_factory=list)
    messages: list[SharedMessage] = field(default_factory=list)
    files: list[SharedFile] = field(default_factory=list)
    # None only when read from an older Tipline's bundle, which carried no markings.
    handling: Handling | None = field(default_factory=Handling)


@dataclass(frozen=True)
class BackContent:
    text: str
    outcome_kind: str = ""
    outcome_count: int | None = None


def report_ref(share_id: str) -> str:
    """The STIX id of a shared report: both sides derive it from the share's id."""
    return f"report--{share_id}"


def share_bundle(share_id: str, sender_name: str, content: ShareContent) -> dict[str, Any]:
    """The share as a strict STIX 2.1 bundle: every object marked with the share's TLP level
    and carrying its handling and grading in Tipline's extension; the TLP marking-definition
    and Tipline's extension-definition travel with it."""
    handling = content.handling or Handling()
    handling.check()
    now = timezone.now()
    marked = {"object_marking_refs": [TLP_IDS[handling.tlp]]}

    def tipline(**properties: Any) -> dict[str, Any]:
        values = {key: value for key, value in properties.items() if value is not None}
        return {
            "extensions": {
                EXTENSION: {
                    "extension_type": "property-extension",
                    **_handling_properties(handling),
                    **values,
                }
            },
            **marked,
        }

    sender = stix2.v21.Identity(name=sender_name, identity_class="organization", **tipline())
    ref = report_ref(share_id)
    objects: list[Any] = [sender]

    def note(text: str, role: str, abstract: str | None = None, **extra: Any) -> Any:
        made = stix2.v21.Note(
            content=text or EMPTY,
            object_refs=[ref],
            created_by_ref=sender.id,
            **({"abstract": abstract} if abstract else {}),
            **tipline(role=role, **extra),
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
            answers=[
                {"key": a.key, "question": a.question, "answer": a.answer} for a in content.answers
            ],
        )
    message_notes = [
        note(
            message.text,
            "message",
            sent_at=_stix_time(message.sent_at),
            author=message.author,
        )
        for message in content.messages
    ]
    artifacts: set[str] = set()
    for shared in content.files:
        artifact = stix2.v21.Artifact(
            payload_bin=base64.b64encode(shared.content).decode("ascii"),
            mime_type=shared.media_type,
            **tipline(),
        )
        message_ref = message_notes[shared.message].id if shared.message is not None else None
        file_object = stix2.v21.File(
            name=shared.name,
            hashes={"SHA-256": hashlib.sha256(shared.content).hexdigest()},
            content_ref=artifact.id,
            **tipline(message_ref=message_ref),
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
        **tipline(category=content.category, language=content.language),
    )
    bundle = stix2.v21.Bundle(objects=[report, *objects, *definitions(handling.tlp)])
    return dict(_plain(bundle))


def definitions(tlp: str) -> list[Any]:
    """What a reader needs to understand the markings: the TLP 2.0 marking-definition, and
    Tipline's extension-definition with the identity that defined it."""
    project = stix2.v21.Identity(
        id=_PROJECT,
        name="Tipline",
        description="The Tipline project, which defines Tipline's STIX extension.",
        identity_class="organization",
        created=_DEFINED,
        modified=_DEFINED,
    )
    extension = stix2.v21.ExtensionDefinition(
        id=EXTENSION,
        created_by_ref=_PROJECT,
        created=_DEFINED,
        modified=_DEFINED,
        name="Tipline sharing",
        description=(
            "Handling code (H0-H3 and its condition), grading (source A/B/C/X, information "
            "1/2/3/X), who passed it on, and Tipline's own properties of a shared report."
        ),
        schema=SCHEMA_NOTE,
        version="1.0.0",
        extension_types=["property-extension"],
    )
    marking = stix2.v21.MarkingDefinition(
        id=TLP_IDS[tlp],
        created="2022-10-01T00:00:00.000Z",
        name=f"TLP:{tlp.upper()}",
        extensions={_TLP_EXTENSION: {"extension_type": "property-extension", "tlp_2_0": tlp}},
    )
    return [marking, extension, project]


SCHEMA_NOTE = "The JSON schema is in Tipline's docs/sharing.md, 'Tipline's STIX extension'."


def _handling_properties(handling: Handling) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "handling_code": handling.code,
        "source_reliability": handling.source,
        "information_credibility": handling.information,
    }
    if handling.condition:
        properties["handling_condition"] = handling.condition
    if handling.chain:
        properties["chain"] = list(handling.chain)
    return properties


def revoked_bundle(bundle: dict[str, Any]) -> dict[str, Any]:
    """A withdrawal for a partner that keeps STIX objects (TAXII): a new version of the
    report and of each note, `revoked: true`, `modified` later than the one sent, with the
    same markings and extension (docs/sharing.md, "Withdraw")."""
    objects = _parse(bundle)
    revoked = [o.revoke() for o in objects if o.type in ("report", "note")]
    markings = [o for o in objects if o.type == "marking-definition"]
    return dict(_plain(stix2.v21.Bundle(objects=[*revoked, *markings])))


def back_bundle(share_id: str, content: BackContent) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    if content.outcome_kind:
        extra["extensions"] = {
            EXTENSION: {
                "extension_type": "property-extension",
                "outcome": {"kind": content.outcome_kind, "count": content.outcome_count},
            }
        }
    # One note and nothing else: a partner on the previous version reads it too.
    note = stix2.v21.Note(content=content.text or "-", object_refs=[report_ref(share_id)], **extra)
    return dict(_plain(stix2.v21.Bundle(objects=[note])))


def read_share(bundle: Any, share_id: str, *, max_file_bytes: int) -> ShareContent:
    """The content of a share bundle; `MalformedContent` for anything else."""
    objects = _parse(bundle)
    reports = [o for o in objects if o.type == "report"]
    if len(reports) != 1 or reports[0].id != report_ref(share_id):
        raise MalformedContent("a share holds exactly one report, named by the package id")
    report = reports[0]
    category = str(_own(report, "category") or "other")
    language = str(_own(report, "language") or "en")
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
        role = _own(obj, "role")
        if role == "cover":
            cover = text
        elif role == "answers":
            answers.extend(_answers(_own(obj, "answers")))
        else:
            # "message"; and, read the same way, notes of an older Tipline ("report") or of
            # another system: the sending desk's, written when the note was.
            author = _own(obj, "author") if role == "message" else "desk"
            declared = _own(obj, "sent_at")
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
        handling=_handling(report),
    )


def _own(obj: Any, name: str) -> Any:
    """One of Tipline's properties: in Tipline's extension, or (an older Tipline's bundle)
    as the custom property `x_tipline_<name>`."""
    extension = (obj.get("extensions") or {}).get(EXTENSION)
    if isinstance(extension, dict) and name in extension:
        return extension[name]
    return obj.get(f"x_tipline_{name}")


def _handling(report: Any) -> Handling | None:
    """The share's handling, from the report's TLP marking and Tipline's extension; None for
    a bundle with neither (an older Tipline's, or another system's without a TLP 2.0 level).
    A TLP level without Tipline's handling is taken with the defaults for the rest."""
    levels = {_TLP_BY_ID[m] for m in report.get("object_marking_refs", []) if m in _TLP_BY_ID}
    if len(levels) > 1:
        raise MalformedContent("a share has one TLP level")
    code = _own(report, "handling_code")
    if not levels:
        if code is not None:
            raise MalformedContent("a handling code without a TLP level")
        return None
    chain = _own(report, "chain") or []
    if not isinstance(chain, list):
        raise MalformedContent("chain is a list of names")
    handling = Handling(
        tlp=levels.pop(),
        code=code if code is not None else "H0",
        condition=_own(report, "handling_condition") or "",
        source=_own(report, "source_reliability") or "X",
        information=_own(report, "information_credibility") or "X",
        chain=tuple(chain),
    )
    handling.check()
    return handling


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
    message_ref = _own(obj, "message_ref")
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
    outcome = _own(note, "outcome")
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
