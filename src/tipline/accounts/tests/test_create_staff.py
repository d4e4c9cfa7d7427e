"""Creating staff accounts: keys that open with the password, Argon2id, a second factor."""

import pytest
from django.core.exceptions import ValidationError

from tipline import vault
from tipline.accounts.actions import create_staff, revoke_staff
from tipline.accounts.models import StaffUser
from tipline.audit.models import AuditEvent
from tipline.testing.fixtures import STRONG_PASSWORD

pytestmark = pytest.mark.django_db


def test_new_account_has_keys_that_only_its_password_opens() -> None:
    new_staff = create_staff(
        username="alice", password=STRONG_PASSWORD, role="analyst", acting_user=None
    )
    user = StaffUser.objects.get(username="alice")
    key = vault.unlock_with_password(user.key_record, STRONG_PASSWORD)
    assert key.public_key == bytes(user.public_key)
    assert vault.unlock_with_recovery_code(user.key_record, new_staff.recovery_code)
    with pytest.raises(vault.DecryptionError):
        vault.unlock_with_password(user.key_record, "another long password")


def test_password_is_hashed_with_argon2id() -> None:
    create_staff(username="alice", password=STRONG_PASSWORD, role="analyst", acting_user=None)
    user = StaffUser.objects.get(username="alice")
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password(STRONG_PASSWORD)


def test_new_account_has_a_device_to_enrol_at_first_sign_in() -> None:
    new_staff = create_staff(
        username="alice", password=STRONG_PASSWORD, role="analyst", acting_user=None
    )
    assert not new_staff.device.confirmed
    assert new_staff.totp_uri.startswith("otpauth://totp/Tipline%3Aalice?secret=")


def test_only_administrators_reach_the_admin() -> None:
    admin = create_staff(
        username="root", password=STRONG_PASSWORD, role="administrator", acting_user=None
    ).user
    analyst = create_staff(
        username="ana", password=STRONG_PASSWORD, role="analyst", acting_user=None
    ).user
    assert admin.is_staff and admin.is_superuser
    assert not analyst.is_staff and not analyst.is_superuser


def test_creation_is_audited_without_secrets() -> None:
    new_staff = create_staff(
        username="alice", password=STRONG_PASSWORD, role="analyst", acting_user=None
    )
    event = AuditEvent.objects.get(action="staff.created")
    assert event.detail == {"staff": "alice", "role": "analyst"}
    assert new_staff.recovery_code not in str(event.detail)


@pytest.mark.parametrize(
    ("username", "password", "role", "message"),
    [
        ("alice", "short", "analyst", "too short"),
        ("alexandria2026", "alexandria2026!", "analyst", "too similar"),
        ("alice", "123456789012345", "analyst", "entirely numeric"),
        ("alice", STRONG_PASSWORD, "overlord", "role must be one of"),
        ("", STRONG_PASSWORD, "analyst", "username is needed"),
        ("has space", STRONG_PASSWORD, "analyst", "valid username"),
        ("x" * 151, STRONG_PASSWORD, "analyst", "at most 150"),
    ],
)
def test_bad_account_values_create_nothing(
    username: str, password: str, role: str, message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        create_staff(username=username, password=password, role=role, acting_user=None)
    assert not StaffUser.objects.exists()
    assert not AuditEvent.objects.exists()


def test_usernames_are_unique_ignoring_case() -> None:
    create_staff(username="alice", password=STRONG_PASSWORD, role="analyst", acting_user=None)
    with pytest.raises(ValidationError, match="taken"):
        create_staff(username="ALICE", password=STRONG_PASSWORD, role="analyst", acting_user=None)
    assert StaffUser.objects.count() == 1


def test_createsuperuser_is_not_a_back_door() -> None:
    with pytest.raises(NotImplementedError):
        StaffUser.objects.create_superuser("mallory", password=STRONG_PASSWORD)


def test_revoked_account_cannot_sign_in(client) -> None:
    user = create_staff(
        username="root", password=STRONG_PASSWORD, role="administrator", acting_user=None
    ).user
    revoke_staff(user, acting_user=None)
    assert not client.login(username="root", password=STRONG_PASSWORD)
    assert AuditEvent.objects.filter(action="staff.revoked").exists()
