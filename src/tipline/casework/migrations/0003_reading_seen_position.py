"""Each reading keeps the place of the last message it saw (`Reading.seen_position`).

"New message" compared times until a reporter's message was dated to the day only (intake
0002); it compares places in the conversation now. For the readings already made, the place
is the last message the reading must have seen: a staff message written before it, or a
reporter's message whose day had ended before it. A reporter's message of the same day as
the reading counts as not seen, so an analyst is shown it as new once rather than missing
it."""

import datetime as dt

from django.db import migrations, models
from django.db.models import Max, Q

BATCH = 2000


def places_from_times(apps, schema_editor):  # type: ignore[no-untyped-def]
    Reading = apps.get_model("casework", "Reading")
    Message = apps.get_model("intake", "Message")
    changed = []
    for reading in Reading.objects.all().iterator(chunk_size=BATCH):
        seen = Message.objects.filter(report_id=reading.report_id).filter(
            Q(author__isnull=False, sent_at__lte=reading.read_at)
            | Q(author__isnull=True, sent_at__lte=reading.read_at - dt.timedelta(days=1))
        )
        reading.seen_position = seen.aggregate(last=Max("position"))["last"] or 0
        changed.append(reading)
        if len(changed) >= BATCH:
            Reading.objects.bulk_update(changed, ["seen_position"])
            changed = []
    Reading.objects.bulk_update(changed, ["seen_position"])


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0002_reading"),
        ("intake", "0002_reporter_times"),
    ]

    operations = [
        migrations.AddField(
            model_name="reading",
            name="seen_position",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.RunPython(places_from_times, migrations.RunPython.noop),
    ]
