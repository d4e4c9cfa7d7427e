"""Telling an account's holder and the administrators that its protection changed.

A new security key, a reset of the second factor, a recovery code used (which makes a new
one) or a flood of wrong tries on the name: each is something an attacker who got part of
the way in would do quietly, so the people who can act hear of it at once. The message
names the account and what happened, never where from (no address is known) or a secret.
"""

from django.conf import settings
from django.core.mail import send_mass_mail
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tipline.accounts.models import Role, StaffUser

# What happened, by audit action; gettext_noop marks them, `compose` translates per reader.
WHAT_HAPPENED = {
    "staff.security_key_added": gettext_noop(
        "A security key (%(key)s) was added to the account %(name)s."
    ),
    "staff.reset_issued": gettext_noop(
        "A reset link was made for the account %(name)s: whoever opens it sets a new "
        "password and a new second factor."
    ),
    "staff.reset_completed": gettext_noop(
        "The account %(name)s was reset: it has a new password and a new second factor."
    ),
    "staff.recovered": gettext_noop(
        "The recovery code of the account %(name)s was used: the account has a new password "
        "and a new recovery code."
    ),
    "staff.second_factor_enrolled": gettext_noop(
        "A second factor (authenticator app) was set up for the account %(name)s."
    ),
    "signin.name_under_attack": gettext_noop(
        "Many wrong passwords were tried for the account %(name)s from several places. The "
        "account is not locked: the tries are slowed, and the holder can still sign in."
    ),
    "signin.codes_under_attack": gettext_noop(
        "Many wrong second-factor codes were tried for the account %(name)s, after its "
        "password or on the recovery page. The account is not locked. If its password may be "
        "known to someone else, change it now."
    ),
}


def account_changed(user_id: object, event: str, key: str = "") -> int:
    """Send the holder of `user_id` and every active administrator a note of `event`."""
    if not settings.EMAIL_ENABLED or event not in WHAT_HAPPENED:
        return 0
    account = StaffUser.objects.filter(pk=user_id).first()
    if account is None:
        return 0
    readers = {account.pk: account}
    for administrator in StaffUser.objects.filter(role=Role.ADMINISTRATOR, is_active=True):
        readers.setdefault(administrator.pk, administrator)
    messages = []
    for reader in readers.values():
        if not reader.email:
            continue
        with translation.override(reader.language or settings.LANGUAGE_CODE):
            happened = _(WHAT_HAPPENED[event]) % {"name": account.username, "key": key}
            body = (
                f"{happened}\n\n"
                + _("If this was not you, or someone you asked, tell an administrator at once.")
                + "\n\n"
                + _("Sign in: %(link)s") % {"link": f"{settings.SITE_URL.rstrip('/')}/staff/"}
                + "\n"
            )
            subject = _("[Tipline] Account %(name)s: a security change") % {
                "name": account.username
            }
        messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, [reader.email]))
    if not messages:
        return 0
    return int(send_mass_mail(messages, fail_silently=False))
