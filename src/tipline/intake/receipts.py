"""Receipt codes on the reporter's side: issued with the form, checked when they return.

The code is made when the form is shown and travels in it, signed, as a hidden field. So a
form sent twice (a double tap, a reload) carries the same code: the second arrival finds
the first report by its lookup value and shows the same receipt, instead of making a
second report or a receipt the reporter never sees. Only someone holding the form can do
this, and they hold the code already.
"""

import threading
from functools import cache

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction

from tipline import vault

from .models import ReceiptSalt

_signer = signing.Signer(salt="tipline.intake.receipt-in-form")


class FormReceiptInvalid(Exception):
    """The hidden receipt field was missing or altered."""


def issue_for_form() -> str:
    """A new receipt code, signed, for the form's hidden field."""
    return _signer.sign(vault.normalise_receipt_code(vault.new_receipt_code()))


def code_from_form(signed: str) -> str:
    try:
        return vault.normalise_receipt_code(_signer.unsign(signed))
    except (signing.BadSignature, vault.MalformedSecret):
        raise FormReceiptInvalid from None


def receipt_salt() -> bytes:
    """The installation's receipt salt, made on first use (one row, safe under races)."""
    row = ReceiptSalt.objects.filter(pk=1).first()
    if row is None:
        try:
            with transaction.atomic():
                ReceiptSalt.objects.create(pk=1, salt=vault.new_receipt_salt())
        except IntegrityError:
            pass  # made at the same moment by another request
        row = ReceiptSalt.objects.get(pk=1)
    return bytes(row.salt)


@cache
def _derivations() -> threading.BoundedSemaphore:
    return threading.BoundedSemaphore(settings.ARGON2_CONCURRENCY)


def derive(code: str) -> vault.ReceiptSecrets:
    """One Argon2id derivation. Call outside any transaction.

    At most `ARGON2_CONCURRENCY` run at once in a process (one per core): the admission gate
    lets in a few more requests than that, so a core freed by one derivation goes at once
    to the next request instead of waiting while another request parses or commits; and
    more derivations at once than cores only slow each other (memory bandwidth).
    """
    salt = receipt_salt()
    with _derivations():
        return vault.derive_receipt_secrets(code, salt)
