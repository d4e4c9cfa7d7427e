"""A receipt is one value: read from what a person typed in any script, shown grouped,
compared by its digits, and never written out by a log line or a traceback."""

import pytest

from tipline import vault
from tipline.reports.receipts import Receipt


def test_a_receipt_typed_in_urdu_digits_with_dashes_is_the_one_shown_grouped() -> None:
    shown = Receipt.new()
    urdu_digits = str(shown).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    typed = Receipt.read(urdu_digits.replace(" ", "-"))
    assert typed == shown
    assert str(typed) == " ".join(typed.digits[i : i + 4] for i in range(0, 20, 4))


@pytest.mark.parametrize("typed", ["", "1234", "1234 5678 9012 3456 789O", "٣" * 21])
def test_what_is_not_a_receipt_is_refused_before_any_work(typed: str) -> None:
    with pytest.raises(vault.MalformedSecret):
        Receipt.read(typed)


def test_a_receipt_never_writes_its_digits_into_a_log_or_a_traceback() -> None:
    receipt = Receipt.new()
    assert receipt.digits not in repr(receipt)
    assert receipt.digits not in f"{[receipt]!r}"
