"""Admission control: under a surge, answer 503 with Retry-After quickly instead of queueing.

Some requests cost an Argon2id derivation (a report, a return with a receipt, a staff
sign-in): about 0.1 s of a core and 64 MiB or more each. Admitting more of them at once than
the cores can run only makes every one slower, until all time out. So each process lets a
few run (`TIPLINE_EXPENSIVE_CONCURRENCY`), lets a few more wait briefly for a slot
(`TIPLINE_ADMISSION_WAIT_SECONDS`), and answers the rest at once with 503 and Retry-After.

Nothing is lost by a 503: it comes before the request body is read and before anything is
written, and a reporter who sends the same form again (it carries its receipt code) gets
one report, not two.
"""

import logging
import threading
from collections.abc import Callable

from django.conf import settings
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

Handler = Callable[[HttpRequest], HttpResponse]
logger = logging.getLogger(__name__)

# POSTs to these paths (after the language prefix) derive a receipt or unwrap a key.
EXPENSIVE_SUFFIXES = ("/receipt/", "/receipt/message/", "/receipt/file/")
EXPENSIVE_PREFIXES = ("/staff/signin/", "/staff/recover/", "/staff/invitation/")
RETRY_AFTER_SECONDS = 10


def is_expensive(request: HttpRequest) -> bool:
    if request.method != "POST":
        return False
    path = request.path
    if path.startswith(EXPENSIVE_PREFIXES) or path.endswith(EXPENSIVE_SUFFIXES):
        return True
    # /<language>/report/<desk>/<category>/ : a submission
    parts = path.strip("/").split("/")
    return len(parts) == 4 and parts[1] == "report"


class Gate:
    def __init__(self, slots: int, wait_seconds: float) -> None:
        self._slots = threading.BoundedSemaphore(slots)
        self.wait_seconds = wait_seconds

    def enter(self) -> bool:
        return self._slots.acquire(timeout=self.wait_seconds)

    def leave(self) -> None:
        self._slots.release()


_gate: Gate | None = None
_gate_lock = threading.Lock()


def gate() -> Gate:
    global _gate
    with _gate_lock:
        if _gate is None:
            _gate = Gate(settings.EXPENSIVE_CONCURRENCY, settings.ADMISSION_WAIT_SECONDS)
        return _gate


def busy() -> HttpResponse:
    response = HttpResponse(render_to_string("web/busy.html", request=None), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class AdmissionControl:
    """Gate the expensive requests; answer "busy" when the database is overloaded too."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_expensive(request):
            return self.get_response(request)
        chosen = gate()
        if not chosen.enter():
            return busy()
        try:
            return self.get_response(request)
        finally:
            chosen.leave()

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        # No free connection, "too many clients", "database is locked" past its timeout: the
        # view changed nothing (its transaction did not commit); the answer is to come back.
        if isinstance(exception, OperationalError):
            logger.warning("database busy or unreachable: %s", exception.__class__.__name__)
            return busy()
        return None
