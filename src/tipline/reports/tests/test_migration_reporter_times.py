"""The data migrations that make existing reporter times coarse (intake 0002, audit 0003,
outcomes 0002): a database written before them, with times to the microsecond, comes out
with arrival to the hour and the reporter's later moments to the day, the conversation in
the order it was written, staff times untouched, and the audit log append-only again."""

import datetime as dt
from collections.abc import Iterator

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.utils import DatabaseError
from django.test import Client

from tipline.casework.tests.helpers import report_in
from tipline.outcomes.tests.helpers import analyst_client
from tipline.testing.fixtures import DeskWithRecipient

BEFORE = [
    ("intake", "0001_initial"),
    ("audit", "0002_append_only_triggers"),
    ("outcomes", "0001_initial"),
]
AFTER = [
    ("intake", "0002_reporter_times"),
    ("audit", "0003_reporter_times"),
    ("outcomes", "0002_reporter_times"),
]
ARRIVED = dt.datetime(2026, 11, 20, 9, 41, 17, 123456, tzinfo=dt.UTC)
REPLIED = dt.datetime(2026, 11, 21, 10, 0, 0, 500000, tzinfo=dt.UTC)
WROTE_AGAIN = dt.datetime(2026, 11, 21, 15, 7, 8, 654321, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def latest_schema_afterwards() -> Iterator[None]:
    """The tests after this one find every migration applied again (AFTER stops at the
    migrations under test; later ones depend on them)."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def migrate(targets: list[tuple[str, str]]):  # type: ignore[no-untyped-def]
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_existing_reporter_times_become_coarse_and_the_order_stays(
    desk_with_recipient: DeskWithRecipient, files_dir: object
) -> None:
    setup = desk_with_recipient
    report, receipt = report_in(setup, photo=True)
    case = f"/staff/desk/narcotics/report/{report.number}/"
    assert analyst_client(setup).post(case + "reply/", {"text": "Tell us more."}).status_code == 302
    response = Client().post("/en/receipt/message/", {"receipt": receipt, "text": "At dawn."})
    assert response.status_code == 200

    old = migrate(BEFORE)
    Report, Message = old.get_model("intake", "Report"), old.get_model("intake", "Message")
    Attachment, AuditEvent = (
        old.get_model("intake", "Attachment"),
        old.get_model("audit", "AuditEvent"),
    )
    Report.objects.update(received_at=ARRIVED, last_reporter_activity_at=WROTE_AGAIN)
    Message.objects.filter(author__isnull=False).update(sent_at=REPLIED)
    Message.objects.filter(author__isnull=True).update(sent_at=WROTE_AGAIN)
    Attachment.objects.update(uploaded_at=ARRIVED)
    for action, at in [
        ("report.received", ARRIVED),
        ("report.opened_by_reporter", WROTE_AGAIN),
        ("report.replied", REPLIED),
    ]:
        AuditEvent.objects.create(action=action, at=at, report_id=report.id, detail={"old": True})

    new = migrate(AFTER)
    Report, Message = new.get_model("intake", "Report"), new.get_model("intake", "Message")
    Attachment, AuditEvent = (
        new.get_model("intake", "Attachment"),
        new.get_model("audit", "AuditEvent"),
    )
    migrated = Report.objects.get(pk=report.pk)
    assert migrated.received_at == dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC)
    assert migrated.last_reporter_activity_at == dt.datetime(2026, 11, 21, tzinfo=dt.UTC)
    reply, follow_up = Message.objects.filter(report_id=report.pk).order_by("position")
    assert reply.author_id is not None and reply.sent_at == REPLIED  # staff: exact
    assert follow_up.author_id is None
    assert follow_up.sent_at == dt.datetime(2026, 11, 21, tzinfo=dt.UTC)
    assert (reply.position, follow_up.position) == (1, 2)  # the order it was written in
    assert Attachment.objects.get(report_id=report.pk).uploaded_at == dt.datetime(
        2026, 11, 20, 9, tzinfo=dt.UTC
    )
    times = dict(AuditEvent.objects.filter(detail__old=True).values_list("action", "at"))
    assert times == {
        "report.received": dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC),
        "report.opened_by_reporter": dt.datetime(2026, 11, 21, tzinfo=dt.UTC),
        "report.replied": REPLIED,
    }
    # Append-only again, down to the database.
    with pytest.raises(DatabaseError), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action = 'changed'")
