"""Keeping an unwrapped private key for one signed-in session.

At sign-in the private key is unwrapped (one Argon2id derivation) and must stay usable for
the session without asking for the password on every page. It is kept in the server-side
session only encrypted under a random secret that lives in the client's cookie; so the
session store alone (a database dump, a backup) opens nothing, and neither does a stolen
cookie without the session store. Signing out deletes both halves.

The same split keeps the text a staff member was writing when an idle session ended
(`seal_unsent_text`): sealed in the new session, its secret in a cookie, bound to the
account that wrote it, until they sign in again.
"""

import base64
import binascii
from dataclasses import dataclass, field

from .errors import DecryptionError
from .staff import StaffPrivateKey, _checked_private_key
from .symmetric import KEY_SIZE, aead_decrypt, aead_encrypt, random_bytes


@dataclass(frozen=True)
class SessionSeal:
    cookie_secret: str = field(repr=False)  # to the client's cookie only
    sealed_private_key: bytes  # to the server-side session only


def seal_for_session(private_key: StaffPrivateKey) -> SessionSeal:
    """Split an unwrapped key into a cookie secret and a sealed blob for the session."""
    secret = random_bytes(KEY_SIZE)
    sealed = aead_encrypt(secret, bytes(private_key._key), context=_context(private_key.public_key))
    cookie_secret = base64.urlsafe_b64encode(secret).rstrip(b"=").decode("ascii")
    return SessionSeal(cookie_secret=cookie_secret, sealed_private_key=sealed)


def open_from_session(cookie_secret: str, sealed: bytes, *, public_key: bytes) -> StaffPrivateKey:
    """The private key of the session's user; `DecryptionError` if either half is wrong."""
    raw = aead_decrypt(_secret(cookie_secret), sealed, context=_context(public_key))
    return _checked_private_key(raw, public_key)


@dataclass(frozen=True)
class UnsentTextSeal:
    cookie_secret: str = field(repr=False)  # to the client's cookie only
    sealed_text: bytes  # to the server-side session only


def seal_unsent_text(text: str, *, owner: str) -> UnsentTextSeal:
    """Split text being written into a cookie secret and a blob for the session, bound to
    `owner` (the account that wrote it), so that only that account opens it again."""
    secret = random_bytes(KEY_SIZE)
    sealed = aead_encrypt(secret, text.encode("utf-8"), context=f"unsent/{owner}")
    cookie_secret = base64.urlsafe_b64encode(secret).rstrip(b"=").decode("ascii")
    return UnsentTextSeal(cookie_secret=cookie_secret, sealed_text=sealed)


def open_unsent_text(cookie_secret: str, sealed: bytes, *, owner: str) -> str:
    """The kept text; `DecryptionError` if either half is wrong or `owner` is another."""
    raw = aead_decrypt(_secret(cookie_secret), sealed, context=f"unsent/{owner}")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise DecryptionError("unsent text is not text") from error


def _secret(cookie_secret: str) -> bytes:
    try:
        secret = base64.urlsafe_b64decode(cookie_secret + "=" * (-len(cookie_secret) % 4))
    except (binascii.Error, ValueError) as error:
        raise DecryptionError("session secret is malformed") from error
    if len(secret) != KEY_SIZE:
        raise DecryptionError("session secret is malformed")
    return secret


def _context(public_key: bytes) -> str:
    return f"session/{public_key.hex()}"
