"""Keys for triage: comparing reports without leaving anything comparable at rest.

What triage keeps for a report (its embedding vector, a sketch of its text for
near-duplicates, keyed fingerprints of its attachments) would let anyone who reads it tell
which reports speak of the same thing. So none of it is stored readable, and no key the
server holds on its own opens it:

- A *triage key* is a random key made for one desk and one set of recipients (an
  "epoch"). It is sealed to each of those recipients' public keys, exactly like a report
  key, and to nobody else. A report is indexed under the triage key of the epoch whose
  recipients are the report's own recipients; so whoever can open its index entry could
  already open the report. A staff member added to a desk later starts a new epoch and
  holds no triage key of an earlier one: they gain no similarity over reports from before
  (guarantee 3).
- The index is kept in shards of many reports, each encrypted with XChaCha20-Poly1305
  under a subkey of the triage key, bound to its epoch and shard (one decryption per
  thousand reports keeps "related among 100,000" under a second).
- Attachment fingerprints and text-sketch values are BLAKE2b hashes keyed with subkeys of
  the triage key, never plain hashes: even a leaked decrypted shard cannot be checked
  against a known file or text by someone without the key.
- A triage key is opened only with a recipient's private key, which is present only in
  that recipient's signed-in request or in the background analyser of the same web
  process, which holds it for a bounded time (`tipline.triage.background`). It never goes
  through a Celery broker: Redis would keep it at rest.

Across epochs: the keyed hashes of different epochs differ, so a stored sketch or
fingerprint matches only entries of its own epoch. A recipient who holds several epochs'
keys compares across them by computing, in memory and for that request only, the sketch
and fingerprints of the report they are looking at under each other epoch key they hold
(they can read that report, so they learn nothing they could not compute), and comparing
in that epoch. Holding no key of an earlier epoch, a newcomer computes nothing there.

Limits: the readable rows say which reports have been indexed and into which shard, and
how many links a report has; never with what. A recipient of an epoch can compare all its
reports, as they can read them.
"""

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import nacl.exceptions
from nacl.public import PublicKey, SealedBox

from .errors import DecryptionError
from .staff import StaffPrivateKey
from .symmetric import KEY_SIZE, aead_decrypt, aead_encrypt, derive_subkey, random_bytes

FINGERPRINT_SIZE = 16


@dataclass(frozen=True)
class TriageKey:
    """The key of one desk's triage epoch. In memory only while a request needs it."""

    _key: bytes = field(repr=False)


def new_triage_key() -> TriageKey:
    return TriageKey(random_bytes(KEY_SIZE))


def seal_triage_key(triage_key: TriageKey, recipient_public_key: bytes) -> bytes:
    """Seal a triage key to one recipient of the epoch; only their private key opens it."""
    return SealedBox(PublicKey(recipient_public_key)).encrypt(triage_key._key)


def open_sealed_triage_key(sealed: bytes, private_key: StaffPrivateKey) -> TriageKey:
    """Open a triage key sealed to this staff member; `DecryptionError` otherwise."""
    try:
        raw = SealedBox(private_key._key).decrypt(sealed)
    except (nacl.exceptions.CryptoError, TypeError, ValueError) as error:
        raise DecryptionError("sealed triage key could not be opened") from error
    if len(raw) != KEY_SIZE:
        raise DecryptionError("sealed value is not a triage key")
    return TriageKey(raw)


def encrypt_triage_index(triage_key: TriageKey, payload: bytes, *, context: str) -> bytes:
    """Encrypt one shard of the triage index, bound to `context` (its epoch and shard)."""
    return aead_encrypt(_subkey(triage_key, "index"), payload, context=context)


def decrypt_triage_index(triage_key: TriageKey, blob: bytes, *, context: str) -> bytes:
    """Open a shard made by `encrypt_triage_index`; `DecryptionError` on any mismatch."""
    return aead_decrypt(_subkey(triage_key, "index"), blob, context=context)


def attachment_fingerprint(triage_key: TriageKey, chunks: Iterable[bytes]) -> bytes:
    """A keyed hash of a cleaned file: equal files give equal fingerprints within an epoch,
    and nobody without the triage key can test a fingerprint against a file they hold."""
    return attachment_fingerprints([triage_key], chunks)[0]


def attachment_fingerprints(
    triage_keys: Sequence[TriageKey], chunks: Iterable[bytes]
) -> list[bytes]:
    """`attachment_fingerprint` under each of several epochs' keys, in one pass over the
    file (a recipient holding several epochs compares a file with each of them)."""
    hashers = [
        hashlib.blake2b(
            key=_subkey(triage_key, "attachment"), digest_size=FINGERPRINT_SIZE, person=b"tl.attach"
        )
        for triage_key in triage_keys
    ]
    for chunk in chunks:
        for hasher in hashers:
            hasher.update(chunk)
    return [hasher.digest() for hasher in hashers]


def keyed_shingle_values(triage_key: TriageKey, shingles: Iterable[str]) -> list[int]:
    """32-bit keyed hashes of text shingles, for a near-duplicate sketch (bottom-k MinHash).

    Keyed so that a sketch cannot be compared with one made from a guessed text."""
    key = _subkey(triage_key, "shingle")
    values = []
    for shingle in shingles:
        digest = hashlib.blake2b(
            shingle.encode("utf-8"), key=key, digest_size=4, person=b"tl.shingle"
        ).digest()
        values.append(int.from_bytes(digest, "big"))
    return values


def search_tokens(triage_key: TriageKey, words: Iterable[str]) -> list[int]:
    """Keyed tokens of folded words, for the desk's search index (`tipline.triage.search`).

    The search key is a subkey of the epoch's triage key, so it is sealed to exactly the
    recipients of the epoch's reports and nobody else. Each word becomes a BLAKE2b hash of
    64 bits keyed with it (a signed integer, for an ordinary database index): equal words
    give equal tokens within one epoch, and nobody without the key can test a token
    against a guessed word. A search computes the same tokens from the words typed."""
    key = _subkey(triage_key, "search")
    return [
        int.from_bytes(
            hashlib.blake2b(
                word.encode("utf-8"), key=key, digest_size=8, person=b"tl.search"
            ).digest(),
            "big",
            signed=True,
        )
        for word in words
    ]


def _subkey(triage_key: TriageKey, purpose: str) -> bytes:
    return derive_subkey(triage_key._key, f"triage/{purpose}")
