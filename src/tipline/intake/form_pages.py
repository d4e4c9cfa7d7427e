"""The empty report form, rendered once per (desk, category, language) and reused.

Rendering the form (its questions, widgets and translated help) was the largest part of a
submission's CPU after Argon2id (bench/submit.py's profile). Only two things on the page
differ between reporters: the hidden receipt code and the CSRF token. The page is rendered
with markers in their place and each request gets a copy with its own values.

Kept for `TTL_SECONDS` at most, and dropped at once in this process when a desk, category
or question is saved or deleted; another worker process sees an edit within `TTL_SECONDS`.
"""

import secrets
import threading
import time
from collections.abc import Callable

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from tipline.desks.models import Desk

from .models import Category, Question

TTL_SECONDS = 10
# Letters only: the template escapes nothing in them, so they survive rendering unchanged.
RECEIPT_MARKER = "tiplinereceipt" + secrets.token_hex(8)
CSRF_MARKER = "tiplinecsrf" + secrets.token_hex(8)

_pages: dict[tuple[int, int, str], tuple[float, str]] = {}
_lock = threading.Lock()


def form_page(
    key: tuple[int, int, str], render: Callable[[], str], *, receipt: str, csrf_token: str
) -> str:
    """The form page for `key` with this request's receipt and CSRF token filled in.

    `render` renders the page with `RECEIPT_MARKER` and `CSRF_MARKER` in their places.
    """
    now = time.monotonic()
    with _lock:
        cached = _pages.get(key)
    if cached is None or cached[0] < now:
        cached = (now + TTL_SECONDS, render())
        with _lock:
            _pages[key] = cached
    return cached[1].replace(RECEIPT_MARKER, receipt).replace(CSRF_MARKER, csrf_token)


def forget_all() -> None:
    with _lock:
        _pages.clear()


@receiver(post_save, sender=Desk)
@receiver(post_save, sender=Category)
@receiver(post_save, sender=Question)
@receiver(post_delete, sender=Desk)
@receiver(post_delete, sender=Category)
@receiver(post_delete, sender=Question)
def _edited(**kwargs: object) -> None:
    forget_all()
