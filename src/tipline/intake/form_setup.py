"""What a report form needs to know about its desk, read once and reused for a few seconds.

Every reporter who opens or sends a form asked the database the same things: the desk, the
category, its questions, whether the desk has a recipient. Under a surge those repeated
reads (and the ORM's work to build them) were a large share of a submission's CPU after
Argon2id (bench/submit.py's profile). So they are kept here per (desk, category), for
`TTL_SECONDS` at most, and dropped at once in this process when a desk, category, question,
membership or staff account is saved or deleted; another worker process sees an edit within
`TTL_SECONDS`.

What is *not* kept: the recipients a report is sealed to. `submission.submit_report` reads
them fresh inside each submission, so that a report is sealed to the desk's recipients at
the moment it arrives (guarantee 3), and a revoked account gets nothing even in the seconds
after it was revoked. `ready` here only decides whether the form is shown.
"""

import threading
import time
from dataclasses import dataclass

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from tipline.accounts.models import StaffUser
from tipline.desks.models import Desk, Membership
from tipline.desks.selectors import recipients_of

from . import form_pages
from .models import Category, Question

TTL_SECONDS = 10


@dataclass(frozen=True)
class FormSetup:
    """A desk, one of its active categories and that category's questions, as last read."""

    desk: Desk
    category: Category
    questions: tuple[Question, ...]
    ready: bool  # the desk had a recipient: reports can be read by someone


_setups: dict[tuple[str, str], tuple[float, FormSetup | None]] = {}
_lock = threading.Lock()


def form_setup(desk_slug: str, category_slug: str) -> FormSetup | None:
    """The setup of an active category of a desk, or None when there is no such thing.

    Objects returned are shared between the threads of this process: read them, never
    change them.
    """
    key, now = (desk_slug, category_slug), time.monotonic()
    with _lock:
        kept = _setups.get(key)
    if kept is not None and kept[0] >= now:
        return kept[1]
    setup = _read(desk_slug, category_slug)
    with _lock:
        _setups[key] = (now + TTL_SECONDS, setup)
    return setup


def _read(desk_slug: str, category_slug: str) -> FormSetup | None:
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
        ready=bool(recipients_of(category.desk)),
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
    forget_all()
