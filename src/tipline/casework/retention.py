"""Deleting closed reports past their desk's retention, with their files.

The deletion is in the audit log by id and desk only. Database rows go in one transaction;
files go after it commits (a crash in between leaves unreferenced ciphertext, never a row
without its file).
"""

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone

from tipline.audit.actions import record
from tipline.desks.models import Desk
from tipline.reports import storage
from tipline.reports.models import Report, Status

logger = logging.getLogger(__name__)


def expire_reports(now: dt.datetime | None = None) -> int:
    """Delete every closed report kept longer than its desk allows; returns how many."""
    now = now or timezone.now()
    deleted = 0
    for desk in Desk.objects.all():
        cutoff = now - dt.timedelta(days=desk.retention_days)
        # Uses index: intake_report report_retention (status, closed_at).
        expired = list(
            Report.objects.filter(
                desk=desk, status=Status.CLOSED, closed_at__lt=cutoff
            ).values_list("id", "number")
        )
        for report_id, number in expired:
            with transaction.atomic():
                Report.objects.filter(pk=report_id).delete()
                # The number: the audit log names the report after it is gone.
                record("report.expired", actor=None, desk=desk, report_id=report_id, number=number)
            storage.discard_report_files(report_id)
            deleted += 1
    if deleted:
        logger.info("retention deleted %d reports", deleted)
    return deleted
