"""An unwrapped key kept for a session: neither the cookie nor the session store opens it alone."""

import pytest

from tipline import vault

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def private_key() -> vault.StaffPrivateKey:
    return vault.unlock_with_password(vault.enrol_staff(PASSWORD).record, PASSWORD)


def test_both_halves_open_the_key(private_key: vault.StaffPrivateKey) -> None:
    seal = vault.seal_for_session(private_key)
    opened = vault.open_from_session(
        seal.cookie_secret, seal.sealed_private_key, public_key=private_key.public_key
    )
    assert opened.public_key == private_key.public_key


def test_session_store_holds_no_raw_key(private_key: vault.StaffPrivateKey) -> None:
    seal = vault.seal_for_session(private_key)
    assert bytes(private_key._key) not in seal.sealed_private_key
    assert seal.cookie_secret not in repr(seal)


def test_another_cookie_does_not_open_the_session(private_key: vault.StaffPrivateKey) -> None:
    seal = vault.seal_for_session(private_key)
    other = vault.seal_for_session(private_key)
    with pytest.raises(vault.DecryptionError):
        vault.open_from_session(
            other.cookie_secret, seal.sealed_private_key, public_key=private_key.public_key
        )


@pytest.mark.parametrize("cookie", ["", "!!!", "a" * 10, "é" * 43, "A" * 44])
def test_malformed_cookie_raises_decryption_error(
    private_key: vault.StaffPrivateKey, cookie: str
) -> None:
    seal = vault.seal_for_session(private_key)
    with pytest.raises(vault.DecryptionError):
        vault.open_from_session(cookie, seal.sealed_private_key, public_key=private_key.public_key)


def test_a_session_blob_cannot_be_claimed_for_another_user(
    private_key: vault.StaffPrivateKey,
) -> None:
    other = vault.unlock_with_password(vault.enrol_staff(PASSWORD).record, PASSWORD)
    seal = vault.seal_for_session(private_key)
    with pytest.raises(vault.DecryptionError):
        vault.open_from_session(
            seal.cookie_secret, seal.sealed_private_key, public_key=other.public_key
        )


def test_unsent_text_opens_with_both_halves_for_its_writer_only() -> None:
    seal = vault.seal_unsent_text("The white van again, نیلی گاڑی", owner="staff:7")
    assert b"white van" not in seal.sealed_text and "white" not in repr(seal)
    assert seal.cookie_secret not in repr(seal)
    assert (
        vault.open_unsent_text(seal.cookie_secret, seal.sealed_text, owner="staff:7")
        == "The white van again, نیلی گاڑی"
    )
    with pytest.raises(vault.DecryptionError):
        vault.open_unsent_text(seal.cookie_secret, seal.sealed_text, owner="staff:8")
    other = vault.seal_unsent_text("x", owner="staff:7")
    with pytest.raises(vault.DecryptionError):
        vault.open_unsent_text(other.cookie_secret, seal.sealed_text, owner="staff:7")
    with pytest.raises(vault.DecryptionError):
        vault.open_unsent_text("not base64!", seal.sealed_text, owner="staff:7")
