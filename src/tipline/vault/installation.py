"""The installation's identity and the packages it exchanges with partner installations.

Each installation has two key pairs: Ed25519 to sign what it sends, X25519 to receive what
partners encrypt to it. The private halves are stored in the database only wrapped
(XChaCha20-Poly1305) under a 32-byte *installation secret* that lives outside the
database: a file in the data folder (mode 0600) or a file named by
TIPLINE_INSTALLATION_SECRET_FILE (a secrets mount, a systemd credential). A seized database
alone opens nothing; the server needs the secret to receive unattended, so whoever holds
the running server's files holds the identity too (as for every partner system that must
receive without a person present).

A package on the wire (docs/sharing.md):

    sealed_box(recipient X25519 key, signature(64) | sender Ed25519 key(32) | payload)

where `signature` is Ed25519 over
``b"tipline-package-v1\\x00" | recipient X25519 key | sender Ed25519 key | payload``.
Signing inside the encryption hides who sent it from an observer; binding the recipient's
key stops a partner from re-encrypting a package it received to a third party as if it came
from us.

The receiver's answer to a package is signed too, so that nobody between the two (a proxy,
a broken TLS link, a forged server) can make the sender believe a package was taken or
refused for good:

    signature(64) = Ed25519 over ``b"tipline-answer-v1\x00" | receiver Ed25519 key | answer``

where `answer` is the exact body of the HTTP answer (JSON naming the package's BLAKE2b-256
digest, `package_digest`), so an answer counts for one package only.

Back-channel messages about a share are sealed, by the server alone, to a per-share X25519
key whose private half is encrypted under the report's key, so that exactly the people who
can read the report read what the partner answered.
"""

import base64
from dataclasses import dataclass, field

import nacl.exceptions
import nacl.hash
from nacl.encoding import RawEncoder
from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.signing import SigningKey, VerifyKey

from .errors import DecryptionError
from .reports import ReportKey
from .symmetric import aead_decrypt, aead_encrypt, derive_subkey, random_bytes

PACKAGE_DOMAIN = b"tipline-package-v1\x00"
ANSWER_DOMAIN = b"tipline-answer-v1\x00"
DIGEST_SIZE = 32
SIGNATURE_SIZE = 64
PUBLIC_KEY_SIZE = 32
SECRET_SIZE = 32


@dataclass(frozen=True)
class InstallationKeyRecord:
    """What the database keeps: both public keys, and both private keys wrapped."""

    signing_public_key: bytes
    encryption_public_key: bytes
    wrapped_private_keys: bytes


@dataclass(frozen=True)
class InstallationIdentity:
    """The unwrapped identity; lives in memory while a package is made or opened."""

    _signing: SigningKey = field(repr=False)
    _encryption: PrivateKey = field(repr=False)

    @property
    def signing_public_key(self) -> bytes:
        return bytes(self._signing.verify_key)

    @property
    def encryption_public_key(self) -> bytes:
        return bytes(self._encryption.public_key)


@dataclass(frozen=True)
class OpenedPackage:
    sender_signing_key: bytes
    payload: bytes


@dataclass(frozen=True)
class ShareKeyPair:
    public_key: bytes
    wrapped_private_key: bytes


def new_installation_secret() -> bytes:
    return random_bytes(SECRET_SIZE)


def create_installation_identity(secret: bytes) -> InstallationKeyRecord:
    """New key pairs, the private halves wrapped under the installation secret."""
    identity = InstallationIdentity(SigningKey.generate(), PrivateKey.generate())
    return InstallationKeyRecord(
        signing_public_key=identity.signing_public_key,
        encryption_public_key=identity.encryption_public_key,
        wrapped_private_keys=aead_encrypt(
            _wrapping_key(secret),
            bytes(identity._signing) + bytes(identity._encryption),
            context=_identity_context(identity.signing_public_key, identity.encryption_public_key),
        ),
    )


def unlock_installation_identity(
    record: InstallationKeyRecord, secret: bytes
) -> InstallationIdentity:
    """The identity, or `DecryptionError` (wrong secret, swapped or altered row)."""
    raw = aead_decrypt(
        _wrapping_key(secret),
        record.wrapped_private_keys,
        context=_identity_context(record.signing_public_key, record.encryption_public_key),
    )
    if len(raw) != 64:
        raise DecryptionError("wrapped identity has the wrong length")
    identity = InstallationIdentity(SigningKey(raw[:32]), PrivateKey(raw[32:]))
    if (
        identity.signing_public_key != record.signing_public_key
        or identity.encryption_public_key != record.encryption_public_key
    ):
        raise DecryptionError("identity does not match its public keys")
    return identity


def key_fingerprint(signing_public_key: bytes, encryption_public_key: bytes) -> str:
    """Both public keys as 8 groups of 5 digits (133 bits) for people to compare aloud.

    BLAKE2b-256 of ``"tipline-card-v1" | signing key | encryption key``; each of the first
    eight 4-byte big-endian words, modulo 100000, zero-padded.
    """
    digest = nacl.hash.blake2b(
        b"tipline-card-v1" + signing_public_key + encryption_public_key,
        digest_size=32,
        encoder=RawEncoder,
    )
    words = [int.from_bytes(digest[i : i + 4], "big") % 100000 for i in range(0, 32, 4)]
    return " ".join(f"{word:05d}" for word in words)


def check_public_key(raw: bytes, *, kind: str) -> bytes:
    """A public key read from a partner card: right length and usable, else `ValueError`."""
    if len(raw) != PUBLIC_KEY_SIZE:
        raise ValueError(f"a {kind} key has 32 bytes")
    try:
        VerifyKey(raw) if kind == "signing" else PublicKey(raw)
    except (nacl.exceptions.CryptoError, TypeError, ValueError) as error:
        raise ValueError(f"not a {kind} key") from error
    return raw


def seal_package(
    identity: InstallationIdentity, recipient_encryption_key: bytes, payload: bytes
) -> bytes:
    """Sign `payload` as this installation and encrypt it to the recipient installation."""
    sender = identity.signing_public_key
    signed = _signed_bytes(recipient_encryption_key, sender, payload)
    signature = identity._signing.sign(signed).signature
    return SealedBox(PublicKey(recipient_encryption_key)).encrypt(signature + sender + payload)


def open_package(identity: InstallationIdentity, body: bytes) -> OpenedPackage:
    """Decrypt a package sent to us and check its signature by the key inside it.

    Only proves that the holder of `sender_signing_key` made it for us: the caller must
    still check that this key belongs to a partner. `DecryptionError` for anything else.
    """
    try:
        inner = SealedBox(identity._encryption).decrypt(body)
    except (nacl.exceptions.CryptoError, TypeError, ValueError) as error:
        raise DecryptionError("package could not be decrypted") from error
    if len(inner) < SIGNATURE_SIZE + PUBLIC_KEY_SIZE:
        raise DecryptionError("package too short")
    signature = inner[:SIGNATURE_SIZE]
    sender = inner[SIGNATURE_SIZE : SIGNATURE_SIZE + PUBLIC_KEY_SIZE]
    payload = inner[SIGNATURE_SIZE + PUBLIC_KEY_SIZE :]
    try:
        VerifyKey(sender).verify(
            _signed_bytes(identity.encryption_public_key, sender, payload), signature
        )
    except (nacl.exceptions.CryptoError, nacl.exceptions.BadSignatureError, ValueError) as error:
        raise DecryptionError("package signature does not verify") from error
    return OpenedPackage(sender_signing_key=sender, payload=payload)


def package_digest(body: bytes) -> bytes:
    """BLAKE2b-256 (unkeyed) of a package exactly as sent: what an answer names."""
    return nacl.hash.blake2b(body, digest_size=DIGEST_SIZE, encoder=RawEncoder)


def sign_answer(identity: InstallationIdentity, answer: bytes) -> bytes:
    """This installation's 64-byte signature of its answer to a package."""
    signed = ANSWER_DOMAIN + identity.signing_public_key + answer
    return bytes(identity._signing.sign(signed).signature)


def verify_answer(receiver_signing_key: bytes, answer: bytes, signature: bytes) -> None:
    """Check that the receiver (a partner's signing key) signed `answer`.

    `DecryptionError` for a wrong, truncated or missing signature, and for an answer signed
    by anyone else: the caller must then treat the package as not delivered.
    """
    if len(signature) != SIGNATURE_SIZE or len(receiver_signing_key) != PUBLIC_KEY_SIZE:
        raise DecryptionError("an answer's signature has 64 bytes")
    try:
        VerifyKey(receiver_signing_key).verify(
            ANSWER_DOMAIN + receiver_signing_key + answer, signature
        )
    except (nacl.exceptions.CryptoError, nacl.exceptions.BadSignatureError, ValueError) as error:
        raise DecryptionError("the answer's signature does not verify") from error


def new_share_key_pair(report_key: ReportKey, *, context: str) -> ShareKeyPair:
    """A key pair for one share's back channel; its private half opens with the report key."""
    private = PrivateKey.generate()
    return ShareKeyPair(
        public_key=bytes(private.public_key),
        wrapped_private_key=aead_encrypt(
            derive_subkey(report_key._key, "share-key"), bytes(private), context=context
        ),
    )


def seal_to_share(share_public_key: bytes, text: str) -> bytes:
    """Encrypt a back-channel text so that only readers of the report open it."""
    return SealedBox(PublicKey(share_public_key)).encrypt(text.encode("utf-8"))


def open_share_text(
    report_key: ReportKey, wrapped_private_key: bytes, blob: bytes, *, context: str
) -> str:
    raw = aead_decrypt(
        derive_subkey(report_key._key, "share-key"), wrapped_private_key, context=context
    )
    try:
        return SealedBox(PrivateKey(raw)).decrypt(blob).decode("utf-8")
    except (nacl.exceptions.CryptoError, TypeError, ValueError) as error:
        raise DecryptionError("back-channel text could not be opened") from error


def wrap_partner_credential(secret: bytes, credential: str, *, partner: str) -> bytes:
    """A partner system's password, bearer token or API key, wrapped under the installation
    secret like the identity's private keys: a seized database alone reads none of them.
    `partner` (its stable id) binds the wrapping to that partner's row."""
    return aead_encrypt(
        _credential_key(secret), credential.encode("utf-8"), context=_credential_context(partner)
    )


def unwrap_partner_credential(secret: bytes, wrapped: bytes, *, partner: str) -> str:
    """The credential, or `DecryptionError` (wrong secret, swapped or altered row)."""
    raw = aead_decrypt(_credential_key(secret), wrapped, context=_credential_context(partner))
    return raw.decode("utf-8")


def _credential_key(secret: bytes) -> bytes:
    if len(secret) != SECRET_SIZE:
        raise DecryptionError("the installation secret has 32 bytes")
    return derive_subkey(secret, "partner-credential")


def _credential_context(partner: str) -> str:
    return f"partner-credential/{partner}"


def encode_key(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _wrapping_key(secret: bytes) -> bytes:
    if len(secret) != SECRET_SIZE:
        raise DecryptionError("the installation secret has 32 bytes")
    return derive_subkey(secret, "installation-identity")


def _identity_context(signing_public_key: bytes, encryption_public_key: bytes) -> str:
    return f"installation-identity/{signing_public_key.hex()}/{encryption_public_key.hex()}"


def _signed_bytes(recipient: bytes, sender: bytes, payload: bytes) -> bytes:
    return PACKAGE_DOMAIN + recipient + sender + payload
