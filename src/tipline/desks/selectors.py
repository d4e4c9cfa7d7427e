"""Reads about desks."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from .models import Desk

if TYPE_CHECKING:  # desks sit below accounts: the staff model only through AUTH_USER_MODEL
    from tipline.accounts.models import StaffUser


def offered_languages(desk: Desk) -> list[str]:
    """The languages the desk's pages speak, in the desk's order (its first is its own).

    Only codes the installation has (settings.LANGUAGES): a language removed from the
    installation drops out of every desk. A desk left with none (an admin who emptied the
    list) speaks the site's languages rather than none."""
    known = [code for code, _ in settings.LANGUAGES]
    chosen = [code for code in dict.fromkeys(desk.languages or []) if code in known]
    return chosen or known


def recipients_of(desk: Desk) -> list["StaffUser"]:
    """The staff whose public keys a report arriving at `desk` now is sealed to.

    Active accounts only: a revoked account gets no new report.
    """
    return list(_recipients(desk))


def sealing_keys_of(desk: Desk) -> list["StaffUser"]:
    """`recipients_of` with only what sealing a report needs: each account's id and public
    key. A reporter's request never loads a password hash or a wrapped private key, and
    the query costs a fifth less CPU on every report (docs/deploy.md, Capacity)."""
    return list(_recipients(desk).only("id", "public_key"))


def has_recipients(desk: Desk) -> bool:
    """Whether a report arriving now would have anyone to be sealed to."""
    return _recipients(desk).exists()


def _recipients(desk: Desk) -> QuerySet["StaffUser"]:
    # Uses index: desks_membership one_membership_per_desk (desk_id, staff_id).
    return (
        get_user_model()
        .objects.filter(memberships__desk=desk, memberships__receives_reports=True, is_active=True)
        .order_by("id")
    )
