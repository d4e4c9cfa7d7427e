"""Receipt derivations are bounded per process, apart from the admission gate."""

import threading
import time

import pytest
from django.conf import settings
from django.db import connection

from tipline import vault
from tipline.reports import receipts


@pytest.mark.django_db(transaction=True)
def test_no_more_derivations_at_once_than_the_process_allows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The gate admits twice as many requests as there are cores; Argon2id itself must
    still run at most `ARGON2_CONCURRENCY` at once, or they slow each other down."""
    receipts.receipt_salt()
    real = vault.derive_receipt_secrets
    running, most = 0, 0
    lock = threading.Lock()

    def counted(code: str, salt: bytes) -> vault.ReceiptSecrets:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        try:
            time.sleep(0.05)  # hold the derivation long enough for the others to arrive
            return real(code, salt)
        finally:
            with lock:
                running -= 1

    monkeypatch.setattr(vault, "derive_receipt_secrets", counted)

    def derive() -> None:
        try:
            receipts.derive(receipts.Receipt.new())
        finally:
            connection.close()

    threads = [threading.Thread(target=derive) for _ in range(4 * settings.ARGON2_CONCURRENCY)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most == settings.ARGON2_CONCURRENCY


@pytest.mark.django_db
def test_with_the_service_the_secrets_are_the_same_and_without_it_too() -> None:
    """Under `tipline serve` derivations go to the host's service; when it is gone, the
    worker derives itself and the receipt still opens the same report."""
    code = receipts.Receipt.new()
    here = receipts.derive(code)
    running = vault.start_service(1)
    try:
        receipts.use_service(running.service)
        assert receipts.derive(code).lookup == here.lookup
        running.stop()  # gone (killed, never started): the worker derives itself
        assert receipts.derive(code).lookup == here.lookup
    finally:
        receipts.use_service(None)
        running.stop()


@pytest.mark.django_db
def test_a_service_that_does_not_answer_in_time_turns_the_request_away(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tipline.throttling.gate import AdmissionRefused
    from tipline.vault import derivations

    def overloaded(*args: object, **kwargs: object) -> bytes:
        raise vault.DerivationBusy("no answer in time")

    monkeypatch.setattr(derivations.DerivationService, "derive", overloaded)
    receipts.use_service(vault.DerivationService("/nowhere/socket"))
    try:
        with pytest.raises(AdmissionRefused):  # 503 + Retry-After, not a second derivation
            receipts.derive(receipts.Receipt.new())
    finally:
        receipts.use_service(None)
