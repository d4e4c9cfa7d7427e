"""The signed-in staff member's private key, kept across requests in two halves.

The server-side session holds the key sealed (`vault.seal_for_session`); the secret that
opens it is in a cookie of its own, scoped to /staff/, HttpOnly and SameSite=Strict. A
dump of the session store alone opens nothing, nor does a stolen cookie alone. Signing out
deletes both. Also here: the session's age and idleness limits.
"""

import base64
import time
from typing import Literal

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from tipline import vault

from .models import StaffUser

KEY_COOKIE = "tipline_key"
_SEALED = "tipline.sealed_private_key"
_SIGNED_IN_AT = "tipline.signed_in_at"
_LAST_SEEN = "tipline.last_seen"


class KeyUnavailable(Exception):
    """The session holds no usable private key (cookie gone, session from before a restart)."""


def keep_private_key(
    request: HttpRequest, response: HttpResponse, private_key: vault.StaffPrivateKey
) -> None:
    seal = vault.seal_for_session(private_key)
    request.session[_SEALED] = base64.b64encode(seal.sealed_private_key).decode("ascii")
    response.set_cookie(
        KEY_COOKIE,
        seal.cookie_secret,
        path="/staff/",
        secure=settings.HTTPS,
        httponly=True,
        samesite="Strict",
    )


def private_key(request: HttpRequest, user: StaffUser) -> vault.StaffPrivateKey | None:
    """The private key of this session's user, or None if either half is missing or wrong."""
    sealed = request.session.get(_SEALED)
    secret = request.COOKIES.get(KEY_COOKIE)
    if not sealed or not secret:
        return None
    try:
        return vault.open_from_session(
            secret, base64.b64decode(sealed), public_key=bytes(user.public_key)
        )
    except (vault.DecryptionError, ValueError):
        return None


def forget_private_key(request: HttpRequest, response: HttpResponse) -> None:
    request.session.pop(_SEALED, None)
    response.delete_cookie(KEY_COOKIE, path="/staff/", samesite="Strict")


def start_session_clock(request: HttpRequest) -> None:
    now = int(time.time())
    request.session[_SIGNED_IN_AT] = now
    request.session[_LAST_SEEN] = now


def session_expired(request: HttpRequest) -> bool:
    """True when the session passed its hard limit or sat idle too long; else note activity."""
    return session_end(request) is not None


def session_end(request: HttpRequest) -> Literal["idle", "limit"] | None:
    """Why the session must end now ("idle": unused too long; "limit": its hard limit, or
    no clock at all), or None, noting the activity."""
    now = int(time.time())
    signed_in_at = request.session.get(_SIGNED_IN_AT)
    last_seen = request.session.get(_LAST_SEEN)
    if signed_in_at is None or last_seen is None:
        return "limit"
    if now - signed_in_at > settings.SESSION_COOKIE_AGE:
        return "limit"
    if now - last_seen > settings.SESSION_IDLE_SECONDS:
        return "idle"
    if now - last_seen > 60:  # write the session at most once a minute
        request.session[_LAST_SEEN] = now
    return None
