"""Throttling wrong receipt codes, in memory only.

Each wrong code costs the server an Argon2id derivation and gives a guesser one try, so
repeated wrong codes are slowed down. Nothing about the client is written anywhere: the
key is `request.client_bucket` (a keyed hash of the address under a random key that lives
and dies with the process, see `web.middleware`), and counts live in this process's
memory. Behind a Tor onion service every reporter shares one bucket, so the per-bucket
limit is set to bear legitimate typos from many people at once; the global limit caps the
CPU a flood of guesses can take.
"""

import threading
import time
from collections import deque


class Throttle:
    def __init__(self, *, per_bucket: int, overall: int, window_seconds: float) -> None:
        self.per_bucket = per_bucket
        self.overall = overall
        self.window = window_seconds
        self._lock = threading.Lock()
        self._failures: dict[str, deque[float]] = {}
        self._all: deque[float] = deque()

    def retry_after(self, bucket: str) -> int:
        """Seconds to wait before trying again, or 0 when a try is allowed now."""
        now = time.monotonic()
        with self._lock:
            self._forget_before(now - self.window)
            times = self._failures.get(bucket)
            waits = []
            if times and len(times) >= self.per_bucket:
                waits.append(times[0] + self.window - now)
            if len(self._all) >= self.overall:
                waits.append(self._all[0] + self.window - now)
        return max(1, int(max(waits)) + 1) if waits else 0

    def record_failure(self, bucket: str) -> None:
        now = time.monotonic()
        with self._lock:
            self._failures.setdefault(bucket, deque()).append(now)
            self._all.append(now)

    def reset(self) -> None:
        with self._lock:
            self._failures.clear()
            self._all.clear()

    def _forget_before(self, horizon: float) -> None:
        while self._all and self._all[0] < horizon:
            self._all.popleft()
        for bucket in [b for b, times in self._failures.items() if times[-1] < horizon]:
            del self._failures[bucket]
        for times in self._failures.values():
            while times and times[0] < horizon:
                times.popleft()


WRONG_RECEIPTS = Throttle(per_bucket=10, overall=300, window_seconds=600)
