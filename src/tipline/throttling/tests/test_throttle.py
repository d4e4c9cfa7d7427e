"""Throttles on moving windows: growing waits per identifier, nothing longer than a minute."""

import pytest

from tipline.throttling.throttle import Episodes, Throttle


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


@pytest.fixture(params=["memory", "redis"])
def storage_kind(request: pytest.FixtureRequest, settings: object) -> str:
    """Each count where production keeps it: this process's memory, or one Redis."""
    if request.param == "redis":
        import socket

        try:
            socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        except OSError:
            pytest.skip("no Redis on 127.0.0.1:6379")
        settings.REDIS_URL = "redis://127.0.0.1:6379/3"  # type: ignore[attr-defined]
    Throttle("reset", "1/minute").reset()
    return str(request.param)


def test_has_failed_tells_a_source_that_failed_from_one_that_did_not(storage_kind: str) -> None:
    throttle = Throttle(f"test-e-{storage_kind}", "5/10 seconds;10/minute")
    assert not throttle.has_failed("name", "owner")
    throttle.record_failure("name", "guesser")
    assert throttle.has_failed("name", "guesser")
    assert not throttle.has_failed("name", "owner")


def test_an_episode_starts_once_until_it_ends(storage_kind: str) -> None:
    episodes = Episodes(f"test-f-{storage_kind}", 60)
    assert episodes.starts("name")
    assert not episodes.starts("name")
    assert episodes.starts("another name")
