"""A sliding-window throttle kept in this process's memory (nothing is written)."""

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
