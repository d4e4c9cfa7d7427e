"""Retention: closed reports past their desk's limit go, with their files; the audit log
keeps that they went, and nothing of what they said."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from tipline.audit.models import AuditEvent
from tipline.casework.retention import expire_reports
from tipline.reports import storage
from tipline.reports.models import Message, Report
from tipline.reports.receipts import Receipt
from tipline.testing.fixtures import DeskWithRecipient

from .helpers import report_in

pytestmark = pytest.mark.django_db


def test_closed_reports_past_retention_go_with_their_files(
    desk_with_recipient: DeskWithRecipient, files_dir: Path
) -> None:
    setup = desk_with_recipient
    old, code = report_in(setup, photo=True, description="Old news")
    recent, _ = report_in(setup)
    still_open, _ = report_in(setup)
    long_ago = timezone.now() - dt.timedelta(days=setup.desk.retention_days + 1)
    Report.objects.filter(pk=old.pk).update(
        status="closed", close_reason="actioned", closed_at=long_ago
    )
    Report.objects.filter(pk=recent.pk).update(
        status="closed", close_reason="no_action", closed_at=timezone.now()
    )
    Report.objects.filter(pk=still_open.pk).update(received_at=long_ago)
    assert storage.report_folder(old.id).exists()

    out = io.StringIO()
    call_command("expire_reports", stdout=out)
    assert "Deleted 1 expired reports." in out.getvalue()

    assert set(Report.objects.values_list("pk", flat=True)) == {recent.pk, still_open.pk}
    assert not storage.report_folder(old.id).exists()
    assert not Message.objects.filter(report_id=old.pk).exists()
    event = AuditEvent.objects.get(action="report.expired")
    # Its number only, so that the audit log can still name it; no content.
    assert event.report_id == old.id and event.detail == {"number": old.number}
    from tipline.reports import conversation

    assert conversation.open_as_reporter(Receipt.read(code)) is None
    assert expire_reports() == 0
