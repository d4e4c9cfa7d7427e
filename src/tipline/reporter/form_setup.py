"""What a report form needs to know about its desk, read once and reused for a few seconds.

Every reporter who opens or sends a form asked the database the same things: the desk, the
category, its questions, whether the desk has a recipient. Under a surge those repeated
reads (and the ORM's work to build them) were a large share of a submission's CPU after
Argon2id (bench/submit.py's profile). So they are kept here per (desk, category), for
`TTL_SECONDS` at most, and dropped in this process when a desk, category, question,
membership or staff account is saved or deleted (at once and again at its commit); another
worker process sees an edit within `TTL_SECONDS`, and so does this one for a change made
with a queryset `update()`, which sends no signal. The pages rendered from a setup are kept
under its reading time (`form_pages`), so they are never older than it.

What is *not* kept: the recipients a report is sealed to. `submission.submit_report` reads
them fresh inside each submission, so that a report is sealed to the desk's recipients at
the moment it arrives (guarantee 3), and a revoked account gets nothing even in the seconds
after it was revoked. `ready` here only decides whether the form is shown.
"""

import threading
import time
from dataclasses import dataclass

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from tipline.accounts.models import StaffUser
from tipline.desks.models import Desk, Membership
from tipline.desks.selectors import has_recipients
from tipline.reports.models import Category, Question

from . import form_pages

TTL_SECONDS = 10


@dataclass(frozen=True)
class FormSetup:
    """A desk, one of its active categories and that category's questions, as last read."""

    desk: Desk
    category: Category
    questions: tuple[Question, ...]
    ready: bool  # the desk had a recipient: reports can be read by someone
    read_at: float  # when it was read: pages rendered from it are kept under it too


_setups: dict[tuple[str, str], FormSetup] = {}
_lock = threading.Lock()


def form_setup(desk_slug: str, category_slug: str) -> FormSetup | None:
    """The setup of an active category of a desk, or None when there is no such thing.

    Only what exists is kept (so the slugs someone makes up keep nothing here), and
    entries past their time are dropped whenever a new one is kept. Objects returned are
    shared between the threads of this process: read them, never change them.
    """
    key, now = (desk_slug, category_slug), time.monotonic()
    with _lock:
        kept = _setups.get(key)
    if kept is not None and kept.read_at + TTL_SECONDS >= now:
        return kept
    setup = _read(desk_slug, category_slug, now)
    if setup is not None:
        with _lock:
            for old in [k for k, v in _setups.items() if v.read_at + TTL_SECONDS < now]:
                del _setups[old]
            _setups[key] = setup
    return setup


def _read(desk_slug: str, category_slug: str, now: float) -> FormSetup | None:
    category = (
        Category.objects.select_related("desk")
        .filter(desk__slug=desk_slug, slug=category_slug, is_active=True)
        .first()
    )
    if category is None:
        return None
    return FormSetup(
        desk=category.desk,
        category=category,
        questions=tuple(category.questions.all()),
        ready=has_recipients(category.desk),
        read_at=now,
    )


def forget_all() -> None:
    """Drop everything kept here and every rendered form page (an edit, a test)."""
    with _lock:
        _setups.clear()
    form_pages.forget_all()


@receiver(post_save, sender=Desk)
@receiver(post_save, sender=Category)
@receiver(post_save, sender=Question)
@receiver(post_save, sender=Membership)
@receiver(post_save, sender=StaffUser)
@receiver(post_delete, sender=Desk)
@receiver(post_delete, sender=Category)
@receiver(post_delete, sender=Question)
@receiver(post_delete, sender=Membership)
@receiver(post_delete, sender=StaffUser)
def _edited(**kwargs: object) -> None:
    # Now, and again once the change is committed: a request that read the old rows in
    # between would otherwise keep them for TTL_SECONDS.
    forget_all()
    transaction.on_commit(forget_all)
