"""The content of packages as STIX 2.1 bundles, made and read with the `stix2` library.

A share is a `report` (the description the sender chose, redacted) with `note` objects (the
cover note, the answers and messages chosen) and, per attachment, a `file` (its name) whose
`content_ref` is an `artifact` (its bytes, base64). A back-channel message or outcome is one
`note` whose `object_refs` name the shared report. Tipline's own fields are custom
properties prefixed `x_tipline_` (docs/sharing.md lists them).
"""

import base64
import binascii
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import stix2
import stix2.exceptions
from django.utils import timezone

MAX_TEXT = 200_000
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8}){0,2}$")
_CATEGORY = re.compile(r"^[-a-z0-9_]{1,50}$")


class MalformedContent(ValueError):
    """The bundle is not STIX 2.1 of the shape a share or back-channel message has."""


@dataclass(frozen=True)
class SharedFile:
    name: str
    media_type: str
    content: bytes


@dataclass(frozen=True)
class ShareContent:
    description: str
    category: str
    language: str
    cover_note: str = ""
    notes: list[str] = field(default_factory=list)
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
    refs: list[str] = [sender.id]
    if content.cover_note:
        note = stix2.v21.Note(
            abstract="cover note",
            content=content.cover_note,
            object_refs=[ref],
            created_by_ref=sender.id,
            allow_custom=True,
            x_tipline_role="cover",
        )
        objects.append(note)
        refs.append(note.id)
    for text in content.notes:
        note = stix2.v21.Note(
            content=text,
            object_refs=[ref],
            created_by_ref=sender.id,
            allow_custom=True,
            x_tipline_role="report",
        )
        objects.append(note)
        refs.append(note.id)
    for shared in content.files:
        artifact = stix2.v21.Artifact(
            payload_bin=base64.b64encode(shared.content).decode("ascii"),
            mime_type=shared.media_type,
        )
        file_object = stix2.v21.File(name=shared.name, content_ref=artifact.id)
        objects.extend([artifact, file_object])
        refs.extend([artifact.id, file_object.id])
    report = stix2.v21.Report(
        id=ref,
        name="Shared report",
        description=content.description or "-",
        published=now,
        report_types=["threat-report"],
        created_by_ref=sender.id,
        object_refs=refs,
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
    cover, notes, files = "", [], []
    for obj in objects:
        if obj.type == "note":
            text = _checked_text(obj.content)
            if obj.get("x_tipline_role") == "cover":
                cover = text
            else:
                notes.append(text)
        elif obj.type == "file":
            artifact = by_id.get(obj.get("content_ref", ""))
            if artifact is None or artifact.type != "artifact" or "payload_bin" not in artifact:
                raise MalformedContent("a file must refer to an artifact holding its bytes")
            try:
                data = base64.b64decode(artifact.payload_bin, validate=True)
            except (binascii.Error, ValueError):
                raise MalformedContent("an artifact's payload is not base64") from None
            if len(data) > max_file_bytes:
                raise MalformedContent("a file is too large")
            files.append(
                SharedFile(
                    name=_checked_text(str(obj.get("name", "file")))[:255] or "file",
                    media_type=str(artifact.get("mime_type", "application/octet-stream"))[:100],
                    content=data,
                )
            )
    return ShareContent(
        description=_checked_text(str(report.get("description", ""))),
        category=category,
        language=language,
        cover_note=cover,
        notes=notes,
        files=files,
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


def parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else None
