"""The in-memory throttle for wrong receipt codes."""

import time

from tipline.throttling.throttle import Throttle


def test_a_bucket_is_held_back_after_its_limit_and_others_are_not() -> None:
    throttle = Throttle(per_bucket=3, overall=100, window_seconds=60)
    for _ in range(3):
        assert throttle.retry_after("a") == 0
        throttle.record_failure("a")
    assert 0 < throttle.retry_after("a") <= 61
    assert throttle.retry_after("b") == 0


def test_the_overall_limit_holds_back_everyone() -> None:
    throttle = Throttle(per_bucket=100, overall=2, window_seconds=60)
    throttle.record_failure("a")
    throttle.record_failure("b")
    assert throttle.retry_after("c") > 0


def test_failures_are_forgotten_after_the_window() -> None:
    throttle = Throttle(per_bucket=1, overall=100, window_seconds=0.05)
    throttle.record_failure("a")
    assert throttle.retry_after("a") > 0
    time.sleep(0.06)
    assert throttle.retry_after("a") == 0
    assert throttle._failures == {}
