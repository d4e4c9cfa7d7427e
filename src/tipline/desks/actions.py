"""Changes to desks and their membership. Each is one transaction with its audit event."""

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tipline.audit.actions import record

from .models import Desk, Membership

if TYPE_CHECKING:  # desks sit below accounts: the staff model only through AUTH_USER_MODEL
    from tipline.accounts.models import StaffUser


def create_desk(
    *,
    slug: str,
    name: str,
    languages: Iterable[str] = ("en",),
    retention_days: int = 365,
    acting_user: "StaffUser | None",
) -> Desk:
    """Create a desk; `ValidationError` with a clear message for any bad value."""
    desk = Desk(
        slug=slug,
        name=name.strip(),
        languages=_checked_languages(languages),
        retention_days=retention_days,
    )
    desk.full_clean()
    try:
        with transaction.atomic():
            desk.save()
            record("desk.created", actor=acting_user, desk=desk, slug=desk.slug)
    except IntegrityError:
        raise ValidationError(f"a desk called {slug!r} exists already") from None
    return desk


def add_member(
    desk: Desk,
    staff: "StaffUser",
    *,
    receives_reports: bool = True,
    acting_user: "StaffUser | None",
) -> Membership:
    """Put a staff member on a desk. As a recipient they get the keys of reports that
    arrive from now on; reports already there stay sealed to those who had them."""
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(
            desk=desk, staff=staff, defaults={"receives_reports": receives_reports}
        )
        if not created and membership.receives_reports != receives_reports:
            membership.receives_reports = receives_reports
            membership.save(update_fields=["receives_reports"])
        record(
            "desk.member_added",
            actor=acting_user,
            desk=desk,
            staff=staff.get_username(),
            receives_reports=receives_reports,
        )
    return membership


def _checked_languages(languages: Iterable[str]) -> list[str]:
    known = [code for code, _ in settings.LANGUAGES]
    chosen = list(dict.fromkeys(code.strip() for code in languages if code.strip()))
    unknown = [code for code in chosen if code not in known]
    if unknown:
        raise ValidationError(
            f"unknown language {', '.join(unknown)}; this installation has {', '.join(known)}"
        )
    if not chosen:
        raise ValidationError("a desk needs at least one language")
    return chosen
