"""Receipt codes on the reporter's side: issued with the form, checked when they return.

The code is made when the form is shown and travels in it, signed, as a hidden field. So a
form sent twice (a double tap, a reload) carries the same code: the second arrival finds
the first report by its lookup value and shows the same receipt, instead of making a
second report or a receipt the reporter never sees. Only someone holding the form can do
this, and they hold the code already.
"""

import logging
import threading
import time
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction

from tipline import vault
from tipline.throttling.gate import AdmissionRefused

from .models import ReceiptSalt

_signer = signing.Signer(salt="tipline.reports.receipt-in-form")
logger = logging.getLogger(__name__)


@dataclass(frozen=True, repr=False)
class Receipt:
    """A reporter's receipt code, the one key to their report.

    Made only by `new` or `read`, so `digits` is always the normal form (ASCII digits):
    the form every derivation, comparison and hidden field uses. `str()` is the grouped
    form a person reads and copies. The repr hides the digits, so a receipt never lands
    in a log line or a traceback.
    """

    digits: str

    @classmethod
    def new(cls) -> "Receipt":
        return cls(vault.normalise_receipt_code(vault.new_receipt_code()))

    @classmethod
    def read(cls, typed: str) -> "Receipt":
        """What a person typed or pasted, in any script's digits, spaces and dashes ignored.

        Raises `vault.MalformedSecret` for anything that is not a receipt's form, before
        any costly work.
        """
        return cls(vault.normalise_receipt_code(typed))

    def __str__(self) -> str:
        return vault.format_receipt_code(self.digits)

    def __repr__(self) -> str:
        return "Receipt(…)"


class FormReceiptInvalid(Exception):
    """The hidden receipt field was missing or altered."""


def issue_for_form() -> str:
    """A new receipt code, signed, for the form's hidden field."""
    return _signer.sign(Receipt.new().digits)


def receipt_from_form(signed: str) -> Receipt:
    try:
        return Receipt.read(_signer.unsign(signed))
    except (signing.BadSignature, vault.MalformedSecret):
        raise FormReceiptInvalid from None


_salt: bytes | None = None


def receipt_salt() -> bytes:
    """The installation's receipt salt, made on first use (one row, safe under races).

    It never changes once made (every receipt depends on it), so a process reads it once.
    """
    global _salt
    if _salt is None:
        _salt = _stored_salt()
    return _salt


def forget_salt() -> None:
    """Read the salt again on next use (tests, which make a new database each time)."""
    global _salt
    _salt = None


def _stored_salt() -> bytes:
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


# The host's derivation service, when `tipline serve` started one (`use_service`); its
# workers are forks of the process that set it, so they all use the same one.
_service: vault.DerivationService | None = None


def use_service(service: vault.DerivationService | None) -> None:
    """Send every receipt derivation of this process (and its forks) to `service`."""
    global _service
    _service = service


def derive(receipt: Receipt) -> vault.ReceiptSecrets:
    """One Argon2id derivation. Call outside any transaction.

    Under `tipline serve` it runs in the host's derivation service: one single-threaded
    process per core shared by every worker, so no more derivations run at once than the
    host has cores, and a busy worker can use the cores an idle one leaves (see
    `tipline.vault.derivations` for why processes and not threads). Elsewhere (commands,
    tests), or if the service is gone, it runs in this thread, at most
    `ARGON2_CONCURRENCY` at once in a process: the admission gate lets in a few more
    requests than that, so that a core freed by one derivation goes at once to the next
    request instead of waiting while another request parses or commits. A service that is
    there but does not answer in time means the host is past its capacity: the request is
    refused (503) rather than derived here on top.
    """
    salt = receipt_salt()
    if _service is not None:
        try:
            return vault.derive_receipt_secrets(receipt.digits, salt, service=_service)
        except vault.DerivationBusy:
            raise AdmissionRefused from None  # 503 + Retry-After: the host is past capacity
        except vault.DerivationUnavailable as gone:
            _say_service_gone(str(gone))
    with _derivations():
        return vault.derive_receipt_secrets(receipt.digits, salt)


_last_said = 0.0


def _say_service_gone(why: str) -> None:
    """Log that the service is gone, at most once a minute (it would be every request)."""
    global _last_said
    if time.monotonic() - _last_said > 60:
        _last_said = time.monotonic()
        logger.warning("the derivation service is unavailable (%s): deriving in threads", why)
