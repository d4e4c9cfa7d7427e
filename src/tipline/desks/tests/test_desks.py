"""Desks and who receives their reports."""

import pytest
from django.core.exceptions import ValidationError

from tipline.accounts.actions import create_staff, revoke_staff
from tipline.audit.models import AuditEvent
from tipline.desks.actions import add_member, create_desk
from tipline.desks.models import Desk
from tipline.desks.selectors import recipients_of
from tipline.testing.fixtures import STRONG_PASSWORD

pytestmark = pytest.mark.django_db


def test_create_desk_keeps_its_settings_and_is_audited() -> None:
    desk = create_desk(
        slug="narcotics",
        name="  Narcotics  ",
        languages=["ur", "en", "ur"],
        retention_days=90,
        acting_user=None,
    )
    desk.refresh_from_db()
    assert (desk.name, desk.languages, desk.retention_days) == ("Narcotics", ["ur", "en"], 90)
    assert AuditEvent.objects.filter(action="desk.created", desk=desk).count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"slug": "has space"}, "valid “slug”"),
        ({"slug": ""}, "blank"),
        ({"name": "   "}, "blank"),
        ({"name": "x" * 201}, "at most 200"),
        ({"languages": ["fr"]}, "unknown language fr"),
        ({"languages": []}, "at least one language"),
        ({"retention_days": 0}, "greater than or equal to 1"),
        ({"retention_days": 100_000}, "less than or equal to 3650"),
    ],
)
def test_bad_desk_values_get_a_clear_error_and_change_nothing(
    changes: dict[str, object], message: str
) -> None:
    values: dict = {"slug": "customs", "name": "Customs", "languages": ["en"]}
    values.update(changes)
    with pytest.raises(ValidationError, match=message):
        create_desk(**values, acting_user=None)
    assert not Desk.objects.exists()
    assert not AuditEvent.objects.exists()


def test_duplicate_slug_is_refused() -> None:
    create_desk(slug="customs", name="Customs", acting_user=None)
    with pytest.raises(ValidationError, match="already exists"):
        create_desk(slug="customs", name="Other", acting_user=None)
    assert Desk.objects.count() == 1


def test_recipients_are_active_members_who_receive_reports() -> None:
    desk = create_desk(slug="arms", name="Arms", acting_user=None)
    other_desk = create_desk(slug="customs", name="Customs", acting_user=None)
    alice = create_staff(
        username="alice", password=STRONG_PASSWORD, role="analyst", desks=[desk], acting_user=None
    ).user
    bob = create_staff(
        username="bob", password=STRONG_PASSWORD, role="supervisor", acting_user=None
    ).user
    add_member(desk, bob, receives_reports=False, acting_user=None)
    carol = create_staff(
        username="carol", password=STRONG_PASSWORD, role="analyst", desks=[desk], acting_user=None
    ).user
    create_staff(
        username="dave",
        password=STRONG_PASSWORD,
        role="analyst",
        desks=[other_desk],
        acting_user=None,
    )
    revoke_staff(carol, acting_user=None)

    assert recipients_of(desk) == [alice]
    assert AuditEvent.objects.filter(action="desk.member_added", desk=desk).count() == 3


def test_adding_a_member_twice_updates_the_one_membership() -> None:
    desk = create_desk(slug="arms", name="Arms", acting_user=None)
    erin = create_staff(
        username="erin", password=STRONG_PASSWORD, role="analyst", acting_user=None
    ).user
    add_member(desk, erin, acting_user=None)
    add_member(desk, erin, receives_reports=False, acting_user=None)
    assert desk.memberships.get().receives_reports is False
    assert recipients_of(desk) == []
