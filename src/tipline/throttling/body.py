"""Reading a request body in bounded time, whatever the client does.

A client that sends the headers of a form and then a few bytes, or nothing, must not hold
anything for long: the body is read through `BoundedBody`, which gives up when no byte
came for `BODY_IDLE_SECONDS` or when the whole body took longer than `BODY_SECONDS` plus
one second per `BODY_MIN_BYTES_PER_SECOND` it declared. Under gunicorn the socket's own
timeout enforces this (a read blocked on a silent client returns when the time is up);
elsewhere the limits are checked between reads. The answer is 408 and the connection is
closed. The admission slot is taken only after the body has arrived (`gate`), so a slow
body never holds one.
"""

import socket
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings


class BodyTooSlow(Exception):
    """The body did not arrive in time. Deliberately not an OSError: Django would take that
    for a dropped connection and go on with an empty form."""


class BoundedBody:
    """A file-like wrapper of Django's request stream with a deadline and an idle limit.

    `on_complete` runs once, when the last declared byte has been read (the gate takes its
    slot there, after the body, for forms that stream their files while they arrive).
    """

    def __init__(
        self,
        stream: Any,
        length: int,
        sock: socket.socket | None,
        on_complete: Callable[[], None] | None = None,
    ) -> None:
        self._stream = stream
        self._remaining = length
        self._sock = sock
        self._idle = float(settings.BODY_IDLE_SECONDS)
        self._deadline = (
            time.monotonic() + settings.BODY_SECONDS + length / settings.BODY_MIN_BYTES_PER_SECOND
        )
        self._on_complete = on_complete
        self._completed = False
        if length == 0:
            self._complete()

    def read(self, size: int = -1) -> bytes:
        return self._bounded(lambda: self._stream.read(size))

    def readline(self, size: int = -1) -> bytes:
        return self._bounded(lambda: self._stream.readline(size))

    def close(self) -> None:
        self._stream.close()

    def _bounded(self, read: Callable[[], bytes]) -> bytes:
        if self._remaining <= 0:
            self._complete()
            return b""
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise BodyTooSlow
        if self._sock is not None:
            self._sock.settimeout(min(left, self._idle))
        try:
            data = read()
        except TimeoutError:
            raise BodyTooSlow from None
        finally:
            if self._sock is not None:
                self._sock.settimeout(None)
        if not data:
            # The body ended before its declared length: the client stopped sending (or
            # gunicorn gave up on the silent socket, which it reports as an end).
            raise BodyTooSlow
        self._remaining -= len(data)
        if self._remaining <= 0:
            self._complete()
        return data

    def _complete(self) -> None:
        if not self._completed:
            self._completed = True
            if self._on_complete is not None:
                self._on_complete()
