"""One report commit at a time on SQLite, queued in the kernel instead of polled.

SQLite has one writer per database. A writer that finds the lock taken sleeps in SQLite's
busy handler, in steps of up to 100 ms, and tries again: the lock may sit free while
everyone sleeps, and who gets it is luck. With several worker processes under a surge this
was most of the database phase and the long tail of admitted requests (bench/submit.py,
8 workers). Here the threads of a process queue on a lock, and one thread per process on
an `flock` of a file beside the data, which the kernel hands over the moment it is free
(and frees when a process dies, even by SIGKILL). PostgreSQL needs none of this.
"""

import fcntl
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import OperationalError, connection

# How long a thread waits for its process's turn before the request is answered 503 (the
# gate turns OperationalError into "busy"); a commit takes milliseconds.
WAIT_SECONDS = 5

_in_process = threading.Lock()


@contextmanager
def one_writer() -> Iterator[None]:
    """Hold around a write transaction: on SQLite, the only one running."""
    if connection.vendor != "sqlite":
        yield
        return
    if not _in_process.acquire(timeout=WAIT_SECONDS):
        raise OperationalError("the database's writer is busy")
    try:
        with open(settings.DATA_DIR / "sqlite-writer.lock", "ab") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock_file, fcntl.LOCK_UN)
    finally:
        _in_process.release()
