"""The admission gate: under a surge, answer 503 with Retry-After before reading the body.

Some requests cost an Argon2id derivation (a report, a return with a receipt, a staff
sign-in): about 0.1 s of a core and 64 MiB or more each. Admitting more of them at once
than the cores can run only makes every one slower, until all time out. So the views that
derive (marked `@expensive`) pass a gate with a few slots (`TIPLINE_EXPENSIVE_CONCURRENCY`
per process; with Redis, the slots of all processes on one host together) and a short
queue (`TIPLINE_ADMISSION_QUEUE_PER_SLOT` per slot, waiting at most
`TIPLINE_ADMISSION_WAIT_SECONDS`).

The order of a request's way through the gate is what keeps it from being turned against
the people it protects:

1. The declared body size is checked against what the view may take (`body_limit`): more
   is 413 at once, nothing read. Only the forms that take files accept large bodies.
2. When every slot is busy and the queue is full, or long enough that this request would
   wait past its limit (the queue times how long a slot is held, `HoldTimes`), 503 with
   Retry-After at once, before the body is read: a surge is answered cheaply, and what is
   admitted is served within the wait.
3. The body is read in bounded time (`body.BoundedBody`), holding no slot: a client that
   sends slowly or not at all costs one thread for a bounded time, then gets 408.
4. Only then is a slot taken (waiting in the queue, else 503); it is held until the answer.

Nothing is lost by a 503 or 408: it comes before anything is written, and a reporter who
sends the same form again (it carries its receipt code) gets one report, not two.
"""

import logging
import socket
import threading
import time
import uuid
from collections.abc import Callable
from functools import cache
from typing import Any, Protocol, TypeVar

from django.conf import settings
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation

from . import storage
from .body import BodyTooSlow, BoundedBody

Handler = Callable[[HttpRequest], HttpResponse]
View = TypeVar("View", bound=Callable[..., Any])
logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 10
# What a view takes unless it says otherwise: room for a long note or reply (20,000
# characters, percent-encoded), never a file.
DEFAULT_BODY_LIMIT = 1024 * 1024
# Sign-in, receipt and similar forms: a few short fields.
SMALL_FORM_LIMIT = 64 * 1024
# Methods answered by a view that is not Tipline's own and declares none (Django's admin,
# its redirects): Tipline's own views each declare theirs with `allowed_methods`.
OTHER_VIEWS_METHODS = ("GET", "HEAD", "POST")
# A view of Tipline's that declares nothing only reads.
READ_ONLY = ("GET", "HEAD")
# A slot outlives a process that died holding it by at most this long (Redis only).
LEASE_SECONDS = 120


def expensive(view: View) -> View:
    """Mark a view whose POST derives with Argon2id: it passes the gate."""
    view.admission_expensive = True  # type: ignore[attr-defined]
    return view


def allowed_methods(*methods: str) -> Callable[[View], View]:
    """The HTTP methods a view answers (GET brings HEAD); the gate answers 405 to any other.

    Checked before anything else, the body included: a POST to a page that only shows
    something, a PUT or a made-up method changes nothing and costs nothing.
    """
    names = {method.upper() for method in methods}
    if "GET" in names:
        names.add("HEAD")

    def mark(view: View) -> View:
        view.http_methods = tuple(sorted(names))  # type: ignore[attr-defined]
        return view

    return mark


def methods_of(view: Callable[..., Any]) -> tuple[str, ...]:
    """What `view` answers: its declaration, else read-only for Tipline's own views."""
    declared = getattr(view, "http_methods", None)
    if declared is not None:
        return tuple(declared)
    if getattr(view, "__module__", "").startswith("tipline."):
        return READ_ONLY
    return OTHER_VIEWS_METHODS


def body_limit(limit: int | None) -> Callable[[View], View]:
    """The largest body a view takes; None: the view checks the size itself (file uploads)."""

    def mark(view: View) -> View:
        view.body_limit = limit  # type: ignore[attr-defined]
        return view

    return mark


class AdmissionRefused(Exception):
    """No slot came free in time."""


class HoldTimes:
    """How long a slot is held, on a moving average: what a new arrival can expect to wait.

    A request that would wait past `ADMISSION_WAIT_SECONDS` is refused *at the door*, before
    its body is read (a form with files is read whole before it takes a slot), instead of
    being read, parsed and then refused after its wait: under a surge that wasted work was
    what pulled the good submissions down, and the waits what made admitted requests slow.
    """

    WEIGHT = 0.2  # of the newest hold: a few dozen requests decide, a surge is felt at once

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.seconds = 0.0  # nothing known yet: expect no wait

    def add(self, held: float) -> None:
        with self._lock:
            self.seconds = (
                held if not self.seconds else (self.seconds + self.WEIGHT * (held - self.seconds))
            )

    def expected_wait(self, ahead: int, slots: int) -> float:
        """The wait of an arrival with `ahead` requests waiting before it for `slots`."""
        return (ahead + 1) * self.seconds / max(1, slots)


class Gate(Protocol):
    def overloaded(self) -> bool: ...
    def enter(self) -> bool: ...
    def leave(self) -> None: ...


class LocalGate:
    """Slots and queue in this process's memory (the embedded mode)."""

    def __init__(self, slots: int, wait_seconds: float, queue: int) -> None:
        self._slots = threading.BoundedSemaphore(slots)
        self._count_lock = threading.Lock()
        self._local = threading.local()
        self.capacity = slots
        self.queue = queue
        self.wait_seconds = wait_seconds
        self.busy_slots = 0
        self.waiting = 0
        self.holds = HoldTimes()

    def overloaded(self) -> bool:
        """Every slot busy, and the queue full or too long to be served within the wait."""
        with self._count_lock:
            if self.busy_slots < self.capacity:
                return False
            waiting = self.waiting
        if waiting >= self.queue:
            return True
        return self.holds.expected_wait(waiting, self.capacity) > self.wait_seconds

    def enter(self) -> bool:
        with self._count_lock:
            self.waiting += 1
        try:
            entered = self._slots.acquire(timeout=self.wait_seconds)
        finally:
            with self._count_lock:
                self.waiting -= 1
                if entered:
                    self.busy_slots += 1
        if entered:
            self._local.since = time.monotonic()
        return entered

    def leave(self) -> None:
        since = getattr(self._local, "since", None)
        if since is not None:
            self.holds.add(time.monotonic() - since)
            self._local.since = None
        with self._count_lock:
            self.busy_slots -= 1
        self._slots.release()


# KEYS: slots, waiting. ARGV: now, token, lease until, slots, arrived, stale before.
# The waiting set is scored by arrival, so the free slots go to the longest waiting, in
# order: a newcomer cannot take a slot from under someone who has waited longer. A waiter
# whose process died is dropped once it has waited longer than anyone may. Returns -1 when
# the slot is taken, else how many wait ahead of this one.
_ENTER = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[6])
if not redis.call('ZSCORE', KEYS[2], ARGV[2]) then
  redis.call('ZADD', KEYS[2], ARGV[5], ARGV[2])
end
local ahead = redis.call('ZRANK', KEYS[2], ARGV[2])
if ahead < tonumber(ARGV[4]) - redis.call('ZCARD', KEYS[1]) then
  redis.call('ZADD', KEYS[1], ARGV[3], ARGV[2])
  redis.call('ZREM', KEYS[2], ARGV[2])
  return -1
end
return ahead
"""
# KEYS: slots, waiting. ARGV: token, now, stale before, slots, wake prefix.
# The token leaves the slots (a request is done) or the queue (a waiter gave up); then as
# many of the longest waiting as there are free slots are woken, each by a push to a list of
# its own on which it waits (BLPOP). Whoever is woken still takes its slot through _ENTER,
# in turn; a push to one who is gone expires with its list.
_LEAVE = """
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[3])
local free = tonumber(ARGV[4]) - redis.call('ZCARD', KEYS[1])
if free > 0 then
  for _, waiter in ipairs(redis.call('ZRANGE', KEYS[2], 0, free - 1)) do
    redis.call('RPUSH', ARGV[5] .. waiter, 1)
    redis.call('EXPIRE', ARGV[5] .. waiter, 60)
  end
end
return free
"""
# KEYS: slots, waiting. ARGV: now, stale before. Returns {busy slots, waiting}.
_OVERLOADED = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[2])
return {redis.call('ZCARD', KEYS[1]), redis.call('ZCARD', KEYS[2])}
"""


class SharedGate:
    """Slots and queue in Redis, shared by every process of this host.

    The gate guards the cores, and the cores belong to a host: all gunicorn workers and all
    `tipline serve` processes on one machine share its slots (a worker that is idle leaves
    its share to the others), while another host has slots of its own. A slot is a member
    of a sorted set scored by its lease, so one left by a killed process expires.

    Waiting is first come, first served across the host's processes. A waiter blocks on a
    list of its own in Redis, and whoever frees a slot wakes the longest waiting (`_LEAVE`),
    so a freed slot is taken at once and nobody asks Redis again and again: a report costs
    the workers and Redis less CPU than when the next in line polled (bench/submit.py;
    figures in docs/deploy.md, Capacity). A waiter still asks again after
    `NEXT_IN_LINE_SECONDS` (further back, about as often as its place can change, at most
    `LONGEST_WAIT_SECONDS`): a wake that fell to a waiter of a process that died goes to
    nobody.
    """

    NEXT_IN_LINE_SECONDS = 0.1
    LONGEST_WAIT_SECONDS = 0.5
    # A waiter still in the set this long after it arrived belongs to a process that died.
    STALE_AFTER_SECONDS = 5.0

    def __init__(self, url: str, slots: int, wait_seconds: float, queue: int) -> None:
        self._redis = storage.redis_client(url)
        prefix = f"{storage.KEY_PREFIX}:gate:{socket.gethostname()}"
        self._keys = [f"{prefix}:slots", f"{prefix}:waiting"]
        self._wake_prefix = f"{prefix}:wake:"
        self._enter = self._redis.register_script(_ENTER)
        self._leave = self._redis.register_script(_LEAVE)
        self._overloaded = self._redis.register_script(_OVERLOADED)
        self._local = threading.local()
        self.capacity = slots
        self.queue = queue
        self.wait_seconds = wait_seconds
        # Measured by this process: every process of a host does the same work.
        self.holds = HoldTimes()

    def _stale_before(self, now: float) -> float:
        return now - max(self.wait_seconds, 0) - self.STALE_AFTER_SECONDS

    def overloaded(self) -> bool:
        """Every slot of the host busy, and its queue full or too long for the wait."""
        now = time.time()
        busy, waiting = self._overloaded(self._keys, [now, self._stale_before(now)])
        if int(busy) < self.capacity:
            return False
        if int(waiting) >= self.queue:
            return True
        return self.holds.expected_wait(int(waiting), self.capacity) > self.wait_seconds

    def enter(self) -> bool:
        token = uuid.uuid4().hex
        arrived = time.time()
        deadline = time.monotonic() + self.wait_seconds
        while True:
            now = time.time()
            lease_until, stale_before = now + LEASE_SECONDS, self._stale_before(now)
            args = [now, token, lease_until, self.capacity, arrived, stale_before]
            ahead = int(self._enter(self._keys, args))
            if ahead < 0:
                self._local.token = token
                self._local.since = time.monotonic()
                return True
            left = deadline - time.monotonic()
            if left <= 0:
                self._free(token)  # out of the queue: the next in line may be woken
                return False
            # The wake list empties (and so vanishes) as it is read; one that was pushed to
            # after this waiter took a slot by asking again expires within a minute. At least
            # a millisecond: a timeout of 0 would block for ever.
            timeout = max(0.001, min(left, self._wait(ahead)))
            self._redis.blpop([self._wake_prefix + token], timeout)

    def _wait(self, ahead: int) -> float:
        """How long to wait for a wake before asking again. Next in line (fewer ahead than
        there are slots): a moment, in case the wake went to a waiter that is gone. Further
        back: half the expected time until this waiter is next in line, within bounds."""
        if ahead < self.capacity:
            return self.NEXT_IN_LINE_SECONDS
        expected = self.holds.expected_wait(ahead - self.capacity, self.capacity)
        return min(self.LONGEST_WAIT_SECONDS, max(self.NEXT_IN_LINE_SECONDS, expected / 2))

    def leave(self) -> None:
        token = getattr(self._local, "token", None)
        if token is not None:
            self.holds.add(time.monotonic() - self._local.since)
            self._free(token)
            self._local.token = None

    def _free(self, token: str) -> None:
        """The token leaves its slot or its place in the queue; the next in line are woken."""
        now = time.time()
        self._leave(
            self._keys,
            [token, now, self._stale_before(now), self.capacity, self._wake_prefix],
        )


_local_gate: LocalGate | None = None
_gate_lock = threading.Lock()


def gate() -> Gate:
    slots = settings.EXPENSIVE_CONCURRENCY
    queue = slots * settings.ADMISSION_QUEUE_PER_SLOT
    if storage.shared():
        return _shared_gate(
            settings.REDIS_URL, settings.ADMITTED_PER_HOST, settings.ADMISSION_WAIT_SECONDS
        )
    global _local_gate
    with _gate_lock:
        if _local_gate is None:
            _local_gate = LocalGate(slots, settings.ADMISSION_WAIT_SECONDS, queue)
        return _local_gate


@cache
def _shared_gate(url: str, slots: int, wait_seconds: int) -> SharedGate:
    return SharedGate(url, slots, wait_seconds, slots * settings.ADMISSION_QUEUE_PER_SLOT)


def use_gate(chosen: LocalGate | None) -> None:
    """Replace the embedded gate (tests)."""
    global _local_gate
    with _gate_lock:
        _local_gate = chosen


def busy(request: HttpRequest | None = None) -> HttpResponse:
    """The 503 page, in the language of the address (/ps/report/...) when it names one.

    The gate answers before LocaleMiddleware runs, so the language is taken here.
    """
    path_language = translation.get_language_from_path(request.path_info) if request else None
    with translation.override(path_language or settings.LANGUAGE_CODE):
        page = render_to_string("web/busy.html", request=None)
    response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def refused(status: int, kind: str) -> HttpResponse:
    """413 (too large), 408 (too slow) or 405 (wrong method): said before or instead of
    reading the body, so the connection ends."""
    response = HttpResponse(
        render_to_string("web/refused.html", {"kind": kind}, request=None), status=status
    )
    response["Connection"] = "close"
    return response


def not_allowed(allowed: tuple[str, ...]) -> HttpResponse:
    """405 with the methods the page takes, said before anything is read."""
    response = refused(405, "wrong_method")
    response["Allow"] = ", ".join(allowed)
    return response


def declared_length(request: HttpRequest) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


# The request this thread is answering, while it holds a slot (`give_back_admission`).
_admitted = threading.local()


def give_back_admission() -> None:
    """Leave the gate's slot now, for the rest of the request this thread answers (if it
    holds one): its Argon2id derivation is done, and what follows (cleaning files) has slots
    of its own (`reports.isolation.cleaning_slot`). A hostile file then cannot hold a slot
    that sign-in and receipts need for as long as it takes to be stopped."""
    request = getattr(_admitted, "request", None)
    if request is not None:
        _leave_slot(request)


def _leave_slot(request: HttpRequest) -> None:
    _admitted.request = None
    if getattr(request, "_admission_slot", None) is not None:
        request._admission_slot.leave()  # type: ignore[attr-defined]
        request._admission_slot = None  # type: ignore[attr-defined]


class AdmissionControl:
    """Size check, surge check, bounded body, then a slot for the views that derive."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            return self.get_response(request)
        finally:
            _leave_slot(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        allowed = methods_of(view)
        if request.method not in allowed:
            return not_allowed(allowed)
        length = declared_length(request)
        limit = getattr(view, "body_limit", DEFAULT_BODY_LIMIT)
        if limit is not None and length > limit:
            return refused(413, "too_large")
        derives = request.method == "POST" and getattr(view, "admission_expensive", False)
        chosen = gate() if derives else None
        if chosen is not None and chosen.overloaded():
            return busy(request)

        def admit() -> None:
            if chosen is None:
                return
            if not chosen.enter():
                raise AdmissionRefused
            request._admission_slot = chosen  # type: ignore[attr-defined]
            _admitted.request = request

        sock = request.META.get("gunicorn.socket")
        try:
            request._stream = BoundedBody(  # type: ignore[attr-defined]
                request._stream,  # type: ignore[attr-defined]
                length,
                sock if isinstance(sock, socket.socket) else None,
                on_complete=admit,
            )
            if chosen is not None and limit is not None:
                request.body  # noqa: B018 - read the small form now, before any slot is held
        except BodyTooSlow:
            return refused(408, "too_slow")
        except AdmissionRefused:
            return busy(request)
        return None

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, BodyTooSlow):
            return refused(408, "too_slow")
        if isinstance(exception, AdmissionRefused):
            return busy(request)
        # No free connection, "too many clients", "database is locked" past its timeout: the
        # view changed nothing (its transaction did not commit); the answer is to come back.
        if isinstance(exception, OperationalError):
            logger.warning("database busy or unreachable: %s", exception.__class__.__name__)
            return busy(request)
        return None
