"""Report keys and the short texts encrypted with them.

Each report has its own random key. It is sealed (anonymous X25519 sealed box) to the public
key of every recipient the desk has when the report arrives, and wrapped for the reporter
under the key derived from their receipt. Nobody added later can open it: there is simply
no sealed copy for them.

Texts (answers, messages, notes, file names) are encrypted under a subkey of the report key,
each bound to a context naming the row and field it belongs to.
"""

from dataclasses import dataclass, field

import nacl.exceptions
from nacl.public import PublicKey, SealedBox

from .errors import DecryptionError
from .receipts import ReporterKey
from .staff import StaffPrivateKey
from .symmetric import KEY_SIZE, aead_decrypt, aead_encrypt, derive_subkey, random_bytes


@dataclass(frozen=True)
class ReportKey:
    """The random key of one report. Held in memory only while a request needs it."""

    _key: bytes = field(repr=False)


def new_report_key() -> ReportKey:
    return ReportKey(random_bytes(KEY_SIZE))


def seal_report_key(report_key: ReportKey, recipient_public_key: bytes) -> bytes:
    """Seal the report key to one recipient; only their private key opens it."""
    return SealedBox(PublicKey(recipient_public_key)).encrypt(report_key._key)


def open_sealed_report_key(sealed: bytes, private_key: StaffPrivateKey) -> ReportKey:
    """Open a report key sealed to this staff member; `DecryptionError` otherwise."""
    try:
        raw = SealedBox(private_key._key).decrypt(sealed)
    except (nacl.exceptions.CryptoError, TypeError, ValueError) as error:
        raise DecryptionError("sealed report key could not be opened") from error
    if len(raw) != KEY_SIZE:
        raise DecryptionError("sealed value is not a report key")
    return ReportKey(raw)


def wrap_report_key_for_reporter(
    report_key: ReportKey, reporter_key: ReporterKey, *, context: str
) -> bytes:
    """Wrap the report key so that the reporter's receipt opens it."""
    return aead_encrypt(reporter_key._key, report_key._key, context=f"reporter/{context}")


def open_report_key_as_reporter(
    wrapped: bytes, reporter_key: ReporterKey, *, context: str
) -> ReportKey:
    """Open the report key with the key derived from the reporter's receipt."""
    raw = aead_decrypt(reporter_key._key, wrapped, context=f"reporter/{context}")
    if len(raw) != KEY_SIZE:
        raise DecryptionError("wrapped value is not a report key")
    return ReportKey(raw)


def encrypt_text(report_key: ReportKey, text: str, *, context: str) -> bytes:
    """Encrypt a text of the report, bound to `context` (the row and field it is stored in)."""
    return aead_encrypt(_text_key(report_key), text.encode("utf-8"), context=context)


def decrypt_text(report_key: ReportKey, blob: bytes, *, context: str) -> str:
    """Decrypt a text stored by `encrypt_text` under the same context."""
    plaintext = aead_decrypt(_text_key(report_key), blob, context=context)
    try:
        return plaintext.decode("utf-8")
    except UnicodeDecodeError as error:  # authenticated, so only a bug could cause it
        raise DecryptionError("decrypted text is not UTF-8") from error


def reply_digest(report_key: ReportKey, text: str) -> str:
    """A keyed digest of a reply's text (hex), to tell a reply sent twice by mistake without
    keeping its words: keyed with a subkey of the report key, so a digest held in a session
    row cannot be tested against a guessed text by anyone who cannot open the report."""
    return derive_subkey(derive_subkey(report_key._key, "reply-digest"), text).hex()


def _text_key(report_key: ReportKey) -> bytes:
    return derive_subkey(report_key._key, "text")
