"""Signing staff in: password, then second factor, then the private key for the session.

Sign-in is where the private key is unwrapped (one Argon2id derivation, `vault.params`), so
the password is checked by Django's Argon2id hash first and the key unwrapped only then.

Wrong tries are slowed, never locked out (docs/design.md, "Throttles and the admission
gate"): failures count per source and per (username typed, source), so a flood from one
address slows that address only; every count lives at most a minute, so the owner's right
password gets in at the latest a minute after a flood stops. Failures also count per
username over all sources, and that count never refuses a source that has not itself
failed on the name: when it is over its limit, every source that has failed on the name
waits until it falls (a guesser spread over many addresses gets one guess per address),
while a source with no failure is checked at once, so the owner, from their own address,
is never kept out by strangers. The first time it trips in an episode, the audit log and
the account holder and the administrators hear of it (`name_under_attack`). Second-factor
codes follow the same two counts per account. The throttles are keyed by the name typed,
before the account is looked up, and the same `SignInRefused` answers an unknown user, a
revoked one and a wrong password: an account under attack answers exactly as a name that
does not exist. Each failure is in the audit log.
"""

from django.contrib.auth import authenticate
from django.db import transaction
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice

from tipline import vault
from tipline.audit.actions import record
from tipline.throttling.throttle import Episodes, Throttle

from .models import StaffUser
from .signals import security_changed

# Wrong passwords from one source, whatever the name: a guesser trying many names.
FROM_SOURCE = Throttle("signin-source", "20/10 seconds;30/minute")
# Wrong passwords for one name from one source: a guesser on one account.
NAME_FROM_SOURCE = Throttle("signin-name-source", "5/10 seconds;10/minute")
# Wrong passwords for one name from all sources together: many guessers on one account.
# One source alone never reaches it (its own limits stop it first). Over its limit it makes
# the sources that failed on the name wait, never one that has not.
NAME = Throttle("signin-name", "30/10 seconds;60/minute")
# Wrong second-factor codes for one account, from one source and from all together (in
# sign-in whoever types them has its password; in recovery, anyone).
CODES_FROM_SOURCE = Throttle("signin-code-source", "5/10 seconds;10/minute")
CODES = Throttle("signin-code", "5/10 seconds;10/minute")
# One notice per name and episode: a trip with none in the quarter of an hour before it.
UNDER_ATTACK = Episodes("signin-under-attack", 15 * 60)


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
    """Raise `SignInThrottled` when this source must wait; nothing is looked up.

    The name-wide count makes a source wait only if that source has failed on the name
    itself: the owner's first try from their own address is always checked.
    """
    name, source = _name(username), _source(request)
    wait = max(FROM_SOURCE.retry_after(source), NAME_FROM_SOURCE.retry_after(name, source))
    if NAME_FROM_SOURCE.has_failed(name, source):
        wait = max(wait, NAME.retry_after(name))
    if wait:
        raise SignInThrottled(wait)


def count_wrong_password(request: HttpRequest, username: str) -> None:
    name, source = _name(username), _source(request)
    FROM_SOURCE.record_failure(source)
    NAME_FROM_SOURCE.record_failure(name, source)
    NAME.record_failure(name)
    if NAME.retry_after(name) and UNDER_ATTACK.starts("password", name):
        name_under_attack(StaffUser.objects.filter(username=username).first(), "password")


def name_under_attack(account: StaffUser | None, kind: str) -> None:
    """The name-wide count tripped: an audit row (the same one write for a real name and an
    unknown one) and, for a real account, a notice to its holder and the administrators."""
    with transaction.atomic():
        if account is None:
            record("signin.name_under_attack", actor=None, account="unknown", kind=kind)
        else:
            record("signin.name_under_attack", actor=None, staff=account.username, kind=kind)
            told = "signin.name_under_attack" if kind == "password" else "signin.codes_under_attack"
            security_changed.send(StaffUser, account=account, event=told)


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


def check_code(
    request: HttpRequest, user: StaffUser, code: str, *, enrolling: bool = False
) -> TOTPDevice | None:
    """Step two: the device that accepted the code, or None (counted as a failure).

    django-otp refuses a code already used (replay); that counts here as a failure. Wrong
    codes are slowed per (account, source), and per account over all sources for the
    sources that failed (`SignInThrottled`): whoever has the password must not guess on
    until a code fits, and cannot keep the owner, from another source, out either.
    """
    wait = code_wait(request, user)
    if wait:
        raise SignInThrottled(wait)
    device = device_to_enrol(user) if enrolling else confirmed_device(user)
    code = code.strip().replace(" ", "")
    if device is None or not (code.isascii() and code.isdigit()) or not device.verify_token(code):
        count_wrong_code(request, user, "signin.code_failed")
        return None
    forgive_codes(request, user)
    with transaction.atomic():
        if enrolling:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            record("staff.second_factor_enrolled", actor=user, staff=user.username)
            security_changed.send(StaffUser, account=user, event="staff.second_factor_enrolled")
        record("signin.succeeded", actor=user, staff=user.username)
    return device


def code_wait(request: HttpRequest, user: StaffUser) -> int:
    """Seconds this source must wait before its next second factor (code or key) is checked:
    its own count, and the account's over all sources once this source has failed too."""
    account, source = str(user.pk), _source(request)
    wait = CODES_FROM_SOURCE.retry_after(account, source)
    if CODES_FROM_SOURCE.has_failed(account, source):
        wait = max(wait, CODES.retry_after(account))
    return wait


def count_wrong_code(request: HttpRequest, user: StaffUser, action: str) -> None:
    """A wrong second factor: counted per source and per account, audited, and the first
    trip of the account-wide count in an episode told (`name_under_attack`)."""
    account = str(user.pk)
    CODES_FROM_SOURCE.record_failure(account, _source(request))
    CODES.record_failure(account)
    count_failure(user, action)
    if CODES.retry_after(account) and UNDER_ATTACK.starts("code", account):
        name_under_attack(user, "code")


def forgive_codes(request: HttpRequest, user: StaffUser) -> None:
    CODES_FROM_SOURCE.forgive(str(user.pk), _source(request))


def count_failure(account: StaffUser | None, action: str) -> None:
    """The audit row of a failure: the same one write for a real name and an unknown one."""
    with transaction.atomic():
        if account is None:
            record(action, actor=None, account="unknown")
        else:
            record(action, actor=account, staff=account.username)
