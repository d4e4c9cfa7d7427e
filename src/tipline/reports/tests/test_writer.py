"""On SQLite a report commits only while it holds the one writer's turn."""

import threading

import pytest
from django.db import connection
from django.test import Client

from tipline.reports import writer
from tipline.reports.models import Report
from tipline.testing.fixtures import DeskWithRecipient

from .helpers import send_report


@pytest.mark.django_db(transaction=True)
def test_a_report_waits_for_the_writer_held_elsewhere(
    desk_with_recipient: DeskWithRecipient, files_dir: object
) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL takes concurrent writers itself")
    category = desk_with_recipient.desk.categories.get(slug="drug-trafficking")
    statuses: list[int] = []

    def report() -> None:
        try:
            statuses.append(send_report(Client(), category).status_code)
        finally:
            connection.close()

    with writer.one_writer():
        sender = threading.Thread(target=report)
        sender.start()
        sender.join(timeout=2)
        # Still waiting for the turn this thread holds: nothing committed, no receipt.
        assert sender.is_alive()
        assert not Report.objects.exists()
    sender.join(timeout=60)
    assert statuses == [200]
    assert Report.objects.count() == 1
