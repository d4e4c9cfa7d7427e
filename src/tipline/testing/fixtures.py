"""Fixtures shared by every app's tests (loaded with `-p tipline.testing.fixtures`)."""

from collections.abc import Iterator

import pytest
from django_otp.oath import TOTP

from tipline.vault import params

# The production costs, recorded before any fixture lowers them.
PRODUCTION_STAFF_PASSWORD_COST = params.STAFF_PASSWORD_COST
PRODUCTION_RECEIPT_COST = params.RECEIPT_COST

# libsodium's minimum Argon2id cost: the same algorithm and code path, in a millisecond.
FAST_COST = params.Argon2Cost(opslimit=1, memlimit=8192)

STRONG_PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True, scope="session")
def fast_vault() -> Iterator[None]:
    """Lower the vault's Argon2id costs for the whole run (SecureDrop's insecure_scrypt).

    Session-scoped and without monkeypatch, so hypothesis tests can use it freely. A test
    that needs a real cost passes one explicitly (see `real_receipt_cost`).
    """
    params.STAFF_PASSWORD_COST = FAST_COST
    params.RECEIPT_COST = FAST_COST
    yield
    params.STAFF_PASSWORD_COST = PRODUCTION_STAFF_PASSWORD_COST
    params.RECEIPT_COST = PRODUCTION_RECEIPT_COST


@pytest.fixture
def real_receipt_cost() -> Iterator[None]:
    params.RECEIPT_COST = PRODUCTION_RECEIPT_COST
    yield
    params.RECEIPT_COST = FAST_COST


def totp_code(key_hex: str, *, step_offset: int = 0) -> str:
    """The code an authenticator app would show now for this key."""
    totp = TOTP(bytes.fromhex(key_hex))
    totp.drift = step_offset
    return f"{totp.token():06d}"
