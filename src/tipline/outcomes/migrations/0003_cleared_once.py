"""A case counts as cleared once. Reports that were cleared twice before this rule keep
their first "cleared"; every later one is marked withdrawn (it stays in the history and
counts for nothing), then the database refuses a second one."""

from django.conf import settings
from django.db import migrations, models


def withdraw_repeated_clearances(apps: object, schema_editor: object) -> None:
    outcome_model = apps.get_model("outcomes", "Outcome")  # type: ignore[attr-defined]
    seen: set[object] = set()
    repeated = []
    for pk, report_id in (
        outcome_model.objects.filter(
            kind="cleared", current=True, withdrawn=False, report__isnull=False
        )
        .order_by("recorded_at", "id")
        .values_list("pk", "report_id")
    ):
        if report_id in seen:
            repeated.append(pk)
        seen.add(report_id)
    outcome_model.objects.filter(pk__in=repeated).update(withdrawn=True)


class Migration(migrations.Migration):
    dependencies = [
        ("desks", "0004_desk_staff_need_security_key"),
        ("intake", "0001_initial"),
        ("outcomes", "0002_reporter_times"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(withdraw_repeated_clearances, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="outcome",
            constraint=models.UniqueConstraint(
                condition=models.Q(("current", True), ("kind", "cleared"), ("withdrawn", False)),
                fields=("report",),
                name="outcome_cleared_once",
            ),
        ),
    ]
