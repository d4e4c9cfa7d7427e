"""Reads of staff accounts for the administrators' pages."""

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from django.utils import timezone

from .actions import MAX_INVITATION_ATTEMPTS
from .models import Invitation

InvitationState = Literal["waiting", "accepted", "revoked", "expired"]
# The invitations page shows this many, newest first: enough for an agency's turnover.
RECENT_INVITATIONS = 100


@dataclass(frozen=True)
class InvitationRow:
    invitation: Invitation
    state: InvitationState


def recent_invitations(limit: int = RECENT_INVITATIONS) -> list[InvitationRow]:
    """The newest invitations for new colleagues (not resets), each with its state.

    Two queries whatever the count: the invitations with their inviter, then their desks.
    """
    now = timezone.now()
    invitations = (
        Invitation.objects.filter(resets=None)
        .select_related("created_by")
        .prefetch_related("desks")
        .order_by("-created_at", "-pk")[:limit]
    )
    return [InvitationRow(invitation, _state(invitation, now)) for invitation in invitations]


def _state(invitation: Invitation, now: datetime) -> InvitationState:
    if invitation.used_at is not None:
        return "accepted"
    if invitation.revoked_at is not None:
        return "revoked"
    if invitation.expires_at <= now or invitation.failed_attempts >= MAX_INVITATION_ATTEMPTS:
        return "expired"
    return "waiting"
