"""The receiver's answer to a package, signed, and the sender's check of it (docs/sharing.md,
"The answer").

The answer is compact JSON naming the outcome, the code, the package id (when the package
could be opened) and the BLAKE2b-256 digest of the package's bytes; the receiver signs its
exact bytes (`vault.sign_answer`) and sends the signature in the `Tipline-Signature` header.
The sender counts a package delivered or refused only on an answer signed by the partner it
sent to and naming the digest of what it sent: anything else (no signature, a wrong one, an
answer about other bytes or another package) is "not delivered, retry". So nobody between
the two installations can make a sender drop a package by answering in the receiver's name.
"""

import base64
import binascii
import json
import uuid
from dataclasses import dataclass
from typing import Any

from tipline import vault

VERSION = 1
SIGNATURE_HEADER = "Tipline-Signature"
DIGEST_HEADER = "Tipline-Package-Digest"
MAX_ANSWER_BYTES = 16 * 1024
DIGEST_BYTES = 32  # BLAKE2b-256

ACCEPTED, REPLAYED, REFUSED, RETRY = "accepted", "replayed", "refused", "retry"
OUTCOMES = {ACCEPTED, REPLAYED, REFUSED, RETRY}


@dataclass(frozen=True)
class Answer:
    """What the receiver says about one package."""

    outcome: str  # accepted | replayed | refused | retry
    code: str  # filed | noted | paired, or the reason (docs/sharing.md)
    package_id: uuid.UUID | None = None  # None when the package could not be opened
    package_digest: bytes | None = None  # None only when the body was not read (too large)

    def body(self) -> bytes:
        """The answer's bytes on the wire: compact JSON with sorted keys."""
        return json.dumps(
            {
                "tipline_answer": VERSION,
                "outcome": self.outcome,
                "code": self.code,
                "package": str(self.package_id) if self.package_id else None,
                "package_digest": self.package_digest.hex() if self.package_digest else None,
            },
            separators=(",", ":"),
            sort_keys=True,
        ).encode("ascii")


def signature_header(identity: vault.InstallationIdentity, body: bytes) -> str:
    return base64.b64encode(vault.sign_answer(identity, body)).decode("ascii")


class UnverifiedAnswer(ValueError):
    """The answer is unsigned, wrongly signed, malformed, or about another package."""


def verified(
    raw: bytes,
    signature: str | None,
    *,
    receiver_signing_key: bytes,
    sent_digest: bytes,
    package_id: uuid.UUID | None,
) -> Answer:
    """The answer, once its signature by the receiver and its binding to the package sent
    are checked; `UnverifiedAnswer` otherwise. `package_id` is None for a package queued
    before answers named it (the digest alone binds the answer then)."""
    if not signature:
        raise UnverifiedAnswer("the answer is not signed")
    try:
        vault.verify_answer(
            receiver_signing_key, raw, base64.b64decode(signature.strip(), validate=True)
        )
    except (binascii.Error, ValueError, vault.DecryptionError):
        raise UnverifiedAnswer("the answer's signature does not verify") from None
    answer = _parse(raw)
    if answer.package_digest != sent_digest:
        raise UnverifiedAnswer("the answer is about other bytes than the package sent")
    if answer.package_id is not None and package_id is not None and answer.package_id != package_id:
        raise UnverifiedAnswer("the answer names another package")
    return answer


def _parse(raw: bytes) -> Answer:
    try:
        data: Any = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise UnverifiedAnswer("the answer is not JSON") from None
    if not isinstance(data, dict) or data.get("tipline_answer") != VERSION:
        raise UnverifiedAnswer("not an answer of version 1")
    outcome, code = data.get("outcome"), data.get("code")
    if outcome not in OUTCOMES or not isinstance(code, str) or len(code) > 100:
        raise UnverifiedAnswer("the answer's outcome or code is not one we know")
    try:
        package = data.get("package")
        package_id = uuid.UUID(package) if package is not None else None
        digest = data.get("package_digest")
        package_digest = bytes.fromhex(digest) if digest is not None else None
    except (TypeError, ValueError, AttributeError):
        raise UnverifiedAnswer("the answer's package or digest is malformed") from None
    return Answer(outcome, code, package_id, package_digest)
