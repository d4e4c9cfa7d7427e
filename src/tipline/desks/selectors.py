"""Reads about desks."""

from tipline.accounts.models import StaffUser

from .models import Desk


def recipients_of(desk: Desk) -> list[StaffUser]:
    """The staff whose public keys a report arriving at `desk` now is sealed to.

    Active accounts only: a revoked account gets no new report.
    """
    # Uses index: desks_membership one_membership_per_desk (desk_id, staff_id).
    return list(
        StaffUser.objects.filter(
            memberships__desk=desk, memberships__receives_reports=True, is_active=True
        ).order_by("id")
    )
