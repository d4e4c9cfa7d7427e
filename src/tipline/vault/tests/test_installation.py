"""The installation identity and partner packages (tipline.vault.installation)."""

import pytest

from tipline import vault


def identity() -> tuple[vault.InstallationKeyRecord, bytes, vault.InstallationIdentity]:
    secret = vault.new_installation_secret()
    record = vault.create_installation_identity(secret)
    return record, secret, vault.unlock_installation_identity(record, secret)


def test_the_identity_opens_only_with_the_secret_kept_outside_the_database() -> None:
    record, secret, unlocked = identity()
    assert unlocked.signing_public_key == record.signing_public_key
    with pytest.raises(vault.DecryptionError):
        vault.unlock_installation_identity(record, vault.new_installation_secret())
    other, _, _ = identity()
    swapped = vault.InstallationKeyRecord(
        record.signing_public_key, record.encryption_public_key, other.wrapped_private_keys
    )
    with pytest.raises(vault.DecryptionError):
        vault.unlock_installation_identity(swapped, secret)
    assert repr(unlocked) == "InstallationIdentity()"


def test_a_package_opens_for_its_recipient_with_the_senders_key() -> None:
    _, _, sender = identity()
    _, _, receiver = identity()
    body = vault.seal_package(sender, receiver.encryption_public_key, b'{"x": 1}')
    opened = vault.open_package(receiver, body)
    assert opened.payload == b'{"x": 1}'
    assert opened.sender_signing_key == sender.signing_public_key


def test_an_altered_package_or_one_for_someone_else_does_not_open() -> None:
    _, _, sender = identity()
    _, _, receiver = identity()
    _, _, third = identity()
    body = bytearray(vault.seal_package(sender, receiver.encryption_public_key, b"payload"))
    body[-1] ^= 1
    with pytest.raises(vault.DecryptionError):
        vault.open_package(receiver, bytes(body))
    with pytest.raises(vault.DecryptionError):
        vault.open_package(third, vault.seal_package(sender, receiver.encryption_public_key, b"p"))


def test_a_package_re_encrypted_to_a_third_party_fails_its_signature() -> None:
    """A partner that got our package cannot pass it on as if we had sent it to someone else."""
    import nacl.public  # the test plays the attacker, who has PyNaCl too

    _, _, sender = identity()
    _, _, receiver = identity()
    _, _, third = identity()
    inner = nacl.public.SealedBox(receiver._encryption).decrypt(
        vault.seal_package(sender, receiver.encryption_public_key, b"payload")
    )
    forwarded = nacl.public.SealedBox(nacl.public.PublicKey(third.encryption_public_key)).encrypt(
        inner
    )
    with pytest.raises(vault.DecryptionError):
        vault.open_package(third, forwarded)


def test_the_fingerprint_is_eight_groups_of_five_digits_and_follows_the_keys() -> None:
    record, _, _ = identity()
    other, _, _ = identity()
    shown = vault.key_fingerprint(record.signing_public_key, record.encryption_public_key)
    assert len(shown.split()) == 8 and all(len(g) == 5 and g.isdigit() for g in shown.split())
    assert shown != vault.key_fingerprint(other.signing_public_key, record.encryption_public_key)


def test_back_channel_texts_open_only_with_the_report_key() -> None:
    report_key = vault.new_report_key()
    pair = vault.new_share_key_pair(report_key, context="share/1")
    blob = vault.seal_to_share(pair.public_key, "seized 40 kg")
    assert vault.open_share_text(report_key, pair.wrapped_private_key, blob, context="share/1") == (
        "seized 40 kg"
    )
    with pytest.raises(vault.DecryptionError):
        vault.open_share_text(
            vault.new_report_key(), pair.wrapped_private_key, blob, context="share/1"
        )


def test_an_answer_verifies_only_as_signed_and_only_for_its_signer() -> None:
    _, _, receiver = identity()
    _, _, someone = identity()
    answer = b'{"outcome":"accepted"}'
    signature = vault.sign_answer(receiver, answer)
    vault.verify_answer(receiver.signing_public_key, answer, signature)
    for key, body, sig in [
        (receiver.signing_public_key, b'{"outcome":"refused"}', signature),
        (someone.signing_public_key, answer, signature),
        (receiver.signing_public_key, answer, vault.sign_answer(someone, answer)),
        (receiver.signing_public_key, answer, signature[:-1]),
        (receiver.signing_public_key, answer, b""),
    ]:
        with pytest.raises(vault.DecryptionError):
            vault.verify_answer(key, body, sig)
    # An answer is not a package signature: the two domains never verify for each other.
    package = vault.seal_package(receiver, someone.encryption_public_key, answer)
    assert vault.open_package(someone, package).payload == answer
    assert len(vault.package_digest(package)) == 32
    assert vault.package_digest(package) != vault.package_digest(package + b"\x00")


def test_the_installation_secret_opens_from_a_backup_only_with_its_passphrase(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tipline.vault import params, passphrase

    monkeypatch.setattr(passphrase, "BACKUP_PASSPHRASE_COST", params.Argon2Cost(1, 8192))
    record, secret, _ = identity()
    keys = {
        "signing_public_key": record.signing_public_key,
        "encryption_public_key": record.encryption_public_key,
    }
    words = "seven horses cross the river"
    blob = vault.wrap_installation_secret(secret, words, **keys)
    assert secret not in blob and len(blob) > len(secret)
    assert vault.unwrap_installation_secret(blob, words, **keys) == secret
    other, _, _ = identity()
    for attempt, blob_tried, blob_keys in [
        ("wrong passphrase", blob, keys),
        ("another identity", blob, {**keys, "signing_public_key": other.signing_public_key}),
        ("tampered", blob[:-1] + bytes([blob[-1] ^ 1]), keys),
        ("truncated", blob[:20], keys),
    ]:
        with pytest.raises(vault.DecryptionError):
            vault.unwrap_installation_secret(
                blob_tried,
                "wrong passphrase here" if attempt == "wrong passphrase" else words,
                **blob_keys,
            )
    # A cost raised in the blob beyond what is accepted is refused before any derivation.
    greedy = blob[:1] + (2**31).to_bytes(4, "big") + blob[5:]
    with pytest.raises(vault.DecryptionError):
        vault.unwrap_installation_secret(greedy, words, **keys)
    with pytest.raises(vault.MalformedSecret):
        vault.wrap_installation_secret(secret, "too short", **keys)
