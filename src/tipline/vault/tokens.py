"""One-time tokens (invitations): the token goes to a person, only its digest is stored."""

import base64

import nacl.hash
from nacl.encoding import RawEncoder

from .symmetric import random_bytes


def new_token() -> str:
    """A 256-bit random token, safe in a URL."""
    return base64.urlsafe_b64encode(random_bytes(32)).rstrip(b"=").decode("ascii")


def token_digest(token: str) -> str:
    """The stored form of a token: a copy of the database cannot be used to redeem it."""
    return nacl.hash.blake2b(
        token.encode("utf-8"), digest_size=32, person=b"tipline.token", encoder=RawEncoder
    ).hex()
