"""Invitations: the first administrator's way in, and every way to misuse a link."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tipline import vault
from tipline.accounts import actions
from tipline.accounts.models import Invitation, StaffUser
from tipline.audit.models import AuditEvent
from tipline.testing.fixtures import STRONG_PASSWORD, totp_code

# The TOTP key the invitee's browser was shown (the invitation page keeps it in the session).
KEY = actions.new_totp_key()

pytestmark = pytest.mark.django_db


def invitation_for(token: str) -> Invitation:
    return Invitation.objects.get(token_digest=vault.token_digest(token))


def test_first_administrator_is_invited_only_while_there_is_none() -> None:
    token = actions.invite_first_administrator()
    assert token is not None
    actions.accept_invitation(
        token, password=STRONG_PASSWORD, totp_key=KEY, totp_code=totp_code(KEY)
    )
    assert actions.invite_first_administrator() is None


def test_a_new_first_administrator_link_cancels_the_earlier_one() -> None:
    first = actions.invite_first_administrator()
    second = actions.invite_first_administrator()
    assert first and second
    with pytest.raises(actions.InvitationInvalid):
        actions.usable_invitation(first)
    assert actions.usable_invitation(second)


def test_only_the_token_digest_is_stored() -> None:
    token = actions.invite_first_administrator()
    assert token
    assert not Invitation.objects.filter(token_digest=token).exists()
    assert invitation_for(token).token_digest != token


def test_accepting_makes_an_account_with_keys_and_a_confirmed_device() -> None:
    token = actions.invite_first_administrator(username="chief")
    assert token
    new_staff = actions.accept_invitation(
        token, password=STRONG_PASSWORD, totp_key=KEY, totp_code=totp_code(KEY)
    )
    user = StaffUser.objects.get(username="chief")
    assert user.role == "administrator" and user.is_staff
    assert vault.unlock_with_password(user.key_record, STRONG_PASSWORD)
    assert vault.unlock_with_recovery_code(user.key_record, new_staff.recovery_code)
    assert new_staff.device.confirmed and new_staff.device.key == KEY
    assert AuditEvent.objects.filter(action="staff.invitation_accepted", actor=user).exists()


def test_the_code_used_to_enrol_cannot_be_replayed_to_sign_in() -> None:
    token = actions.invite_first_administrator()
    assert token
    code = totp_code(KEY)
    new_staff = actions.accept_invitation(
        token, password=STRONG_PASSWORD, totp_key=KEY, totp_code=code
    )
    assert not new_staff.device.verify_token(code)


def test_a_link_works_once() -> None:
    token = actions.invite_first_administrator()
    assert token
    code = totp_code(KEY)
    actions.accept_invitation(token, password=STRONG_PASSWORD, totp_key=KEY, totp_code=code)
    with pytest.raises(actions.InvitationInvalid):
        actions.accept_invitation(token, password=STRONG_PASSWORD, totp_key=KEY, totp_code=code)
    assert StaffUser.objects.count() == 1


def test_an_expired_link_does_not_work() -> None:
    token = actions.invite_first_administrator()
    assert token
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(actions.InvitationInvalid):
        actions.accept_invitation(
            token, password=STRONG_PASSWORD, totp_key=KEY, totp_code=totp_code(KEY)
        )
    assert not StaffUser.objects.exists()


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", "١٢٣٤٥٦", "000000"])
def test_a_wrong_code_creates_nothing_and_is_counted(code: str) -> None:
    token = actions.invite_first_administrator()
    assert token
    with pytest.raises(actions.WrongSecondFactorCode):
        actions.accept_invitation(token, password=STRONG_PASSWORD, totp_key=KEY, totp_code=code)
    assert invitation_for(token).failed_attempts == 1
    assert not StaffUser.objects.exists()


def test_too_many_wrong_codes_burn_the_link() -> None:
    token = actions.invite_first_administrator()
    assert token
    for _ in range(actions.MAX_INVITATION_ATTEMPTS):
        with pytest.raises(actions.WrongSecondFactorCode):
            actions.accept_invitation(
                token, password=STRONG_PASSWORD, totp_key=KEY, totp_code="000000"
            )
    with pytest.raises(actions.InvitationInvalid):
        actions.accept_invitation(
            token, password=STRONG_PASSWORD, totp_key=KEY, totp_code=totp_code(KEY)
        )


def test_a_code_from_a_neighbouring_step_is_accepted_for_clock_drift() -> None:
    token = actions.invite_first_administrator()
    assert token
    code = totp_code(KEY, step_offset=-1)
    assert actions.accept_invitation(token, password=STRONG_PASSWORD, totp_key=KEY, totp_code=code)


def test_a_weak_password_is_refused_before_the_link_is_used() -> None:
    token = actions.invite_first_administrator()
    assert token
    with pytest.raises(ValidationError):
        actions.accept_invitation(
            token, password="password", totp_key=KEY, totp_code=totp_code(KEY)
        )
    assert actions.usable_invitation(token)


def test_an_unknown_token_is_invalid() -> None:
    with pytest.raises(actions.InvitationInvalid):
        actions.usable_invitation("not-a-token")
