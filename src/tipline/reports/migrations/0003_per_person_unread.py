"""The desk-wide unread markers go: casework 0002 has turned who read what into each staff
member's own readings."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0002_reporter_times"),
        ("casework", "0002_reading"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="report", name="report_inbox_waiting"),
        migrations.RemoveField(model_name="report", name="first_opened_at"),
        migrations.RemoveField(model_name="report", name="reporter_waiting"),
    ]
