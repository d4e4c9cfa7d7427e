"""Throttles on moving windows: growing waits per identifier, nothing longer than a minute."""

import pytest

from tipline.throttling.throttle import Throttle


def test_an_identifier_waits_after_its_limit_and_others_do_not() -> None:
    throttle = Throttle("test-a", "3/minute")
    for _ in range(3):
        assert throttle.retry_after("a") == 0
        throttle.record_failure("a")
    assert 0 < throttle.retry_after("a") <= 60
    assert throttle.retry_after("b") == 0


def test_the_wait_grows_with_the_ladder() -> None:
    throttle = Throttle("test-b", "2/10 seconds;4/minute")
    throttle.record_failure("a")
    throttle.record_failure("a")
    first = throttle.retry_after("a")
    assert 0 < first <= 10
    throttle.record_failure("a")
    throttle.record_failure("a")
    assert throttle.retry_after("a") > 10


def test_a_success_forgives_earlier_slips() -> None:
    throttle = Throttle("test-c", "2/minute")
    throttle.record_failure("a")
    throttle.record_failure("a")
    throttle.forgive("a")
    assert throttle.retry_after("a") == 0


def test_no_throttle_keeps_a_count_longer_than_a_minute() -> None:
    with pytest.raises(ValueError, match="longer than a minute"):
        Throttle("test-d", "10/hour")
