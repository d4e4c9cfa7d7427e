"""Reporter pages that are the same for everyone but a secret or two, rendered once and reused.

Rendering the empty form (its questions, widgets and translated help) was the largest part
of a submission's CPU after Argon2id (bench/submit.py's profile), and the receipt page the
next. On the form only two things differ between reporters: the hidden receipt code and
the CSRF token; on the receipt page, the receipt code. Each page is rendered with markers in
those places and every request gets a copy with its own values. The secrets themselves are
never kept here: only the page around them.

Kept for `TTL_SECONDS` at most, and dropped at once in this process when a desk, category
or question is saved or deleted (`form_setup`, which also keeps what the form is made
from); another worker process sees an edit within `TTL_SECONDS`.
"""

import secrets
import threading
import time
from collections.abc import Callable, Hashable

TTL_SECONDS = 10
# Letters only: the template escapes nothing in them, so they survive rendering unchanged.
RECEIPT_MARKER = "tiplinereceipt" + secrets.token_hex(8)
CSRF_MARKER = "tiplinecsrf" + secrets.token_hex(8)

_pages: dict[Hashable, tuple[float, str]] = {}
_lock = threading.Lock()


def _page(key: Hashable, render: Callable[[], str]) -> str:
    now = time.monotonic()
    with _lock:
        cached = _pages.get(key)
    if cached is None or cached[0] < now:
        cached = (now + TTL_SECONDS, render())
        with _lock:
            for old in [k for k, (until, _) in _pages.items() if until < now]:
                del _pages[old]
            _pages[key] = cached
    return cached[1]


def form_page(
    key: tuple[int, int, str, float],
    render: Callable[[], str],
    *,
    receipt: str,
    csrf_token: str,
) -> str:
    """The form page for (desk, category, language, setup read at) with this request's
    receipt and CSRF token filled in. `render` renders it with `RECEIPT_MARKER` and
    `CSRF_MARKER` in their places."""
    page = _page(("form", *key), render)
    return page.replace(RECEIPT_MARKER, receipt).replace(CSRF_MARKER, csrf_token)


def receipt_page(key: tuple[int, str, bool], render: Callable[[], str], *, receipt: str) -> str:
    """The receipt page for (desk, language, arrived before) with this reporter's code.
    `render` renders it with `RECEIPT_MARKER` in its place."""
    return _page(("receipt", *key), render).replace(RECEIPT_MARKER, receipt)


def forget_all() -> None:
    with _lock:
        _pages.clear()
