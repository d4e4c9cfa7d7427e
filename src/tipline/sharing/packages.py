"""The JSON payload inside a package (signed and encrypted by `tipline.vault.installation`).

{"tipline_package": 1, "id": "<uuid>", "type": "hello|share|message|outcome|opened",
 "created": "<ISO 8601 with offset>", "sender_desk": "<slug>",
 "recipient_desk": "<slug, share only>", "about": "<share uuid, back channel>",
 "to": "sender|receiver (back channel: which side of the share it is for)",
 "bundle": {STIX 2.1 bundle: share, message, outcome}}
"""

import json
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.utils import timezone

from .stix import parse_time

VERSION = 1
KINDS = {"hello", "share", "message", "outcome", "opened", "withdraw"}
MAX_AGE = timedelta(days=30)
MAX_CLOCK_SKEW = timedelta(minutes=10)


class MalformedPayload(ValueError):
    pass


@dataclass(frozen=True)
class Payload:
    package_id: uuid.UUID
    kind: str
    sender_desk: str
    recipient_desk: str
    about: uuid.UUID | None
    to: str
    bundle: Any


def make_payload(
    package_id: uuid.UUID,
    kind: str,
    *,
    sender_desk: str = "",
    recipient_desk: str = "",
    about: uuid.UUID | None = None,
    to: str = "",
    bundle: dict[str, Any] | None = None,
) -> bytes:
    data: dict[str, Any] = {
        "tipline_package": VERSION,
        "id": str(package_id),
        "type": kind,
        "created": timezone.now().isoformat(),
        "sender_desk": sender_desk,
    }
    if recipient_desk:
        data["recipient_desk"] = recipient_desk
    if about is not None:
        data["about"] = str(about)
        data["to"] = to
    if bundle is not None:
        data["bundle"] = bundle
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def read_payload(raw: bytes) -> Payload:
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise MalformedPayload("the payload is not UTF-8 JSON") from None
    if not isinstance(data, dict) or data.get("tipline_package") != VERSION:
        raise MalformedPayload("not a package of version 1")
    kind = data.get("type")
    if kind not in KINDS:
        raise MalformedPayload("unknown package type")
    try:
        package_id = uuid.UUID(str(data.get("id")))
    except ValueError:
        raise MalformedPayload("id is not a UUID") from None
    created = parse_time(data.get("created"))
    now = timezone.now()
    if created is None or created > now + MAX_CLOCK_SKEW or created < now - MAX_AGE:
        raise MalformedPayload("created is missing, in the future or older than 30 days")
    about = None
    if kind in {"message", "outcome", "opened", "withdraw"}:
        try:
            about = uuid.UUID(str(data.get("about")))
        except ValueError:
            raise MalformedPayload("about is not a UUID") from None
        if data.get("to") not in {"sender", "receiver"}:
            raise MalformedPayload("to is sender or receiver")
    texts = {k: data.get(k, "") for k in ("sender_desk", "recipient_desk")}
    if not all(isinstance(v, str) and len(v) <= 50 for v in texts.values()):
        raise MalformedPayload("desk slugs are short texts")
    if kind in {"share", "message", "outcome"} and not isinstance(data.get("bundle"), dict):
        raise MalformedPayload("this package type carries a STIX bundle")
    return Payload(
        package_id=package_id,
        kind=kind,
        sender_desk=texts["sender_desk"],
        recipient_desk=texts["recipient_desk"],
        about=about,
        to=str(data.get("to", "")),
        bundle=data.get("bundle"),
    )
