"""Report keys sealed to recipients and wrapped for the reporter; texts bound to context."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tipline import vault

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def recipients() -> list[vault.StaffPrivateKey]:
    enrolments = [vault.enrol_staff(PASSWORD) for _ in range(3)]
    return [vault.unlock_with_password(e.record, PASSWORD) for e in enrolments]


def test_every_recipient_opens_the_report_key(recipients: list[vault.StaffPrivateKey]) -> None:
    report_key = vault.new_report_key()
    for recipient in recipients:
        sealed = vault.seal_report_key(report_key, recipient.public_key)
        assert vault.open_sealed_report_key(sealed, recipient) == report_key


def test_someone_not_sealed_to_cannot_open(recipients: list[vault.StaffPrivateKey]) -> None:
    """An administrator added after the report arrived has no sealed copy to open."""
    sealed = vault.seal_report_key(vault.new_report_key(), recipients[0].public_key)
    with pytest.raises(vault.DecryptionError):
        vault.open_sealed_report_key(sealed, recipients[1])


def test_tampered_sealed_key_raises(recipients: list[vault.StaffPrivateKey]) -> None:
    sealed = bytearray(vault.seal_report_key(vault.new_report_key(), recipients[0].public_key))
    sealed[-1] ^= 1
    with pytest.raises(vault.DecryptionError):
        vault.open_sealed_report_key(bytes(sealed), recipients[0])


def test_reporter_opens_with_the_receipt_and_a_wrong_receipt_fails() -> None:
    salt = vault.new_receipt_salt()
    code = vault.new_receipt_code()
    report_key = vault.new_report_key()
    wrapped = vault.wrap_report_key_for_reporter(
        report_key, vault.derive_receipt_secrets(code, salt).reporter_key, context="report/1"
    )

    again = vault.derive_receipt_secrets(code, salt).reporter_key
    assert vault.open_report_key_as_reporter(wrapped, again, context="report/1") == report_key

    wrong = vault.derive_receipt_secrets(vault.new_receipt_code(), salt).reporter_key
    with pytest.raises(vault.DecryptionError):
        vault.open_report_key_as_reporter(wrapped, wrong, context="report/1")
    with pytest.raises(vault.DecryptionError):  # moved to another report's row
        vault.open_report_key_as_reporter(wrapped, again, context="report/2")


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=2000), context=st.text(max_size=80))
def test_any_text_round_trips(text: str, context: str) -> None:
    """Mixed scripts, right-to-left marks, control characters, lone emoji: all come back."""
    report_key = vault.new_report_key()
    blob = vault.encrypt_text(report_key, text, context=context)
    assert vault.decrypt_text(report_key, blob, context=context) == text


def test_mixed_script_text_round_trips() -> None:
    text = "Boat at جیٹی ۳ tonight 今晚 \u202e\u0000\u200f ~2kg"
    report_key = vault.new_report_key()
    blob = vault.encrypt_text(report_key, text, context="c")
    assert text.encode() not in blob
    assert vault.decrypt_text(report_key, blob, context="c") == text


def test_text_from_another_context_does_not_open() -> None:
    report_key = vault.new_report_key()
    blob = vault.encrypt_text(report_key, "where", context="report/1/answer/where")
    with pytest.raises(vault.DecryptionError):
        vault.decrypt_text(report_key, blob, context="report/1/answer/when")


def test_text_under_another_report_key_does_not_open() -> None:
    blob = vault.encrypt_text(vault.new_report_key(), "x", context="c")
    with pytest.raises(vault.DecryptionError):
        vault.decrypt_text(vault.new_report_key(), blob, context="c")


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_any_single_tampered_or_truncated_text_raises(data: st.DataObject) -> None:
    report_key = vault.new_report_key()
    blob = vault.encrypt_text(report_key, "the boat leaves at nine", context="c")
    if data.draw(st.booleans()):
        position = data.draw(st.integers(0, len(blob) - 1))
        flip = data.draw(st.integers(1, 255))
        damaged = bytearray(blob)
        damaged[position] ^= flip
        blob = bytes(damaged)
    else:
        blob = blob[: data.draw(st.integers(0, len(blob) - 1))]
    with pytest.raises(vault.DecryptionError):
        vault.decrypt_text(report_key, blob, context="c")


def test_same_text_encrypts_differently_each_time() -> None:
    report_key = vault.new_report_key()
    assert vault.encrypt_text(report_key, "a", context="c") != vault.encrypt_text(
        report_key, "a", context="c"
    )


def test_report_key_repr_hides_the_key() -> None:
    report_key = vault.new_report_key()
    assert report_key._key.hex() not in repr(report_key)
    assert repr(report_key._key) not in repr(report_key)
