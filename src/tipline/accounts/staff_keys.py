"""Changing how a staff member's private key is wrapped: new password, recovery code.

Both rewrap the key; no report is re-encrypted and every report stays readable. Nobody
else can do this for them: an administrator does not have the old password or the recovery
code, so a password set by anyone else opens nothing that came before.
"""

from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from tipline import vault
from tipline.audit.actions import record

from .models import StaffUser
from .signals import security_changed


def change_password(user: StaffUser, old_password: str, new_password: str) -> None:
    """Rewrap under a new password.

    Raises `vault.DecryptionError` for a wrong old password, `ValidationError` for a weak new one.
    """
    if not user.check_password(old_password):
        raise vault.DecryptionError("wrong password")
    validate_password(new_password, user=user)
    new_record = vault.change_password(user.key_record, old_password, new_password)
    with transaction.atomic():
        user.store_key_record(new_record)
        user.set_password(new_password)
        user.save()
        record("staff.password_changed", actor=user, staff=user.username)


def recover(user: StaffUser, recovery_code: str, new_password: str) -> str:
    """Use the recovery code: a new password and a new recovery code (returned, shown once)."""
    validate_password(new_password, user=user)
    enrolment = vault.recover_with_code(user.key_record, recovery_code, new_password)
    with transaction.atomic():
        user.store_key_record(enrolment.record)
        user.set_password(new_password)
        user.save()
        record("staff.recovered", actor=user, staff=user.username)
        security_changed.send(StaffUser, account=user, event="staff.recovered")
    return enrolment.recovery_code
