"""Keeping an unwrapped private key for one signed-in session.

At sign-in the private key is unwrapped (one Argon2id derivation) and must stay usable for
the session without asking for the password on every page. It is kept in the server-side
session only encrypted under a random secret that lives in the client's cookie; so the
session store alone (a database dump, a backup) opens nothing, and neither does a stolen
cookie without the session store. Signing out deletes both halves.
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
    try:
        secret = base64.urlsafe_b64decode(cookie_secret + "=" * (-len(cookie_secret) % 4))
    except (binascii.Error, ValueError) as error:
        raise DecryptionError("session secret is malformed") from error
    if len(secret) != KEY_SIZE:
        raise DecryptionError("session secret is malformed")
    raw = aead_decrypt(secret, sealed, context=_context(public_key))
    return _checked_private_key(raw, public_key)


def _context(public_key: bytes) -> str:
    return f"session/{public_key.hex()}"
