"""Categories and questions of a desk."""

from django.db import transaction

from tipline.audit.actions import record
from tipline.desks.models import Desk

from .default_categories import DEFAULT_CATEGORIES
from .models import Category, Question


def install_default_categories(desk: Desk, *, acting_user: object | None = None) -> int:
    """Give a desk the shipped categories it does not have yet; returns how many were added."""
    existing = set(desk.categories.values_list("slug", flat=True))
    added = 0
    with transaction.atomic():
        for position, spec in enumerate(DEFAULT_CATEGORIES):
            if spec["slug"] in existing:
                continue
            category = Category.objects.create(
                desk=desk, slug=spec["slug"], position=position, names=spec["names"]
            )
            Question.objects.bulk_create(
                Question(category=category, position=index, **question)
                for index, question in enumerate(spec["questions"])
            )
            added += 1
        if added:
            record("desk.categories_installed", actor=acting_user, desk=desk, added=added)
    return added


def active_categories(desk: Desk) -> list[Category]:
    return list(desk.categories.filter(is_active=True))
