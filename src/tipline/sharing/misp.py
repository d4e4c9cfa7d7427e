"""Delivery to a MISP instance: the share's STIX 2.1 bundle is posted to MISP's STIX upload
API (`/events/upload_stix/2`, with the API key in `Authorization`), which turns it into a
MISP event with `misp-stix` (the report becomes the event, under the report's uuid, with
its `tlp:` tag from the TLP 2.0 marking).

As for a TAXII partner, delivery is checked: before posting, MISP is asked whether it holds
the event (`/events/view/<share id>`), so a post whose answer was lost is not posted again;
a refused key, a 500, a timeout or an unreachable server leave the package waiting, retried
with back-off.
"""

import uuid

from tipline import vault

from . import packages
from .identity import unlocked_identity
from .models import OutboxPackage, Partner
from .taxii import NotFound, Unreachable, _request

MEDIA_TYPE = "application/json"
UPLOAD_PATH = "events/upload_stix/2"


def deliver(package: OutboxPackage) -> tuple[str, str]:
    """One attempt for a package to a MISP partner: ("delivered" | "retry", reason)."""
    partner: Partner = package.partner  # type: ignore[assignment]  # the outbox checked it
    opened = vault.open_package(unlocked_identity(), bytes(package.body))
    bundle = packages.read_payload(opened.payload).bundle
    event_uuid = str(uuid.UUID(bundle["objects"][0]["id"].split("--", 1)[1]))
    try:
        if _holds(partner, event_uuid):
            return "delivered", ""
        _request(partner, "POST", UPLOAD_PATH, bundle, media_type=MEDIA_TYPE)
    except Unreachable as error:
        return "retry", str(error)[:200]
    return "delivered", ""


def _holds(partner: Partner, event_uuid: str) -> bool:
    try:
        _request(partner, "GET", f"events/view/{event_uuid}", media_type=MEDIA_TYPE)
    except NotFound:
        return False
    return True
