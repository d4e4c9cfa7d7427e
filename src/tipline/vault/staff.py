"""Staff key pairs: created at enrolment, wrapped at rest, unwrapped for one session.

Each staff member has an X25519 key pair. Report keys are sealed to the public key; the
private key is stored only wrapped, twice:

- by a key derived from the password with Argon2id (cost recorded in the blob), so that a
  copy of the database opens nothing without the password;
- by a key derived from a recovery code shown once at enrolment, so that a forgotten
  password does not lose every report, while an administrator resetting a password cannot
  give back access without that code.

Changing the password or using the recovery code rewraps the private key; no report is
re-encrypted. Both wraps are bound to the public key, and an unwrapped key is checked
against it, so a wrapped key swapped in from another account fails to open.
"""

import base64
import binascii
import struct
from dataclasses import dataclass, field

import nacl.exceptions
import nacl.hash
import nacl.pwhash.argon2id
from nacl.encoding import RawEncoder
from nacl.public import PrivateKey

from . import params
from .errors import DecryptionError, MalformedSecret
from .symmetric import KEY_SIZE, aead_decrypt, aead_encrypt, random_bytes

_PASSWORD_WRAP_V1 = b"\x01"
_COST_HEADER = struct.Struct(">IQ")  # opslimit, memlimit
_SALT_SIZE = nacl.pwhash.argon2id.SALTBYTES


@dataclass(frozen=True)
class StaffPrivateKey:
    """An unwrapped private key. Lives in memory for one request; never logged."""

    _key: PrivateKey = field(repr=False)

    @property
    def public_key(self) -> bytes:
        return bytes(self._key.public_key)


@dataclass(frozen=True)
class StaffKeyRecord:
    """What the database keeps for one staff member; none of it opens a report alone."""

    public_key: bytes
    private_key_by_password: bytes
    private_key_by_recovery: bytes


@dataclass(frozen=True)
class StaffEnrolment:
    """A new or renewed key record, and the recovery code to show once and never store."""

    record: StaffKeyRecord
    recovery_code: str = field(repr=False)


def enrol_staff(password: str) -> StaffEnrolment:
    """Create a key pair for a new staff member, wrapped by `password` and a new recovery code."""
    private_key = StaffPrivateKey(PrivateKey.generate())
    recovery_code = _new_recovery_code()
    return StaffEnrolment(
        record=StaffKeyRecord(
            public_key=private_key.public_key,
            private_key_by_password=wrap_with_password(private_key, password),
            private_key_by_recovery=_wrap_with_recovery_code(private_key, recovery_code),
        ),
        recovery_code=recovery_code,
    )


def wrap_with_password(private_key: StaffPrivateKey, password: str) -> bytes:
    """Wrap the private key under a key derived from `password` (on enrolment or change)."""
    if not password:
        raise ValueError("a private key cannot be wrapped with an empty password")
    cost = params.STAFF_PASSWORD_COST
    salt = random_bytes(_SALT_SIZE)
    header = _PASSWORD_WRAP_V1 + _COST_HEADER.pack(cost.opslimit, cost.memlimit) + salt
    wrapping_key = _derive_from_password(password, salt, cost)
    # The header is authenticated too: a cost changed by a bit that libsodium would round
    # away must still be refused, not silently accepted.
    sealed = aead_encrypt(
        wrapping_key,
        bytes(private_key._key),
        context=_context("password", private_key.public_key, header),
    )
    return header + sealed


def unlock_with_password(record: StaffKeyRecord, password: str) -> StaffPrivateKey:
    """Unwrap the private key with the password; `DecryptionError` if anything is wrong."""
    blob = record.private_key_by_password
    header_end = 1 + _COST_HEADER.size + _SALT_SIZE
    if len(blob) <= header_end or blob[:1] != _PASSWORD_WRAP_V1:
        raise DecryptionError("not a password-wrapped key")
    opslimit, memlimit = _COST_HEADER.unpack_from(blob, 1)
    cost = params.Argon2Cost(opslimit=opslimit, memlimit=memlimit)
    if not _is_acceptable(cost):
        raise DecryptionError("wrapped key names an unacceptable cost")
    salt = blob[1 + _COST_HEADER.size : header_end]
    wrapping_key = _derive_from_password(password, salt, cost)
    raw = aead_decrypt(
        wrapping_key,
        blob[header_end:],
        context=_context("password", record.public_key, blob[:header_end]),
    )
    return _checked_private_key(raw, record.public_key)


def unlock_with_recovery_code(record: StaffKeyRecord, recovery_code: str) -> StaffPrivateKey:
    """Unwrap the private key with the recovery code; `DecryptionError` if it is wrong."""
    wrapping_key = _derive_from_recovery_code(recovery_code)
    raw = aead_decrypt(
        wrapping_key,
        record.private_key_by_recovery,
        context=_context("recovery", record.public_key),
    )
    return _checked_private_key(raw, record.public_key)


def change_password(record: StaffKeyRecord, old_password: str, new_password: str) -> StaffKeyRecord:
    """Rewrap under a new password. The recovery wrap and every report stay as they are."""
    private_key = unlock_with_password(record, old_password)
    return StaffKeyRecord(
        public_key=record.public_key,
        private_key_by_password=wrap_with_password(private_key, new_password),
        private_key_by_recovery=record.private_key_by_recovery,
    )


def recover_with_code(
    record: StaffKeyRecord, recovery_code: str, new_password: str
) -> StaffEnrolment:
    """Use the recovery code once: a new password wrap and a new recovery code.

    The used code stops working, because its wrap is replaced.
    """
    private_key = unlock_with_recovery_code(record, recovery_code)
    new_code = _new_recovery_code()
    return StaffEnrolment(
        record=StaffKeyRecord(
            public_key=record.public_key,
            private_key_by_password=wrap_with_password(private_key, new_password),
            private_key_by_recovery=_wrap_with_recovery_code(private_key, new_code),
        ),
        recovery_code=new_code,
    )


def normalise_recovery_code(typed: str) -> bytes:
    """The raw bytes of a recovery code typed with any case, spaces or dashes."""
    compact = "".join(ch for ch in typed.upper() if ch not in " -\t\r\n")
    expected_length = len(base64.b32encode(bytes(params.RECOVERY_CODE_BYTES)))
    if len(compact) != expected_length:
        raise MalformedSecret(f"a recovery code has {expected_length} letters and digits")
    try:
        return base64.b32decode(compact)
    except (binascii.Error, ValueError) as error:
        raise MalformedSecret("a recovery code uses the letters A-Z and digits 2-7") from error


def _new_recovery_code() -> str:
    text = base64.b32encode(random_bytes(params.RECOVERY_CODE_BYTES)).decode("ascii")
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def _wrap_with_recovery_code(private_key: StaffPrivateKey, recovery_code: str) -> bytes:
    return aead_encrypt(
        _derive_from_recovery_code(recovery_code),
        bytes(private_key._key),
        context=_context("recovery", private_key.public_key),
    )


def _derive_from_recovery_code(recovery_code: str) -> bytes:
    # 160 random bits need no slow derivation; BLAKE2b only separates this use.
    return nacl.hash.blake2b(
        normalise_recovery_code(recovery_code),
        digest_size=KEY_SIZE,
        person=b"tipline.recovery",
        encoder=RawEncoder,
    )


def _derive_from_password(password: str, salt: bytes, cost: params.Argon2Cost) -> bytes:
    return nacl.pwhash.argon2id.kdf(
        KEY_SIZE,
        password.encode("utf-8"),
        salt,
        opslimit=cost.opslimit,
        memlimit=cost.memlimit,
        encoder=RawEncoder,
    )


def _is_acceptable(cost: params.Argon2Cost) -> bool:
    ceiling = params.MAX_ACCEPTED_COST
    return (
        nacl.pwhash.argon2id.OPSLIMIT_MIN <= cost.opslimit <= ceiling.opslimit
        and nacl.pwhash.argon2id.MEMLIMIT_MIN <= cost.memlimit <= ceiling.memlimit
    )


def _checked_private_key(raw: bytes, expected_public_key: bytes) -> StaffPrivateKey:
    try:
        private_key = StaffPrivateKey(PrivateKey(raw))
    except (nacl.exceptions.CryptoError, TypeError, ValueError) as error:
        raise DecryptionError("wrapped key is not a private key") from error
    if private_key.public_key != expected_public_key:
        raise DecryptionError("private key does not match the stored public key")
    return private_key


def _context(kind: str, public_key: bytes, header: bytes = b"") -> str:
    return f"staff-private-key/{kind}/{public_key.hex()}/{header.hex()}"
