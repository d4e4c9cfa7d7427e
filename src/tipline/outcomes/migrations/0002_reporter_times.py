"""A reward's `claimable_at` is the day the reporter opened their receipt page, never the
moment (`intake.reporter_time`)."""

import datetime as dt

from django.db import migrations


def coarsen_claimable_at(apps, schema_editor):
    Reward = apps.get_model("outcomes", "Reward")
    changed = []
    for reward in Reward.objects.filter(claimable_at__isnull=False).only("id", "claimable_at"):
        reward.claimable_at = reward.claimable_at.astimezone(dt.UTC).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
        changed.append(reward)
    Reward.objects.bulk_update(changed, ["claimable_at"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0001_initial")]

    operations = [migrations.RunPython(coarsen_claimable_at, migrations.RunPython.noop)]
