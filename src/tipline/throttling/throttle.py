"""Throttles for wrong guesses: failures counted in moving windows of at most a minute.

A throttle is a ladder of limits on failures, e.g. "5 per 10 seconds; 10 per minute":
the first few wrong tries pass at once, then each further one waits until the oldest
failure leaves its window, so the delays grow (seconds, then up to a minute) while the
flood goes on. No window is longer than a minute, so a minute after the flood stops
every count is back to zero: a throttle slows a guesser but never keeps the right
password or receipt out for longer than that. Only failures are counted; a try that is
refused by the throttle is not a failure and costs no Argon2id.

Counts are kept by the `limits` library (moving windows) in memory or in Redis
(`storage`), under opaque identifiers: a keyed hash of the source (`sources`), never an
address, and for staff the username typed.
"""

import time

from limits import RateLimitItem, parse_many
from limits.strategies import MovingWindowRateLimiter

from . import storage

LONGEST_WINDOW_SECONDS = 60


class Throttle:
    def __init__(self, name: str, ladder: str) -> None:
        self.name = name
        self.ladder: list[RateLimitItem] = parse_many(ladder)
        for item in self.ladder:
            if item.get_expiry() > LONGEST_WINDOW_SECONDS:
                raise ValueError(f"{name}: {item} keeps a count longer than a minute")

    def retry_after(self, *identifiers: str) -> int:
        """Seconds to wait before the next try may be checked, or 0 when it may be now."""
        limiter = _limiter()
        waits = [0.0]
        for item in self.ladder:
            if not limiter.test(item, self.name, *identifiers):
                stats = limiter.get_window_stats(item, self.name, *identifiers)
                waits.append(stats.reset_time - _now())
        wait = max(waits)
        return 0 if wait <= 0 else min(LONGEST_WINDOW_SECONDS, int(wait) + 1)

    def record_failure(self, *identifiers: str) -> None:
        limiter = _limiter()
        for item in self.ladder:
            limiter.hit(item, self.name, *identifiers)

    def has_failed(self, *identifiers: str) -> bool:
        """True when a failure under `identifiers` is still inside the longest window."""
        limiter = _limiter()
        longest = max(self.ladder, key=lambda item: item.get_expiry())
        stats = limiter.get_window_stats(longest, self.name, *identifiers)
        return stats.remaining < longest.amount

    def forgive(self, *identifiers: str) -> None:
        """A success: the owner typed it right, earlier slips no longer count."""
        limiter = _limiter()
        for item in self.ladder:
            limiter.clear(item, self.name, *identifiers)

    def reset(self) -> None:
        """Forget every count of every throttle (tests; a restart does the same in memory)."""
        storage.forget_everything()


class Episodes:
    """Tells the first trip of a throttle from the ones that follow: one notice per episode.

    An episode starts at a trip with none in the `seconds` before it and lasts that long
    from its start; the marker only decides whether to tell someone, it refuses nothing.
    """

    def __init__(self, name: str, seconds: int) -> None:
        self.name = name
        self.seconds = seconds

    def starts(self, *identifiers: str) -> bool:
        """Count a trip; True for the first one of an episode."""
        key = "/".join((self.name, *identifiers))
        return storage.storage().incr(key, self.seconds) == 1


def _limiter() -> MovingWindowRateLimiter:
    return MovingWindowRateLimiter(storage.storage())


def _now() -> float:
    return time.time()
