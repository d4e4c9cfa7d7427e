"""Authenticated symmetric encryption and key derivation, the vault's building blocks.

Internal to the vault: other apps call the intent-named functions in `staff`, `reports`,
`receipts`, `streams` and `sessions`, never these.

Blob layout (version 1): ``0x01 | nonce (24 bytes) | XChaCha20-Poly1305 ciphertext``.
The associated data is a context string chosen by the caller (for example
``"report:<uuid>/message:<uuid>"``), so a ciphertext copied into another row, another
report or another purpose fails to open instead of being shown in the wrong place.
"""

import nacl.exceptions
import nacl.hash
import nacl.secret
import nacl.utils
from nacl.encoding import RawEncoder

from .errors import DecryptionError

VERSION_1 = b"\x01"
KEY_SIZE = nacl.secret.Aead.KEY_SIZE
NONCE_SIZE = nacl.secret.Aead.NONCE_SIZE
MAC_SIZE = nacl.secret.Aead.MACBYTES
OVERHEAD = len(VERSION_1) + NONCE_SIZE + MAC_SIZE


def random_bytes(size: int) -> bytes:
    """Bytes from the operating system's CSPRNG (through libsodium)."""
    return nacl.utils.random(size)


def derive_subkey(key: bytes, purpose: str) -> bytes:
    """A 32-byte key for one purpose, derived from `key` with keyed BLAKE2b.

    Each kind of content gets its own key, so that no two purposes ever share a
    key-and-nonce space and a ciphertext of one kind cannot be opened as another.
    """
    if len(key) != KEY_SIZE:
        raise ValueError("derive_subkey needs a 32-byte key")
    return nacl.hash.blake2b(
        purpose.encode("utf-8"),
        digest_size=KEY_SIZE,
        key=key,
        person=b"tipline.subkey",
        encoder=RawEncoder,
    )


def _associated_data(context: str) -> bytes:
    return b"tipline\x00" + VERSION_1 + b"\x00" + context.encode("utf-8")


def aead_encrypt(key: bytes, plaintext: bytes, *, context: str) -> bytes:
    """Encrypt and authenticate `plaintext` under `key`, bound to `context`."""
    box = nacl.secret.Aead(key)
    nonce = random_bytes(NONCE_SIZE)
    sealed = box.encrypt(plaintext, _associated_data(context), nonce)
    return VERSION_1 + sealed.nonce + sealed.ciphertext


def aead_decrypt(key: bytes, blob: bytes, *, context: str) -> bytes:
    """Open a blob made by `aead_encrypt` with the same key and context.

    Raises `DecryptionError` for a wrong key, a different context, an unknown version or
    any change to the blob; never returns unauthenticated bytes.
    """
    if len(blob) < OVERHEAD or blob[:1] != VERSION_1:
        raise DecryptionError("not a vault ciphertext")
    nonce = blob[1 : 1 + NONCE_SIZE]
    ciphertext = blob[1 + NONCE_SIZE :]
    try:
        return nacl.secret.Aead(key).decrypt(ciphertext, _associated_data(context), nonce)
    except nacl.exceptions.CryptoError as error:
        raise DecryptionError("ciphertext could not be authenticated") from error
