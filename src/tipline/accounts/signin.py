"""Signing staff in: password, then second factor, then the private key for the session.

Sign-in is where the private key is unwrapped (one Argon2id derivation, `vault.params`), so
the password is checked by Django's Argon2id hash first and the key unwrapped only then.

Wrong tries are slowed, never locked out (docs/design.md, "Throttles and the admission
gate"): failures count per source and per (username typed, source), so a flood from one
address slows that address only, and per username over all sources, so many addresses
together cannot guess one account fast; every count lives at most a minute, so the owner's
right password gets in at the latest a minute after a flood stops. The throttles are keyed
by the name typed, before the account is looked up, and the same `SignInRefused` answers
an unknown user, a revoked one and a wrong password: an account under attack answers
exactly as a name that does not exist. Each failure is in the audit log.
"""

from django.contrib.auth import authenticate
from django.db import transaction
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from tipline import vault
from tipline.audit.actions import record
from tipline.throttling.throttle import Throttle

from .models import StaffUser

# Wrong passwords from one source, whatever the name: a guesser trying many names.
FROM_SOURCE = Throttle("signin-source", "20/10 seconds;30/minute")
# Wrong passwords for one name from one source: a guesser on one account.
NAME_FROM_SOURCE = Throttle("signin-name-source", "5/10 seconds;10/minute")
# Wrong passwords for one name from all sources together: many guessers on one account.
# One source alone never reaches it (its own limits stop it first).
NAME = Throttle("signin-name", "30/10 seconds;60/minute")
# Wrong second-factor codes for one account (whoever types them has its password).
CODES = Throttle("signin-code", "5/10 seconds;10/minute")


class SignInRefused(Exception):
    """Wrong username or password, or an account that may not sign in."""


class SignInThrottled(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"retry after {retry_after} s")
        self.retry_after = retry_after


def _name(username: str) -> str:
    return username.strip().casefold()


def _source(request: HttpRequest) -> str:
    return str(getattr(request, "client_bucket", ""))


def check_throttles(request: HttpRequest, username: str) -> None:
    """Raise `SignInThrottled` when this source or this name must wait; nothing is looked up."""
    name, source = _name(username), _source(request)
    wait = max(
        FROM_SOURCE.retry_after(source),
        NAME_FROM_SOURCE.retry_after(name, source),
        NAME.retry_after(name),
    )
    if wait:
        raise SignInThrottled(wait)


def count_wrong_password(request: HttpRequest, username: str) -> None:
    name, source = _name(username), _source(request)
    FROM_SOURCE.record_failure(source)
    NAME_FROM_SOURCE.record_failure(name, source)
    NAME.record_failure(name)


def check_password(
    request: HttpRequest, username: str, password: str
) -> tuple[StaffUser, vault.StaffPrivateKey]:
    """Step one: the account and its unwrapped private key, or an exception."""
    check_throttles(request, username)
    user = authenticate(request, username=username, password=password)
    if user is None:
        count_wrong_password(request, username)
        count_failure(StaffUser.objects.filter(username=username).first(), "signin.password_failed")
        raise SignInRefused
    if not isinstance(user, StaffUser):
        raise SignInRefused
    NAME_FROM_SOURCE.forgive(_name(username), _source(request))
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
    codes; both count here as failures, and `CODES` slows wrong codes per account
    (`SignInThrottled`): whoever has the password must not guess on until a code fits.
    """
    wait = CODES.retry_after(str(user.pk))
    if wait:
        raise SignInThrottled(wait)
    device = device_to_enrol(user) if enrolling else confirmed_device(user)
    code = code.strip().replace(" ", "")
    if device is None or not (code.isascii() and code.isdigit()) or not device.verify_token(code):
        CODES.record_failure(str(user.pk))
        count_failure(user, "signin.code_failed")
        return None
    CODES.forgive(str(user.pk))
    with transaction.atomic():
        if enrolling:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            record("staff.second_factor_enrolled", actor=user, staff=user.username)
        record("signin.succeeded", actor=user, staff=user.username)
    return device


def count_failure(account: StaffUser | None, action: str) -> None:
    """The audit row of a failure: the same one write for a real name and an unknown one."""
    with transaction.atomic():
        if account is None:
            record(action, actor=None, account="unknown")
        else:
            record(action, actor=account, staff=account.username)
