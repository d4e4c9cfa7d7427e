"""Unread markers become each staff member's own (casework.Reading).

Who read what is taken from the audit log: a `report.viewed` event is written each time a
staff member opens a report, so the newest one per person and report is that person's
reading. A reporter's message after it is then that person's "new message", as it should
have been; a report a person never opened is new to them. (The desk-wide columns this
replaces go in intake 0002, after this has read them.)"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

BATCH = 2000


def readings_from_the_audit_log(apps, schema_editor):  # type: ignore[no-untyped-def]
    AuditEvent = apps.get_model("audit", "AuditEvent")
    Reading = apps.get_model("casework", "Reading")
    Report = apps.get_model("intake", "Report")
    views = (
        AuditEvent.objects.filter(
            action="report.viewed", actor__isnull=False, report_id__isnull=False
        )
        .values("report_id", "actor_id")
        .annotate(last=models.Max("at"))
        .order_by("report_id", "actor_id")
    )
    existing = set(Report.objects.values_list("id", flat=True))  # retention deleted some
    batch = []
    for view in views.iterator(chunk_size=BATCH):
        if view["report_id"] in existing:
            batch.append(
                Reading(report_id=view["report_id"], user_id=view["actor_id"], read_at=view["last"])
            )
        if len(batch) >= BATCH:
            Reading.objects.bulk_create(batch)
            batch = []
    Reading.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0001_initial"),
        ("intake", "0001_initial"),
        ("audit", "0002_append_only_triggers"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Reading",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("read_at", models.DateTimeField()),
                (
                    "report",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="readings",
                        to="intake.report",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="readings",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("user", "report"), name="one_reading_per_person"
                    )
                ],
            },
        ),
        migrations.RunPython(readings_from_the_audit_log, migrations.RunPython.noop),
    ]
