"""Audit rows about a reporter's moments no finer than the reporter's own rows
(`intake.reporter_time`): a report's arrival to the hour, a reporter's later visits (reading
the replies, writing again, a download, a reward becoming claimable) to the day.

The log is append-only down to the database (0002): the trigger that refuses UPDATE is
lifted for this one change, in the same transaction, and put back as it was.
"""

import datetime as dt

from django.db import migrations

TO_THE_HOUR = ["report.received"]
TO_THE_DAY = [
    "report.opened_by_reporter",
    "report.reporter_message",
    "report.file_downloaded_by_reporter",
    "reward.claimable",
]
LIFT = {
    "postgresql": ["DROP TRIGGER IF EXISTS audit_event_append_only ON audit_auditevent"],
    "sqlite": ["DROP TRIGGER IF EXISTS audit_event_append_only"],
}
PUT_BACK = {
    "postgresql": [
        """
        CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_auditevent
        FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()
        """
    ],
    "sqlite": [
        """
        CREATE TRIGGER audit_event_append_only BEFORE UPDATE ON audit_auditevent
        BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END
        """
    ],
}
BATCH = 500


def _hour(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)


def _day(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def coarsen_reporter_events(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    vendor = schema_editor.connection.vendor
    for statement in LIFT.get(vendor, []):
        schema_editor.execute(statement)
    changed = []
    events = AuditEvent.objects.filter(action__in=TO_THE_HOUR + TO_THE_DAY).only(
        "id", "action", "at"
    )
    for event in events.iterator(chunk_size=BATCH):
        event.at = (_hour if event.action in TO_THE_HOUR else _day)(event.at)
        changed.append(event)
        if len(changed) >= BATCH:
            AuditEvent.objects.bulk_update(changed, ["at"])
            changed.clear()
    if changed:
        AuditEvent.objects.bulk_update(changed, ["at"])
    for statement in PUT_BACK.get(vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_triggers")]

    operations = [migrations.RunPython(coarsen_reporter_events, migrations.RunPython.noop)]
