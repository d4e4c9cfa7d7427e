"""Migrations casework 0002 and 0003 (with intake 0002 and 0003): the desk-wide unread
markers become each staff member's own readings, taken from the audit log's report.viewed events."""

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tipline.accounts.models import StaffUser
from tipline.casework.models import Reading
from tipline.casework.selectors import InboxFilters, inbox
from tipline.desks.models import Desk

# Triage 0003 (search) stands on intake 0003 and sharing 0009 (the channel) on intake 0005,
# so they go back too.
OLD = {
    "casework": "0001_initial",
    "intake": "0001_initial",
    "triage": "0002_analysis_claims",
    "sharing": "0008_shares_that_failed",
}
T0 = dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC)


@pytest.mark.django_db(transaction=True)
def test_who_read_what_comes_from_the_audit_log() -> None:
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    before = [(app, OLD.get(app, name)) for app, name in latest]  # the other apps as they are
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    desk = old.get_model("desks", "Desk").objects.create(slug="border", name="Border")
    category = old.get_model("intake", "Category").objects.create(desk=desk, slug="smuggling")
    users = old.get_model("accounts", "StaffUser").objects
    amina, bilal = (
        users.create(
            username=name,
            public_key=b"k" * 32,
            private_key_by_password=b"p",
            private_key_by_recovery=b"r",
        )
        for name in ("amina", "bilal")
    )

    def report(number: int, **fields: object) -> object:
        return old.get_model("intake", "Report").objects.create(
            desk=desk,
            number=number,
            category=category,
            language="en",
            received_at=T0,
            receipt_lookup=f"lookup-{number}",
            report_key_for_reporter=b"w",
            content=b"c",
            **fields,
        )

    # Amina read 1, then its reporter wrote, then Bilal read it (which cleared the desk's
    # marker for Amina too, before). Nobody read 2.
    written = T0 + dt.timedelta(hours=2)
    first = report(1, first_opened_at=T0, last_reporter_activity_at=written)
    report(2, last_reporter_activity_at=T0)
    old.get_model("intake", "Message").objects.create(report=first, sent_at=written, body=b"m")
    events = old.get_model("audit", "AuditEvent").objects
    for who, hours, report_id in [
        (amina, 0.5, first.id),
        (amina, 1, first.id),
        (bilal, 3, first.id),
        (bilal, 4, uuid.uuid4()),  # a report retention has deleted since
    ]:
        events.create(
            action="report.viewed",
            actor=who,
            desk=desk,
            report_id=report_id,
            at=T0 + dt.timedelta(hours=hours),
        )
    events.create(action="report.exported", actor=bilal, desk=desk, report_id=first.id, at=T0)

    executor = MigrationExecutor(connection)
    executor.migrate(latest)

    readings = {(r.user.username, r.report.number): r.read_at for r in Reading.objects.all()}
    assert readings == {
        ("amina", 1): T0 + dt.timedelta(hours=1),
        ("bilal", 1): T0 + dt.timedelta(hours=3),
    }
    shown = {}
    for name in ("amina", "bilal"):
        page, _ = inbox(
            Desk.objects.get(slug="border"), StaffUser.objects.get(username=name), InboxFilters()
        )
        shown[name] = {r.number: (r.is_new, bool(r.has_new_message)) for r in page}
    assert shown == {
        "amina": {1: (False, True), 2: (True, False)},  # the message after her reading
        # Bilal read it after the message, on the same day: a reporter's message is kept
        # to the day, so the migration cannot tell, and shows it as new once (casework 0003).
        "bilal": {1: (False, True), 2: (True, False)},
    }
