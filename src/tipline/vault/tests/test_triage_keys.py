"""Triage keys: sealed to an epoch's recipients only; the index bound to its epoch and shard;
fingerprints and sketch values keyed, so that only an epoch's key can test them."""

import hashlib

import pytest

from tipline import vault
from tipline.vault.staff import StaffPrivateKey


def _staff() -> StaffPrivateKey:
    from nacl.public import PrivateKey

    return StaffPrivateKey(PrivateKey.generate())


def test_a_triage_key_opens_only_for_the_recipient_it_was_sealed_to() -> None:
    key, recipient, other = vault.new_triage_key(), _staff(), _staff()
    sealed = vault.seal_triage_key(key, recipient.public_key)
    assert vault.open_sealed_triage_key(sealed, recipient) == key
    with pytest.raises(vault.DecryptionError):
        vault.open_sealed_triage_key(sealed, other)
    assert "_key" not in repr(key) and key._key.hex() not in repr(key)


def test_a_shard_opens_only_in_its_own_epoch_and_place() -> None:
    key = vault.new_triage_key()
    blob = vault.encrypt_triage_index(key, b"entries", context="triage/epoch/1/shard/2")
    assert vault.decrypt_triage_index(key, blob, context="triage/epoch/1/shard/2") == b"entries"
    for wrong_key, context in (
        (key, "triage/epoch/1/shard/3"),  # moved to another shard
        (vault.new_triage_key(), "triage/epoch/1/shard/2"),
    ):
        with pytest.raises(vault.DecryptionError):
            vault.decrypt_triage_index(wrong_key, blob, context=context)


def test_fingerprints_are_keyed_per_epoch_and_one_pass_serves_several() -> None:
    data = [b"cleaned photo " * 1000, b"tail"]
    first, second = vault.new_triage_key(), vault.new_triage_key()
    one = vault.attachment_fingerprint(first, iter(data))
    assert one == vault.attachment_fingerprint(first, iter(data))
    assert one != vault.attachment_fingerprint(second, iter(data))
    assert vault.attachment_fingerprints([first, second], iter(data)) == [
        one,
        vault.attachment_fingerprint(second, iter(data)),
    ]
    whole = b"".join(data)
    assert one not in {
        hashlib.blake2b(whole, digest_size=16).digest(),
        hashlib.sha256(whole).digest()[:16],
        hashlib.md5(whole).digest(),  # noqa: S324 - what a plain fingerprint would be
    }


def test_shingle_values_differ_between_epochs() -> None:
    shingles = ["truck", "ruck ", "uck c"]
    first, second = vault.new_triage_key(), vault.new_triage_key()
    assert vault.keyed_shingle_values(first, shingles) == vault.keyed_shingle_values(
        first, shingles
    )
    assert vault.keyed_shingle_values(first, shingles) != vault.keyed_shingle_values(
        second, shingles
    )
