"""Staff key pairs: wrapped by password and recovery code, rewrapped, never lost."""

import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tipline import vault
from tipline.vault import params

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def enrolment() -> vault.StaffEnrolment:
    return vault.enrol_staff(PASSWORD)


@settings(max_examples=25, deadline=None)
@given(password=st.text(min_size=1, max_size=200))
def test_any_password_round_trips(password: str) -> None:
    enrolment = vault.enrol_staff(password)
    key = vault.unlock_with_password(enrolment.record, password)
    assert key.public_key == enrolment.record.public_key


def test_wrong_password_raises_decryption_error(enrolment: vault.StaffEnrolment) -> None:
    with pytest.raises(vault.DecryptionError):
        vault.unlock_with_password(enrolment.record, PASSWORD + "x")


def test_recovery_code_opens_the_same_key(enrolment: vault.StaffEnrolment) -> None:
    key = vault.unlock_with_recovery_code(enrolment.record, enrolment.recovery_code)
    assert key.public_key == enrolment.record.public_key


def test_recovery_code_is_read_with_any_case_and_spacing(enrolment: vault.StaffEnrolment) -> None:
    typed = enrolment.recovery_code.lower().replace("-", " ")
    key = vault.unlock_with_recovery_code(enrolment.record, f"  {typed} ")
    assert key.public_key == enrolment.record.public_key


@pytest.mark.parametrize("typed", ["", "ABCD", "0" * 32, "ABCD-" * 8 + "ABCD", "Ä" * 32])
def test_malformed_recovery_code_is_refused_before_any_work(typed: str) -> None:
    with pytest.raises(vault.MalformedSecret):
        vault.normalise_recovery_code(typed)


def test_wrong_recovery_code_raises_decryption_error(enrolment: vault.StaffEnrolment) -> None:
    other = vault.enrol_staff(PASSWORD)
    with pytest.raises(vault.DecryptionError):
        vault.unlock_with_recovery_code(enrolment.record, other.recovery_code)


def test_password_change_keeps_old_reports_readable(enrolment: vault.StaffEnrolment) -> None:
    report_key = vault.new_report_key()
    sealed = vault.seal_report_key(report_key, enrolment.record.public_key)
    blob = vault.encrypt_text(report_key, "seen before the change", context="r/1")

    changed = vault.change_password(enrolment.record, PASSWORD, "a new long passphrase")

    assert changed.public_key == enrolment.record.public_key
    with pytest.raises(vault.DecryptionError):
        vault.unlock_with_password(changed, PASSWORD)
    key = vault.unlock_with_password(changed, "a new long passphrase")
    opened = vault.open_sealed_report_key(sealed, key)
    assert vault.decrypt_text(opened, blob, context="r/1") == "seen before the change"


def test_password_change_needs_the_old_password(enrolment: vault.StaffEnrolment) -> None:
    with pytest.raises(vault.DecryptionError):
        vault.change_password(enrolment.record, "not the password", "a new long passphrase")


def test_recovery_rewraps_issues_a_new_code_and_keeps_reports(
    enrolment: vault.StaffEnrolment,
) -> None:
    report_key = vault.new_report_key()
    sealed = vault.seal_report_key(report_key, enrolment.record.public_key)

    recovered = vault.recover_with_code(
        enrolment.record, enrolment.recovery_code, "chosen after forgetting"
    )

    assert recovered.recovery_code != enrolment.recovery_code
    assert recovered.record.public_key == enrolment.record.public_key
    with pytest.raises(vault.DecryptionError):  # the used code no longer opens anything
        vault.unlock_with_recovery_code(recovered.record, enrolment.recovery_code)
    for key in (
        vault.unlock_with_password(recovered.record, "chosen after forgetting"),
        vault.unlock_with_recovery_code(recovered.record, recovered.recovery_code),
    ):
        assert vault.open_sealed_report_key(sealed, key) == report_key


def test_wrap_swapped_in_from_another_account_does_not_open(
    enrolment: vault.StaffEnrolment,
) -> None:
    """An attacker who can write the database cannot pair their wrap with a victim's key."""
    attacker = vault.enrol_staff(PASSWORD)
    forged = vault.StaffKeyRecord(
        public_key=enrolment.record.public_key,
        private_key_by_password=attacker.record.private_key_by_password,
        private_key_by_recovery=attacker.record.private_key_by_recovery,
    )
    with pytest.raises(vault.DecryptionError):
        vault.unlock_with_password(forged, PASSWORD)
    with pytest.raises(vault.DecryptionError):
        vault.unlock_with_recovery_code(forged, attacker.recovery_code)


def test_every_tampered_byte_of_a_password_wrap_is_detected(
    enrolment: vault.StaffEnrolment,
) -> None:
    blob = enrolment.record.private_key_by_password
    for position in range(len(blob)):
        tampered = bytearray(blob)
        tampered[position] ^= 0x01
        record = vault.StaffKeyRecord(
            enrolment.record.public_key, bytes(tampered), enrolment.record.private_key_by_recovery
        )
        with pytest.raises(vault.DecryptionError):
            vault.unlock_with_password(record, PASSWORD)


@pytest.mark.parametrize("cut", [0, 1, 13, 29, 60])
def test_truncated_password_wrap_is_detected(enrolment: vault.StaffEnrolment, cut: int) -> None:
    record = vault.StaffKeyRecord(
        enrolment.record.public_key,
        enrolment.record.private_key_by_password[:cut],
        enrolment.record.private_key_by_recovery,
    )
    with pytest.raises(vault.DecryptionError):
        vault.unlock_with_password(record, PASSWORD)


def test_a_wrap_demanding_huge_memory_is_refused_without_deriving(
    enrolment: vault.StaffEnrolment,
) -> None:
    """A tampered row must not make a sign-in allocate terabytes."""
    blob = bytearray(enrolment.record.private_key_by_password)
    struct.pack_into(">IQ", blob, 1, 3, 2**40)
    record = vault.StaffKeyRecord(
        enrolment.record.public_key, bytes(blob), enrolment.record.private_key_by_recovery
    )
    with pytest.raises(vault.DecryptionError):
        vault.unlock_with_password(record, PASSWORD)


def test_wrap_records_the_cost_it_was_made_with(enrolment: vault.StaffEnrolment) -> None:
    """Raising the cost later keeps earlier wraps working: each blob says its own cost."""
    opslimit, memlimit = struct.unpack_from(">IQ", enrolment.record.private_key_by_password, 1)
    assert (opslimit, memlimit) == (
        params.STAFF_PASSWORD_COST.opslimit,
        params.STAFF_PASSWORD_COST.memlimit,
    )


def test_production_password_cost_is_stronger_than_the_receipt_cost() -> None:
    from tipline.testing.fixtures import PRODUCTION_RECEIPT_COST, PRODUCTION_STAFF_PASSWORD_COST

    assert PRODUCTION_STAFF_PASSWORD_COST.memlimit >= 256 * params.MiB
    assert PRODUCTION_STAFF_PASSWORD_COST.memlimit > PRODUCTION_RECEIPT_COST.memlimit


def test_empty_password_is_refused() -> None:
    with pytest.raises(ValueError):
        vault.enrol_staff("")


def test_secrets_never_appear_in_repr(enrolment: vault.StaffEnrolment) -> None:
    key = vault.unlock_with_password(enrolment.record, PASSWORD)
    assert enrolment.recovery_code not in repr(enrolment)
    raw = bytes(key._key)
    assert repr(key) == "StaffPrivateKey()"
    assert raw.hex() not in repr(key) and repr(raw) not in repr(key)
