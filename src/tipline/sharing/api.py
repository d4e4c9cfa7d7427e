"""The endpoint partners post packages to: POST /sharing/v1/packages (docs/sharing.md).

No session, no cookie, no CSRF token: the package authenticates itself (signed by a partner
key, encrypted to ours), and our answer does too (signed by this installation, naming the
package's digest: `answers`). The body is read in bounded pieces, never more than the limit.

The endpoint declares its own body limit (`TIPLINE_SHARING_MAX_PACKAGE_MB`, 64 MiB by
default), not the admission gate's 1 MiB for forms: a package with one phone photo is
larger than that, and the gate's unsigned 413 would make the sender retry it for ever.
Above the limit the answer is the signed `too_large`; below it the body comes through the
gate's `BoundedBody` (no stalls, a bounded time). A body up to `DRAIN_BYTES` (or four
times the limit, if more) is read and thrown away before that answer: a server that answers
and closes while the sender is still sending resets the connection, the sender never hears
the answer and would retry a package that can never be taken. A larger one is refused
unread.
"""

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from tipline import vault
from tipline.throttling.gate import allowed_methods, body_limit

from . import answers
from .identity import IdentityUnavailable, unlocked_identity
from .receiving import PackageRefused, receive_package

CHUNK = 64 * 1024
DRAIN_BYTES = 256 * 1024 * 1024
logger = logging.getLogger(__name__)


def package_limit() -> int:
    """The largest body taken: the configured package size, and room for the envelope."""
    return int(settings.SHARING_MAX_PACKAGE_BYTES) + 1024


@csrf_exempt  # machine-to-machine: authenticated by the package's signature, no cookie
@allowed_methods("POST")
@body_limit(None)  # checked here against `package_limit`, refused with a signed answer
def packages_endpoint(request: HttpRequest) -> HttpResponse:
    limit = package_limit()
    # The body is not read when it is refused for its length: the answer then names the
    # digest the sender declared, so that it still counts for that package only.
    declared = _declared_digest(request)
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return _answer(answers.Answer(answers.REFUSED, "malformed", None, declared), 400)
    if length > limit:
        if length <= max(DRAIN_BYTES, 4 * limit):
            _drain(request, length)
        return _answer(answers.Answer(answers.REFUSED, "too_large", None, declared), 413)
    body = bytearray()
    while len(body) < length:
        piece = request.read(min(CHUNK, length - len(body)))
        if not piece:
            break
        body += piece
    digest = vault.package_digest(bytes(body))
    if length <= 0:
        return _answer(answers.Answer(answers.REFUSED, "empty", None, digest), 400)
    if len(body) != length:
        # What arrived is not what was sent: the digest differs, so the sender retries.
        return _answer(answers.Answer(answers.REFUSED, "truncated", None, digest), 400)
    try:
        taken = receive_package(bytes(body))
    except PackageRefused as refused:
        answer = answers.Answer(refused.outcome, refused.code, refused.package_id, digest)
        return _answer(answer, refused.status)
    except IdentityUnavailable:
        return _identity_unavailable(digest)
    return _answer(answers.Answer(answers.ACCEPTED, taken.code, taken.package_id, digest), 200)


def _drain(request: HttpRequest, length: int) -> None:
    """Read `length` bytes and keep none (in bounded time: the gate's `BoundedBody`)."""
    left = length
    while left > 0:
        piece = request.read(min(CHUNK, left))
        if not piece:
            return
        left -= len(piece)


def _answer(answer: answers.Answer, status: int) -> HttpResponse:
    body = answer.body()
    try:
        identity = unlocked_identity()
    except IdentityUnavailable:
        return _identity_unavailable(answer.package_digest)
    response = HttpResponse(body, status=status, content_type="application/json")
    response[answers.SIGNATURE_HEADER] = answers.signature_header(identity, body)
    return response


def _identity_unavailable(digest: bytes | None) -> HttpResponse:
    """Without its keys this installation can neither open nor sign: an unsigned 503, which
    a sender takes as "try again later" (the operator must restore the secret)."""
    logger.error("sharing: the installation identity cannot be unlocked")
    body = answers.Answer(answers.RETRY, "identity_unavailable", None, digest).body()
    return HttpResponse(body, status=503, content_type="application/json")


def _declared_digest(request: HttpRequest) -> bytes | None:
    value = request.headers.get(answers.DIGEST_HEADER, "")
    try:
        digest = bytes.fromhex(value.strip())
    except ValueError:
        return None
    return digest if len(digest) == answers.DIGEST_BYTES else None
