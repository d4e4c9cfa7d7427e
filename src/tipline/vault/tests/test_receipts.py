"""Receipt codes: their form, and the two secrets one Argon2id call derives from them."""

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tipline import vault
from tipline.testing.fixtures import PRODUCTION_RECEIPT_COST
from tipline.vault import params

SALT = bytes(range(16))


def test_new_code_is_twenty_digits_in_groups_of_four() -> None:
    code = vault.new_receipt_code()
    groups = code.split(" ")
    assert [len(g) for g in groups] == [4, 4, 4, 4, 4]
    assert all(g.isascii() and g.isdigit() for g in groups)


def test_new_codes_differ_and_use_every_digit() -> None:
    codes = {vault.normalise_receipt_code(vault.new_receipt_code()) for _ in range(200)}
    assert len(codes) == 200
    assert set("".join(codes)) == set("0123456789")


@pytest.mark.parametrize(
    "typed",
    [
        "1234 5678 9012 3456 7890",
        "1234-5678-9012-3456-7890",
        "12345678901234567890",
        "  1234\t5678\n9012 3456 7890  ",
        "１２３４ ５６７８ ９０１２ ３４５６ ７８９０",  # full-width digits
        "۱۲۳۴ ۵۶۷۸ ۹۰۱۲ ۳۴۵۶ ۷۸۹۰",  # Urdu (Extended Arabic-Indic) digits
        "١٢٣٤–٥٦٧٨–٩٠١٢–٣٤٥٦–٧٨٩٠",  # Arabic-Indic digits, en dashes
        "1234\u00a05678\u00a09012\u00a03456\u00a07890",  # no-break spaces
    ],
)
def test_code_is_read_back_from_any_script_and_spacing(typed: str) -> None:
    assert vault.normalise_receipt_code(typed) == "12345678901234567890"


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "1234",
        "1234 5678 9012 3456 789",  # 19 digits
        "1234 5678 9012 3456 78901",  # 21 digits
        "1234 5678 9012 3456 789O",  # letter O
        "1234_5678_9012_3456_7890",
        "½234 5678 9012 3456 7890",  # numeric but not a decimal digit
        "1234 5678 9012 3456 7890\u202e",  # right-to-left override
        "1234 5678 9012 3456 7890\x00",
    ],
)
def test_malformed_code_is_refused_before_any_derivation(typed: str) -> None:
    with pytest.raises(vault.MalformedSecret):
        vault.derive_receipt_secrets(typed, SALT)


@settings(max_examples=30, deadline=None)
@given(number=st.integers(0, 10**20 - 1))
def test_derivation_is_deterministic_and_separates_lookup_from_key(number: int) -> None:
    code = str(number).zfill(20)
    first = vault.derive_receipt_secrets(code, SALT)
    second = vault.derive_receipt_secrets(vault.format_receipt_code(code), SALT)
    assert first.lookup == second.lookup
    assert first.reporter_key == second.reporter_key
    assert bytes.fromhex(first.lookup) != first.reporter_key._key


def test_different_codes_and_salts_give_different_lookups() -> None:
    code = vault.new_receipt_code()
    lookups = {
        vault.derive_receipt_secrets(code, SALT).lookup,
        vault.derive_receipt_secrets(vault.new_receipt_code(), SALT).lookup,
        vault.derive_receipt_secrets(code, vault.new_receipt_salt()).lookup,
    }
    assert len(lookups) == 3


def test_salt_of_the_wrong_size_is_refused() -> None:
    with pytest.raises(ValueError):
        vault.derive_receipt_secrets(vault.new_receipt_code(), b"short")


def test_production_receipt_cost_meets_the_design() -> None:
    """DESIGN.md: one Argon2id derivation with at least 64 MiB of memory."""
    assert PRODUCTION_RECEIPT_COST.memlimit >= 64 * params.MiB
    assert PRODUCTION_RECEIPT_COST.opslimit >= 2


@pytest.mark.slow
def test_derivation_at_production_cost_runs_and_is_slow_enough(real_receipt_cost: None) -> None:
    """A guess costs a real Argon2id call (measured loosely: never a timing assertion on speed)."""
    started = time.perf_counter()
    secrets = vault.derive_receipt_secrets(vault.new_receipt_code(), SALT)
    elapsed = time.perf_counter() - started
    assert len(secrets.lookup) == 64
    assert elapsed > 0.005  # a derivation at 64 MiB cannot be this cheap by accident
