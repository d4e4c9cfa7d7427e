"""Reports filed from a share say so on the report itself (`Report.channel`), so that the
rooms below sharing (deadlines, notifications, statistics) need not read `ReceivedShare`."""

from django.db import migrations


def mark_shared(apps, schema_editor):  # type: ignore[no-untyped-def]
    Report = apps.get_model("intake", "Report")
    ReceivedShare = apps.get_model("sharing", "ReceivedShare")
    Report.objects.filter(pk__in=ReceivedShare.objects.values("report_id")).update(channel="shared")


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0005_report_channel"),
        ("sharing", "0008_shares_that_failed"),
    ]

    operations = [migrations.RunPython(mark_shared, migrations.RunPython.noop)]
