"""The audit log can be appended to, and nothing else: not by the app, not by plain SQL."""

import pytest
from django.db import DatabaseError, connection, transaction

from tipline.audit.actions import record
from tipline.audit.models import AppendOnlyError, AuditEvent

pytestmark = pytest.mark.django_db


def make_event() -> AuditEvent:
    with transaction.atomic():
        return record("test.happened", actor=None, note="x")


def test_record_appends_an_event() -> None:
    event = make_event()
    assert AuditEvent.objects.get().action == "test.happened"
    assert event.detail == {"note": "x"}


@pytest.mark.django_db(transaction=True)
def test_record_outside_a_transaction_is_a_programming_error() -> None:
    with pytest.raises(RuntimeError):
        record("test.happened", actor=None)


def test_the_application_cannot_change_or_delete_events() -> None:
    event = make_event()
    event.action = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="rewritten")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get().action == "test.happened"


def test_the_database_refuses_an_update_even_in_raw_sql() -> None:
    event = make_event()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action = 'rewritten' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get().action == "test.happened"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="DELETE trigger is PostgreSQL's")
def test_postgresql_refuses_a_delete_even_in_raw_sql() -> None:
    event = make_event()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()
