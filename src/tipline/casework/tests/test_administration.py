"""Administrators configure through the admin, reached through Tipline's own sign-in; their
changes land in the audit log; they cannot edit or delete the audit log or reports there."""

import pytest
from django.test import Client

from tipline.accounts.actions import create_staff
from tipline.audit.models import AuditEvent
from tipline.desks.models import Desk
from tipline.testing.fixtures import STRONG_PASSWORD, DeskWithRecipient, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(desk_with_recipient: DeskWithRecipient) -> Client:
    new = create_staff(
        username="root", password=STRONG_PASSWORD, role="administrator", acting_user=None
    )
    client = Client()
    sign_in(client, new.user, new.device)
    return client


def test_the_admin_is_reached_through_the_two_factor_sign_in(admin_client: Client) -> None:
    assert admin_client.get("/staff/admin/").status_code == 200


def test_an_administrative_change_is_audited(
    admin_client: Client, desk_with_recipient: DeskWithRecipient
) -> None:
    desk = desk_with_recipient.desk
    response = admin_client.post(
        f"/staff/admin/desks/desk/{desk.pk}/change/",
        {
            "name": "Narcotics and precursors",
            "slug": desk.slug,
            "languages": '["en", "ur"]',
            "retention_days": 200,
            "max_attachments": 3,
            "max_attachment_megabytes": 20,
            "uncleanable_files": "refuse",
            "acknowledge_within_days": 7,
            "feedback_within_days": 90,
            "memberships-TOTAL_FORMS": 0,
            "memberships-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Desk.objects.get().name == "Narcotics and precursors"
    event = AuditEvent.objects.get(action="admin.desk.changed")
    assert event.actor.username == "root"


def test_the_audit_log_cannot_be_edited_or_deleted_in_the_admin(admin_client: Client) -> None:
    event = AuditEvent.objects.first()
    assert admin_client.get(f"/staff/admin/audit/auditevent/{event.pk}/delete/").status_code == 403
    response = admin_client.post(
        f"/staff/admin/audit/auditevent/{event.pk}/change/", {"action": "x"}
    )
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action="x").count() == 0


def test_the_staff_page_says_a_reset_password_gives_back_nothing(
    admin_client: Client, desk_with_recipient: DeskWithRecipient
) -> None:
    body = admin_client.get(
        f"/staff/admin/accounts/staffuser/{desk_with_recipient.analyst.pk}/change/"
    ).content.decode()
    assert "give them back" in body and "nothing" in body and 'name="password"' not in body


def test_a_reset_gives_a_new_key_that_opens_only_new_reports(
    admin_client: Client, desk_with_recipient: DeskWithRecipient, files_dir: object
) -> None:
    import re

    from tipline.accounts.models import StaffUser
    from tipline.casework.tests.helpers import report_in
    from tipline.testing.fixtures import totp_code

    setup = desk_with_recipient
    report_in(setup, description="Before the reset")
    response = admin_client.post(
        "/staff/admin/accounts/staffuser/",
        {"action": "reset_with_a_new_key", "_selected_action": [setup.analyst.pk]},
        follow=True,
    )
    body = response.content.decode()
    assert "stay closed" in body
    token = re.search(r"/staff/invitation/([\w-]+)/", body).group(1)

    reset_client = Client()
    page = reset_client.get(f"/staff/invitation/{token}/").content.decode()
    assert "Reports sealed to your old key stay closed to you" in page
    shown_key = reset_client.session["tipline.invitation_totp"]["key"]  # this browser's only
    new_password = "a brand new long passphrase"
    accepted = reset_client.post(
        f"/staff/invitation/{token}/",
        {
            "password": new_password,
            "password_again": new_password,
            "code": totp_code(shown_key),
        },
    )
    assert accepted.status_code == 200
    user = StaffUser.objects.get(pk=setup.analyst.pk)
    assert bytes(user.public_key) != bytes(setup.analyst.public_key)
    assert user.check_password(new_password)

    old_report = reset_client.get("/staff/desk/narcotics/report/1/")
    assert old_report.status_code == 403 and "Before the reset" not in old_report.content.decode()
    report_in(setup, description="After the reset")
    assert "After the reset" in reset_client.get("/staff/desk/narcotics/report/2/").content.decode()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"staff.reset_issued", "staff.reset_completed"} <= actions
