"""Where a submission's time goes: Argon2id, files, encryption, database, the rest.

Off unless TIPLINE_PHASE_TIMINGS is set. Each submission then logs one line of milliseconds
per phase (no report id, no client), which `bench/submit.py` adds up.
"""

import logging
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings

logger = logging.getLogger("tipline.timings")
_current = threading.local()


def start() -> None:
    if settings.PHASE_TIMINGS:
        _current.started = time.perf_counter()
        _current.phases = defaultdict(float)


@contextmanager
def phase(name: str) -> Iterator[None]:
    phases = getattr(_current, "phases", None)
    if phases is None:
        yield
        return
    started = time.perf_counter()
    try:
        yield
    finally:
        phases[name] += time.perf_counter() - started


def finish(outcome: str) -> None:
    phases = getattr(_current, "phases", None)
    if phases is None:
        return
    total = time.perf_counter() - _current.started
    rest = total - sum(phases.values())
    parts = " ".join(f"{name}={seconds * 1000:.2f}" for name, seconds in sorted(phases.items()))
    logger.info("submission %s total=%.2f %s rest=%.2f", outcome, total * 1000, parts, rest * 1000)
    _current.phases = None
