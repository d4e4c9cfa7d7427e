"""Reward claim codes: a one-time code the reporter takes to collect an approved reward.

Only a digest of the code is stored, so a copy of the database claims nothing. So that the
reporter can read the code again on later visits, it is also kept encrypted under a key
that needs both the report key and the receipt code: the desk's recipients hold the report
key but never the receipt, so they cannot read (and cash) the code themselves.
"""

import nacl.hash
from nacl.encoding import RawEncoder

from .receipts import format_receipt_code, new_receipt_code, normalise_receipt_code
from .reports import ReportKey
from .symmetric import aead_decrypt, aead_encrypt, derive_subkey


def new_claim_code() -> str:
    """A fresh claim code: as many random digits as a receipt, grouped for reading."""
    return new_receipt_code()


def format_claim_code(code: str) -> str:
    return format_receipt_code(code)


def claim_code_digest(typed: str) -> str:
    """The stored form of a claim code; `MalformedSecret` for anything not a code.

    A fast hash is enough: the code is 66 random bits and wrong codes are throttled.
    """
    digits = normalise_receipt_code(typed)
    return nacl.hash.blake2b(
        digits.encode("ascii"), digest_size=32, person=b"tipline.claim", encoder=RawEncoder
    ).hex()


def seal_claim_code_for_reporter(
    report_key: ReportKey, receipt_code: str, claim_code: str, *, context: str
) -> bytes:
    return aead_encrypt(
        _reporter_claim_key(report_key, receipt_code),
        normalise_receipt_code(claim_code).encode("ascii"),
        context=context,
    )


def open_claim_code_as_reporter(
    report_key: ReportKey, receipt_code: str, sealed: bytes, *, context: str
) -> str:
    """The claim code, grouped; `DecryptionError` without the right receipt and report key."""
    plain = aead_decrypt(_reporter_claim_key(report_key, receipt_code), sealed, context=context)
    return format_receipt_code(plain.decode("ascii"))


def _reporter_claim_key(report_key: ReportKey, receipt_code: str) -> bytes:
    receipt = normalise_receipt_code(receipt_code).encode("ascii")
    return nacl.hash.blake2b(
        receipt,
        key=derive_subkey(report_key._key, "claim-code"),
        digest_size=32,
        person=b"tipline.claimkey",
        encoder=RawEncoder,
    )
