"""Partner cards: what one installation gives another to be added (docs/sharing.md)."""

import base64
import binascii
import json
import re
from dataclasses import dataclass
from typing import Any

from tipline import vault
from tipline.desks.models import Desk

from .identity import ensure_identity, fingerprint_of
from .models import DeskSharing

CARD_VERSION = 1
MAX_CARD_BYTES = 20_000
_SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,50}$")


class BadCard(ValueError):
    """The card cannot be read; the message says what is wrong."""


@dataclass(frozen=True)
class Card:
    name: str
    base_url: str
    signing_key: bytes
    encryption_key: bytes
    desks: list[dict[str, str]]
    languages: list[str]

    @property
    def fingerprint(self) -> str:
        return fingerprint_of(self.signing_key, self.encryption_key)


def own_card(base_url: str) -> Card:
    identity = ensure_identity()
    languages: set[str] = set()
    desks = []
    for desk in accepting_desks():
        desks.append({"slug": desk.slug, "name": desk.name})
        languages.update(desk.languages)
    return Card(
        name=identity.name,
        base_url=base_url.rstrip("/"),
        signing_key=bytes(identity.signing_public_key),
        encryption_key=bytes(identity.encryption_public_key),
        desks=desks,
        languages=sorted(languages),
    )


def accepting_desks() -> list[Desk]:
    """The desks that take shares, by slug: never a training desk (its reports are
    synthetic), also one marked accepting before training desks could not be."""
    accepting = DeskSharing.objects.filter(accepts_shares=True, desk__is_training=False)
    return [rule.desk for rule in accepting.select_related("desk").order_by("desk__slug")]


def card_json(card: Card) -> str:
    return json.dumps(
        {
            "tipline_partner_card": CARD_VERSION,
            "name": card.name,
            "base_url": card.base_url,
            "signing_key": vault.encode_key(card.signing_key),
            "encryption_key": vault.encode_key(card.encryption_key),
            "desks": card.desks,
            "languages": card.languages,
        },
        ensure_ascii=False,
        sort_keys=True,
    )


def card_qr_svg(card: Card) -> str:
    """The card's JSON as a QR code (inline SVG, nothing loaded from anywhere): scanned by
    the partner's phone, its text is pasted under "Add a partner"."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(card_json(card), image_factory=qrcode.image.svg.SvgPathImage)
    return str(image.to_string().decode("utf-8"))


def parse_card(text: str | bytes) -> Card:
    """A card from its JSON, every field checked; `BadCard` otherwise."""
    if len(text) > MAX_CARD_BYTES:
        raise BadCard("the card is too large")
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError):
        raise BadCard("the card is not JSON") from None
    if not isinstance(data, dict) or data.get("tipline_partner_card") != CARD_VERSION:
        raise BadCard("this is not a partner card of version 1")
    name = _text(data, "name", 200)
    base_url = _text(data, "base_url", 500).rstrip("/")
    if not re.match(r"^https?://[^\s/?#]+(/[^\s?#]*)?$", base_url):
        raise BadCard("base_url must be an http(s) address")
    desks = data.get("desks")
    if not isinstance(desks, list) or len(desks) > 200:
        raise BadCard("desks must be a list")
    checked_desks = []
    for desk in desks:
        if not isinstance(desk, dict):
            raise BadCard("each desk has a slug and a name")
        slug, desk_name = _text(desk, "slug", 50), _text(desk, "name", 200)
        if not _SLUG.match(slug):
            raise BadCard("a desk's slug uses letters, digits, - and _")
        checked_desks.append({"slug": slug, "name": desk_name})
    languages = data.get("languages", [])
    if not isinstance(languages, list) or not all(
        isinstance(x, str) and 0 < len(x) <= 10 for x in languages
    ):
        raise BadCard("languages must be a list of language codes")
    return Card(
        name=name,
        base_url=base_url,
        signing_key=_key(data, "signing_key", "signing"),
        encryption_key=_key(data, "encryption_key", "encryption"),
        desks=checked_desks,
        languages=list(languages)[:50],
    )


def _text(data: dict[str, Any], field: str, limit: int) -> str:
    value = data.get(field)
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise BadCard(f"{field} must be a text of 1 to {limit} characters")
    if any(ord(ch) < 32 for ch in value):
        raise BadCard(f"{field} holds control characters")
    return value.strip()


def _key(data: dict[str, Any], field: str, kind: str) -> bytes:
    value = data.get(field)
    if not isinstance(value, str):
        raise BadCard(f"{field} is missing")
    try:
        return vault.check_public_key(base64.b64decode(value, validate=True), kind=kind)
    except (binascii.Error, ValueError):
        raise BadCard(f"{field} is not a {kind} key") from None
