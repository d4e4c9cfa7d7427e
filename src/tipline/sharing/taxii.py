"""Delivery to a TAXII 2.1 collection (OpenCTI's TAXII Push ingester, or any TAXII 2.1
server): the share's bundle is posted with *Add Objects*, and the server's status followed
until it says it took them.

The outbox keeps the package sealed to our own installation key (nothing readable at
rest); here it is opened, and its STIX objects posted. Delivery is checked, not assumed:
the share counts as delivered once the collection holds the bundle's first object (the
report, or a back-channel note) at its version. That check runs before each post too, so a
post whose answer was lost (a timeout after the server took it) is not posted again. An
error (refused credentials, a 500, a timeout, an unreachable server) leaves the package
waiting, retried with back-off. Plain HTTP is used only for a partner an administrator
allowed it for; TLS certificates are always checked (against the partner's CA file when
one is given).
"""

import base64
import json
import ssl
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from tipline import vault

from . import packages
from .identity import installation_secret, unlocked_identity
from .models import OutboxPackage, Partner

MEDIA_TYPE = "application/taxii+json;version=2.1"
TIMEOUT_SECONDS = 30
MAX_ANSWER_BYTES = 1_000_000


class Unreachable(Exception):
    """No answer we can use: the package waits and is tried again."""


def deliver(package: OutboxPackage) -> tuple[str, str]:
    """One attempt for a package to a TAXII partner: ("delivered" | "refused" | "retry",
    reason)."""
    partner: Partner = package.partner  # type: ignore[assignment]  # the outbox checked it
    opened = vault.open_package(unlocked_identity(), bytes(package.body))
    bundle = packages.read_payload(opened.payload).bundle
    # Not the extension-definition: its `version` property ("1.0.0") is taken for the
    # object's version by servers that look for one (medallion's filters fail on it). Its
    # id names Tipline's extension, published in docs/sharing.md.
    objects = [o for o in bundle["objects"] if o["type"] != "extension-definition"]
    first = objects[0]
    try:
        if _holds(partner, first):
            return "delivered", ""
        if package.remote_status:
            status = _request(partner, "GET", f"status/{package.remote_status}/")
        else:
            status = _request(
                partner,
                "POST",
                f"collections/{partner.collection_id}/objects/",
                {"objects": objects},
            )
            OutboxPackage.objects.filter(pk=package.pk).update(
                remote_status=str(status.get("id", ""))[:100]
            )
    except Unreachable as error:
        return "retry", str(error)[:200]
    if status.get("status") != "complete":
        return "retry", "taxii: pending"  # followed at the next attempt
    try:
        if _holds(partner, first):
            return "delivered", ""
    except Unreachable:
        # A collection we may add to but not read: the server's word is all there is.
        if not int(status.get("failure_count", 1)):
            return "delivered", ""
        return "retry", "taxii: not readable"
    return "refused", f"taxii: not taken ({status.get('failure_count', '?')} failed)"


def _holds(partner: Partner, obj: dict[str, Any]) -> bool:
    """Whether the collection holds `obj` at its version."""
    path = f"collections/{partner.collection_id}/objects/{obj['id']}/?match%5Bversion%5D=all"
    try:
        found = _request(partner, "GET", path)
    except NotFound:
        return False
    version = obj.get("modified") or obj.get("created")
    return any(
        o.get("id") == obj["id"] and (o.get("modified") or o.get("created")) == version
        for o in found.get("objects", [])
    )


class NotFound(Unreachable):
    pass


def _request(
    partner: Partner,
    method: str,
    path: str,
    body: dict[str, Any] | None = None,
    *,
    media_type: str = MEDIA_TYPE,
) -> dict[str, Any]:
    """One HTTP request to a partner of another kind, as its API wants it: JSON both ways,
    TLS checked, plain HTTP only where allowed. `NotFound` for a 404, `Unreachable` for
    any other failure (its reason names a status or an error class, never content)."""
    kind = partner.kind
    url = partner.base_url.rstrip("/") + "/" + path
    if urllib.parse.urlsplit(url).scheme != "https" and not partner.allow_http:
        raise Unreachable(f"{kind}: plain HTTP not allowed for this partner")
    request = urllib.request.Request(  # noqa: S310 - checked scheme, the administrator's URL
        url,
        data=json.dumps(body).encode("utf-8") if body is not None else None,
        method=method,
        headers={
            "Accept": media_type,
            "Content-Type": media_type,
            "Authorization": authorization(partner),
        },
    )
    try:
        with urllib.request.urlopen(  # noqa: S310
            request, timeout=TIMEOUT_SECONDS, context=tls_context(partner)
        ) as response:
            raw = response.read(MAX_ANSWER_BYTES)
    except urllib.error.HTTPError as error:
        if error.code == 404:
            raise NotFound(f"{kind}: 404") from None
        raise Unreachable(f"{kind}: HTTP {error.code}") from None
    except (urllib.error.URLError, OSError, TimeoutError) as error:
        raise Unreachable(f"{kind}: unreachable: {type(error).__name__}") from None
    try:
        answer = json.loads(raw)
    except ValueError:
        raise Unreachable(f"{kind}: not JSON") from None
    if isinstance(answer, list):  # MISP answers some calls with a list of events
        answer = {"items": answer}
    if not isinstance(answer, dict):
        raise Unreachable(f"{kind}: not an answer of its API")
    return answer


def authorization(partner: Partner) -> str:
    """HTTP basic with a username, else a bearer token (MISP: the API key as it is)."""
    secret = vault.unwrap_partner_credential(
        installation_secret(), bytes(partner.credential), partner=partner.signing_key_hex
    )
    if partner.kind == "misp":
        return secret
    if partner.username:
        pair = f"{partner.username}:{secret}".encode()
        return "Basic " + base64.b64encode(pair).decode("ascii")
    return f"Bearer {secret}"


def tls_context(partner: Partner) -> ssl.SSLContext:
    """Certificates always checked: against the partner's CA file, else the system's."""
    return ssl.create_default_context(cafile=partner.ca_file or None)
