"""Signing staff in: password, then second factor, then the private key for the session.

Sign-in is where the private key is unwrapped (one Argon2id derivation, `vault.params`), so
the password is checked by Django's Argon2id hash first and the key unwrapped only then.
Failures are counted per account in the database (LOCK_AFTER wrong passwords or codes lock
it for LOCK_FOR) and overall in memory (a flood of wrong passwords slows every try), and
each one is in the audit log. The same `SignInRefused` answers an unknown user, a revoked
one and a wrong password, so the form does not tell which accounts exist.
"""

from datetime import datetime, timedelta

from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tipline import vault
from tipline.audit.actions import record
from tipline.throttling.throttle import Throttle

from .models import StaffUser

LOCK_AFTER = 20
LOCK_FOR = timedelta(minutes=15)
# Wrong passwords from everyone together, before each try must wait.
ALL_FAILURES = Throttle(per_bucket=10**9, overall=200, window_seconds=600)


class SignInRefused(Exception):
    """Wrong username or password, or an account that may not sign in."""


class AccountLocked(Exception):
    def __init__(self, until: datetime) -> None:
        super().__init__(f"locked until {until:%H:%M}")
        self.until = until


class SignInThrottled(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"retry after {retry_after} s")
        self.retry_after = retry_after


def check_password(
    request: HttpRequest, username: str, password: str
) -> tuple[StaffUser, vault.StaffPrivateKey]:
    """Step one: the account and its unwrapped private key, or an exception."""
    wait = ALL_FAILURES.retry_after("all")
    if wait:
        raise SignInThrottled(wait)
    account = StaffUser.objects.filter(username=username).first()
    if account is not None and account.locked_until and account.locked_until > timezone.now():
        raise AccountLocked(account.locked_until)
    user = authenticate(request, username=username, password=password)
    if user is None:
        count_failure(account, "signin.password_failed")
        raise SignInRefused
    if not isinstance(user, StaffUser):
        raise SignInRefused
    try:
        private_key = vault.unlock_with_password(user.key_record, password)
    except vault.DecryptionError:
        # The hash matched but the key did not open: the key columns were tampered with.
        count_failure(user, "signin.key_did_not_open")
        raise SignInRefused from None
    return user, private_key


def confirmed_device(user: StaffUser) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def device_to_enrol(user: StaffUser) -> TOTPDevice:
    """The device a first sign-in enrols: the one made with the account, or a new one."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def check_code(user: StaffUser, code: str, *, enrolling: bool = False) -> TOTPDevice | None:
    """Step two: the device that accepted the code, or None (counted as a failure).

    django-otp refuses a code already used (replay) and slows a device down after wrong
    codes; both count here as failures. A locked account takes no code at all
    (`AccountLocked`): whoever has the password must not guess on until a code fits.
    """
    locked_until = StaffUser.objects.values_list("locked_until", flat=True).get(pk=user.pk)
    if locked_until and locked_until > timezone.now():
        raise AccountLocked(locked_until)
    device = device_to_enrol(user) if enrolling else confirmed_device(user)
    code = code.strip().replace(" ", "")
    if device is None or not (code.isascii() and code.isdigit()) or not device.verify_token(code):
        count_failure(user, "signin.code_failed")
        return None
    with transaction.atomic():
        if enrolling:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            record("staff.second_factor_enrolled", actor=user, staff=user.username)
        StaffUser.objects.filter(pk=user.pk).update(failed_signins=0, locked_until=None)
        record("signin.succeeded", actor=user, staff=user.username)
    return device


def count_failure(account: StaffUser | None, action: str) -> None:
    ALL_FAILURES.record_failure("all")
    with transaction.atomic():
        if account is None:
            record(action, actor=None, account="unknown")
            return
        StaffUser.objects.filter(pk=account.pk).update(failed_signins=F("failed_signins") + 1)
        failures = StaffUser.objects.values_list("failed_signins", flat=True).get(pk=account.pk)
        record(action, actor=account, staff=account.username, failures=failures)
        if failures >= LOCK_AFTER:
            until = timezone.now() + LOCK_FOR
            StaffUser.objects.filter(pk=account.pk).update(locked_until=until, failed_signins=0)
            record("signin.account_locked", actor=account, staff=account.username)
