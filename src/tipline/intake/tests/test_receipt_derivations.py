"""Receipt derivations are bounded per process, apart from the admission gate."""

import threading
import time

import pytest
from django.conf import settings
from django.db import connection

from tipline import vault
from tipline.intake import receipts


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
            receipts.derive(vault.new_receipt_code())
        finally:
            connection.close()

    threads = [threading.Thread(target=derive) for _ in range(4 * settings.ARGON2_CONCURRENCY)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most == settings.ARGON2_CONCURRENCY
