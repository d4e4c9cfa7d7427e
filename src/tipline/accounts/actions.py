"""Creating staff accounts: keys, second factor, invitations.

Argon2id work (wrapping a new private key) runs before the transaction opens, never inside
it: a slow derivation must not hold a database write lock.
"""

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from tipline import vault
from tipline.audit.actions import record
from tipline.desks.actions import add_member
from tipline.desks.models import Desk

from .models import Invitation, Role, StaffUser

INVITATION_LIFETIME = timedelta(hours=24)
# Wrong second-factor codes an invitation tolerates before it stops working.
MAX_INVITATION_ATTEMPTS = 10
# Codes one step either side of now are accepted (clock drift of a phone).
TOTP_TOLERANCE_STEPS = 1
DEVICE_NAME = "authenticator"


class InvitationInvalid(Exception):
    """The invitation is unknown, used, expired or has seen too many wrong codes.

    One exception for all four: the page says the same to anyone holding a bad link.
    """


class WrongSecondFactorCode(Exception):
    """The code from the authenticator app did not match."""


@dataclass(frozen=True)
class NewStaff:
    """A created account and what to hand its owner once, never to store."""

    user: StaffUser
    device: TOTPDevice
    recovery_code: str = field(repr=False)

    @property
    def totp_uri(self) -> str:
        return str(self.device.config_url)


def create_staff(
    *,
    username: str,
    password: str,
    role: str,
    email: str = "",
    desks: Iterable[Desk] = (),
    receives_reports: bool = True,
    acting_user: StaffUser | None,
) -> NewStaff:
    """Create an account with a key pair and a TOTP device (for scripts and administrators).

    The device's provisioning URI is handed over with the recovery code. The device counts
    only once a code from it is typed back: the first sign-in asks for one (showing the same
    key as a QR code), so enrolment happens then.
    """
    username = _checked_new_username(username)
    _check_password(password, username)
    role = _checked_role(role)
    enrolment = vault.enrol_staff(password)
    with transaction.atomic():
        user = _save_account(username, password, role, email, enrolment.record)
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
        for desk in desks:
            add_member(desk, user, receives_reports=receives_reports, acting_user=acting_user)
        record("staff.created", actor=acting_user, staff=username, role=role)
    return NewStaff(user=user, device=device, recovery_code=enrolment.recovery_code)


def invite_staff(
    *,
    username: str,
    role: str,
    acting_user: StaffUser | None,
    desks: Iterable[Desk] = (),
    receives_reports: bool = True,
) -> tuple[Invitation, str]:
    """An invitation and its token (to send as a link; only its digest is stored).

    The person it is for chooses their own password and second factor on the link's page and
    is put on `desks` when they accept: the administrator who invites never holds a secret of
    theirs. One waiting invitation per username, so that two links cannot race for one name.
    """
    username = _checked_new_username(username)
    role = _checked_role(role)
    desks = list(desks)
    token = vault.new_token()
    with transaction.atomic():
        if waiting_invitations().filter(username__iexact=username, resets=None).exists():
            raise ValidationError(
                _("An invitation for %(name)s is waiting already: revoke it first.")
                % {"name": username}
            )
        invitation = Invitation.objects.create(
            token_digest=vault.token_digest(token),
            username=username,
            role=role,
            created_by=acting_user,
            expires_at=timezone.now() + INVITATION_LIFETIME,
            receives_reports=receives_reports,
        )
        invitation.desks.set(desks)
        record(
            "staff.invited",
            actor=acting_user,
            staff=username,
            role=role,
            desks=",".join(desk.slug for desk in desks),
            receives_reports=receives_reports,
        )
    return invitation, token


def waiting_invitations() -> QuerySet[Invitation]:
    """Invitations whose link still works: not used, revoked, expired or worn out."""
    return Invitation.objects.filter(
        used_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
        failed_attempts__lt=MAX_INVITATION_ATTEMPTS,
    )


def revoke_invitation(invitation: Invitation, *, acting_user: StaffUser | None) -> bool:
    """Withdraw a link before it is used; False if it was used, revoked or expired already.

    A conditional update, so a revocation and an acceptance at the same moment cannot both
    win: `accept_invitation` claims only a row that is still unrevoked.
    """
    with transaction.atomic():
        revoked = waiting_invitations().filter(pk=invitation.pk).update(revoked_at=timezone.now())
        if revoked:
            record("staff.invitation_revoked", actor=acting_user, staff=invitation.username)
    return bool(revoked)


def reset_staff(user: StaffUser, *, acting_user: StaffUser | None) -> str:
    """A one-time link that gives `user` a new password, key pair and second factor.

    For someone who lost both password and recovery code. The new key opens only reports
    that arrive from now on: nobody, administrators included, can give back the old ones.
    """
    token = vault.new_token()
    with transaction.atomic():
        Invitation.objects.filter(resets=user, used_at__isnull=True).update(
            expires_at=timezone.now()
        )
        Invitation.objects.create(
            token_digest=vault.token_digest(token),
            username=user.username,
            role=user.role,
            created_by=acting_user,
            expires_at=timezone.now() + INVITATION_LIFETIME,
            resets=user,
        )
        record("staff.reset_issued", actor=acting_user, staff=user.username)
    return token


def invite_first_administrator(*, username: str = "admin") -> str | None:
    """The token of a fresh invitation for the first administrator, or None if one exists.

    Each call revokes the earlier unused first-administrator invitations, so only the link
    printed last works.
    """
    if StaffUser.objects.filter(role=Role.ADMINISTRATOR, is_active=True).exists():
        return None
    with transaction.atomic():
        Invitation.objects.filter(
            created_by=None, role=Role.ADMINISTRATOR, used_at__isnull=True
        ).update(expires_at=timezone.now())
        _, token = invite_staff(username=username, role=Role.ADMINISTRATOR, acting_user=None)
    return token


def usable_invitation(token: str) -> Invitation:
    """The invitation a token opens, if it can still be used; `InvitationInvalid` otherwise."""
    invitation = waiting_invitations().filter(token_digest=vault.token_digest(token)).first()
    if invitation is None:
        raise InvitationInvalid
    return invitation


def new_totp_key() -> str:
    """A fresh TOTP key (hex) for one browser that opened an invitation link."""
    return str(default_key())


def invitation_totp_uri(invitation: Invitation, totp_key: str) -> str:
    """The provisioning URI the invitee scans (the device is saved only on acceptance)."""
    draft = TOTPDevice(user=StaffUser(username=invitation.username), key=totp_key)
    return str(draft.config_url)


def accept_invitation(token: str, *, password: str, totp_key: str, totp_code: str) -> NewStaff:
    """Redeem an invitation: the account, its keys and its confirmed second factor.

    `totp_key` is the key the invitee's browser was shown (never stored with the invitation)
    and `totp_code` a code their app made from it. The invitation is claimed by a
    conditional update inside the transaction, so a link used twice at once makes one
    account, and the second attempt gets `InvitationInvalid`.
    """
    invitation = usable_invitation(token)
    _check_password(password, invitation.username)
    matched_step = _match_totp(totp_key, totp_code)
    if matched_step is None:
        Invitation.objects.filter(pk=invitation.pk).update(failed_attempts=F("failed_attempts") + 1)
        raise WrongSecondFactorCode
    if invitation.resets is None:
        _checked_new_username(invitation.username)
    enrolment = vault.enrol_staff(password)
    with transaction.atomic():
        claimed = Invitation.objects.filter(
            pk=invitation.pk,
            used_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        ).update(used_at=timezone.now())
        if claimed != 1:
            raise InvitationInvalid
        if invitation.resets is not None:
            user = invitation.resets
            user.set_password(password)
            user.store_key_record(enrolment.record)
            user.save()
            TOTPDevice.objects.filter(user=user).delete()
        else:
            user = _save_account(
                invitation.username, password, invitation.role, "", enrolment.record
            )
            # The desks the administrator chose, as their change (they decided it).
            for desk in invitation.desks.all():
                add_member(
                    desk,
                    user,
                    receives_reports=invitation.receives_reports,
                    acting_user=invitation.created_by,
                )
        device = TOTPDevice.objects.create(
            user=user,
            name=DEVICE_NAME,
            key=totp_key,
            confirmed=True,
            last_t=matched_step,  # the code just typed cannot be replayed
        )
        record(
            "staff.reset_completed" if invitation.resets else "staff.invitation_accepted",
            actor=user,
            staff=user.username,
            role=invitation.role,
        )
    return NewStaff(user=user, device=device, recovery_code=enrolment.recovery_code)


def revoke_staff(user: StaffUser, *, acting_user: StaffUser | None) -> None:
    """Stop an account: it cannot sign in and receives no new report. History stays."""
    with transaction.atomic():
        user.is_active = False
        user.save(update_fields=["is_active"])  # a save, so that caches of who is active hear it
        record("staff.revoked", actor=acting_user, staff=user.username)


def set_language(user: StaffUser, language: str, *, acting_user: StaffUser | None) -> None:
    """Keep the language a staff member chose for the staff pages, audited."""
    if language not in {code for code, _name in settings.STAFF_LANGUAGES}:
        raise ValueError(f"not one of settings.STAFF_LANGUAGES: {language!r}")
    with transaction.atomic():
        StaffUser.objects.filter(pk=user.pk).update(language=language)
        user.language = language
        record("staff.language_changed", actor=acting_user, staff=user.username, language=language)


def _save_account(
    username: str, password: str, role: str, email: str, keys: vault.StaffKeyRecord
) -> StaffUser:
    user = StaffUser(
        username=username,
        email=email,
        role=role,
        # Django's admin is the administrators' configuration screen.
        is_staff=role == Role.ADMINISTRATOR,
        is_superuser=role == Role.ADMINISTRATOR,
    )
    user.set_password(password)
    user.store_key_record(keys)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise ValidationError(_("The username %(name)s is taken.") % {"name": username}) from None
    return user


def _checked_new_username(username: str) -> str:
    username = username.strip()
    if not username:
        raise ValidationError(_("A username is needed."))
    field_ = StaffUser._meta.get_field("username")
    field_.run_validators(username)  # length and allowed characters
    if StaffUser.objects.filter(username__iexact=username).exists():
        raise ValidationError(_("The username %(name)s is taken.") % {"name": username})
    return username


def _checked_role(role: str) -> str:
    if role not in Role.values:
        raise ValidationError(f"role must be one of {', '.join(Role.values)}")
    return role


def _check_password(password: str, username: str) -> None:
    validate_password(password, user=StaffUser(username=username))


def _match_totp(key_hex: str, code: str) -> int | None:
    """The time step a code matches for `key_hex`, or None."""
    code = code.strip().replace(" ", "")
    if not (code.isascii() and code.isdigit() and len(code) == 6):
        return None
    try:
        key = bytes.fromhex(key_hex)
    except ValueError:
        return None
    if len(key) < 10:  # RFC 4226 asks for 128 bits at least; ours are 160
        return None
    totp = TOTP(key)
    totp.time = time.time()
    if not totp.verify(int(code), tolerance=TOTP_TOLERANCE_STEPS):
        return None
    return int(totp.t())
