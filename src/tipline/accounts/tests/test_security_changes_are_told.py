"""A change to how an account is protected is told to its holder and the administrators:
an audit event, and an e-mail in each reader's language where mail is configured. (A new
security key: `test_security_keys_browser.py`; a flood on the name: `test_no_lockout.py`.)"""

import time

import pytest
from django.test import Client

from tipline import jobs
from tipline.accounts import actions
from tipline.accounts.actions import NewStaff, create_staff
from tipline.audit.models import AuditEvent
from tipline.desks.actions import create_desk
from tipline.notifications.tests.test_notifications import Inbox, body, smtp  # noqa: F401
from tipline.testing.fixtures import STRONG_PASSWORD, totp_code

pytestmark = pytest.mark.django_db(transaction=True)


def told(inbox: Inbox, phrase: str) -> list[str]:
    """Who got an e-mail saying `phrase`, once the jobs queued so far have run."""
    jobs.wait_for_in_process_jobs()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        readers = sorted(email["To"] for email in inbox.received if phrase in body(email))
        if len(readers) >= 2:
            break
        time.sleep(0.05)
    return readers


@pytest.fixture
def holder(files_dir: object) -> NewStaff:
    desk = create_desk(slug="arms", name="Arms", acting_user=None)
    administrator = create_staff(
        username="ada",
        password=STRONG_PASSWORD,
        role="administrator",
        email="ada@agency.example",
        acting_user=None,
    )
    administrator.user.language = "ur"
    administrator.user.save()
    return create_staff(
        username="rahim",
        password=STRONG_PASSWORD,
        role="analyst",
        email="rahim@agency.example",
        desks=[desk],
        acting_user=None,
    )


def test_a_reset_of_the_second_factor_is_told_when_issued_and_when_used(
    smtp: Inbox,  # noqa: F811
    holder: NewStaff,
) -> None:
    token = actions.reset_staff(holder.user, acting_user=None)
    assert AuditEvent.objects.filter(action="staff.reset_issued").count() == 1
    assert told(smtp, "A reset link was made for the account rahim") == ["rahim@agency.example"]
    # The administrator reads it in the language of their account.
    [urdu] = [email for email in smtp.received if email["To"] == "ada@agency.example"]
    assert "rahim" in body(urdu) and "A reset link" not in body(urdu)

    totp_key = actions.new_totp_key()  # the one the colleague's browser is shown
    actions.accept_invitation(
        token,
        password="a new password after losing all",
        totp_key=totp_key,
        totp_code=totp_code(totp_key),
    )
    assert AuditEvent.objects.filter(action="staff.reset_completed").count() == 1
    assert told(smtp, "The account rahim was reset") == ["rahim@agency.example"]
    assert len([email for email in smtp.received if email["To"] == "ada@agency.example"]) == 2


def test_a_new_recovery_code_is_told(smtp: Inbox, holder: NewStaff) -> None:  # noqa: F811
    new = "chosen after forgetting it"
    response = Client().post(
        "/staff/recover/",
        {
            "username": "rahim",
            "recovery_code": holder.recovery_code,
            "code": totp_code(holder.device.key),
            "new_password": new,
            "new_password_again": new,
        },
    )
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action="staff.recovered").count() == 1
    assert told(smtp, "The recovery code of the account rahim was used") == ["rahim@agency.example"]
    assert any(email["To"] == "ada@agency.example" for email in smtp.received)


def test_without_mail_configured_the_audit_event_is_all(holder: NewStaff) -> None:
    actions.reset_staff(holder.user, acting_user=None)
    jobs.wait_for_in_process_jobs()
    assert AuditEvent.objects.filter(action="staff.reset_issued").count() == 1
