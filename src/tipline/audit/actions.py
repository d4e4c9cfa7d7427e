"""Writing to the audit log. Call `record` inside the transaction of the change it records,
so that the change and its audit event commit together or not at all."""

from datetime import datetime
from typing import Any
from uuid import UUID

from django.db import transaction

from .models import AuditEvent


def record(
    action: str,
    *,
    actor: Any | None,
    desk: Any | None = None,
    report_id: UUID | None = None,
    at: datetime | None = None,
    **detail: str | int | bool | None,
) -> AuditEvent:
    """Append one event. `detail` holds routing facts only, never report content.

    `at`: the event's time when it must be coarser than now, for events of a reporter's
    (`reports.reporter_time`); else the moment it is written."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must run inside the transaction of the change")
    extra = {"at": at} if at is not None else {}
    return AuditEvent.objects.create(
        action=action, actor=actor, desk=desk, report_id=report_id, detail=detail, **extra
    )
