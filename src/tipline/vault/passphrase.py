"""The installation secret kept under a passphrase, for backups.

A restored installation needs its installation secret, or it can neither receive nor send
shares (its identity's private keys are wrapped under that secret, see `installation`). A
backup therefore carries the secret, but only wrapped under a key derived from a passphrase
the operator gives at backup time and keeps apart from the backups: a seized backup alone
opens nothing of the identity, whoever holds backup and passphrase opens it.

    blob = version(1) | opslimit(4, big-endian) | memlimit(8, big-endian) | salt(16)
           | XChaCha20-Poly1305(Argon2id(passphrase, salt), secret)

The cost is recorded in the blob (so it can be raised later) and refused above
`params.MAX_ACCEPTED_COST`; the header and both public keys of the identity are bound as
associated data, so the blob opens only as what it is, for the identity it belongs to.
Argon2id runs at `BACKUP_PASSPHRASE_COST` (an offline guess costs that much memory and
time each; it lives here rather than in `params` only because this module came later), and a
passphrase has at least `MIN_PASSPHRASE_CHARACTERS` characters.
"""

import struct

import nacl.pwhash.argon2id
from nacl.encoding import RawEncoder

from . import params
from .errors import DecryptionError, MalformedSecret
from .symmetric import KEY_SIZE, aead_decrypt, aead_encrypt, random_bytes

MIN_PASSPHRASE_CHARACTERS = 16
# libsodium's MODERATE level, as for staff passwords: paid once per backup and per restore.
BACKUP_PASSPHRASE_COST = params.Argon2Cost(opslimit=3, memlimit=256 * params.MiB)
_VERSION = b"\x01"
_COST = struct.Struct(">IQ")
_SALT_SIZE = nacl.pwhash.argon2id.SALTBYTES
_HEADER_SIZE = 1 + _COST.size + _SALT_SIZE


def check_backup_passphrase(passphrase: str) -> str:
    """The passphrase, or `MalformedSecret` when it is too short to stand offline guessing."""
    if len(passphrase.strip()) < MIN_PASSPHRASE_CHARACTERS:
        raise MalformedSecret(
            f"a backup passphrase has at least {MIN_PASSPHRASE_CHARACTERS} characters"
        )
    return passphrase


def wrap_installation_secret(
    secret: bytes, passphrase: str, *, signing_public_key: bytes, encryption_public_key: bytes
) -> bytes:
    """The installation secret wrapped under `passphrase`, for the identity with these keys."""
    check_backup_passphrase(passphrase)
    cost = BACKUP_PASSPHRASE_COST
    header = _VERSION + _COST.pack(cost.opslimit, cost.memlimit) + random_bytes(_SALT_SIZE)
    return header + aead_encrypt(
        _derive(passphrase, header),
        secret,
        context=_context(header, signing_public_key, encryption_public_key),
    )


def unwrap_installation_secret(
    blob: bytes, passphrase: str, *, signing_public_key: bytes, encryption_public_key: bytes
) -> bytes:
    """The installation secret, or `DecryptionError` (wrong passphrase, another identity's
    blob, a tampered or truncated one, a cost above what is accepted)."""
    if len(blob) <= _HEADER_SIZE or blob[:1] != _VERSION:
        raise DecryptionError("not a wrapped installation secret")
    header = blob[:_HEADER_SIZE]
    opslimit, memlimit = _COST.unpack_from(header, 1)
    ceiling = params.MAX_ACCEPTED_COST
    if not (
        nacl.pwhash.argon2id.OPSLIMIT_MIN <= opslimit <= ceiling.opslimit
        and nacl.pwhash.argon2id.MEMLIMIT_MIN <= memlimit <= ceiling.memlimit
    ):
        raise DecryptionError("the wrapped secret names an unacceptable cost")
    return aead_decrypt(
        _derive(passphrase, header),
        blob[_HEADER_SIZE:],
        context=_context(header, signing_public_key, encryption_public_key),
    )


def _derive(passphrase: str, header: bytes) -> bytes:
    opslimit, memlimit = _COST.unpack_from(header, 1)
    return bytes(
        nacl.pwhash.argon2id.kdf(
            KEY_SIZE,
            passphrase.encode("utf-8"),
            header[1 + _COST.size :],
            opslimit=opslimit,
            memlimit=memlimit,
            encoder=RawEncoder,
        )
    )


def _context(header: bytes, signing_public_key: bytes, encryption_public_key: bytes) -> str:
    return (
        f"installation-secret/backup/{header.hex()}/"
        f"{signing_public_key.hex()}/{encryption_public_key.hex()}"
    )
