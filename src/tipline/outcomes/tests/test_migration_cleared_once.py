"""Migration 0003: reports cleared twice before the rule keep their first "cleared"; the
later ones are marked withdrawn (kept in the history), and then the database refuses a
second one."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from tipline.casework.tests.helpers import report_in
from tipline.testing.fixtures import DeskWithRecipient

BEFORE = [("outcomes", "0002_reporter_times")]
AFTER = [("outcomes", "0003_cleared_once")]


@pytest.mark.django_db(transaction=True)
def test_repeated_clearances_are_withdrawn_and_the_first_counts(
    desk_with_recipient: DeskWithRecipient, files_dir: object
) -> None:
    twice, once = report_in(desk_with_recipient)[0], report_in(desk_with_recipient)[0]
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("outcomes", "Outcome")
    today = datetime.datetime.now(datetime.UTC).date()
    made = [
        old.objects.create(
            report_id=report.pk,
            desk_id=report.desk_id,
            category_id=report.category_id,
            kind="cleared",
            occurred_on=today,
        ).pk
        for report in (twice, twice, once, twice)
    ]
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps.get_model("outcomes", "Outcome")
    counted = new.objects.filter(kind="cleared", current=True, withdrawn=False)
    assert sorted(counted.values_list("pk", flat=True)) == sorted([made[0], made[2]])
    assert new.objects.filter(pk__in=[made[1], made[3]], withdrawn=True).count() == 2
    with pytest.raises(IntegrityError), transaction.atomic():
        new.objects.create(
            report_id=twice.pk,
            desk_id=twice.desk_id,
            category_id=twice.category_id,
            kind="cleared",
            occurred_on=today,
        )
    MigrationExecutor(connection).loader.build_graph()
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
