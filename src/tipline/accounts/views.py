import base64
import time
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django_otp import login as otp_login

from tipline import vault
from tipline.audit.actions import record
from tipline.throttling.gate import SMALL_FORM_LIMIT, allowed_methods, body_limit, expensive

from . import actions, security_keys, session_keys, signin, staff_keys, unsent
from .forms import (
    AcceptInvitationForm,
    ChangePasswordForm,
    CodeForm,
    RecoverForm,
    SettingsForm,
    SignInForm,
)
from .models import Invitation, StaffUser
from .session_keys import forget_private_key, keep_private_key, start_session_clock


@allowed_methods("GET", "POST")
@expensive
@body_limit(SMALL_FORM_LIMIT)
@sensitive_variables("password", "totp_key")
@sensitive_post_parameters("password", "password_again", "code")
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Set a password, enrol the authenticator, receive the recovery code once."""
    try:
        invitation = actions.usable_invitation(token)
    except actions.InvitationInvalid:
        return render(request, "accounts/invitation_invalid.html", status=404)

    form = AcceptInvitationForm(request.POST or None)
    totp_key = _invitation_totp_key(request, invitation)
    if request.method == "POST" and form.is_valid():
        password = form.cleaned_data["password"]
        try:
            new_staff = actions.accept_invitation(
                token, password=password, totp_key=totp_key, totp_code=form.cleaned_data["code"]
            )
        except actions.InvitationInvalid:
            return render(request, "accounts/invitation_invalid.html", status=404)
        except actions.WrongSecondFactorCode:
            form.add_error("code", _("That code did not match. Check the time on your phone."))
        except ValidationError as error:
            form.add_error("password", error)
        else:
            request.session.pop(_INVITATION_TOTP, None)
            response = render(
                request,
                "accounts/invitation_accepted.html",
                {
                    "user": new_staff.user,
                    "recovery_code": new_staff.recovery_code,
                    "needs_security_key": security_keys.key_required(new_staff.user),
                },
            )
            # Signed in at once: the password and the code were just checked.
            login(request, new_staff.user, backend="django.contrib.auth.backends.ModelBackend")
            otp_login(request, new_staff.device)
            start_session_clock(request)
            keep_private_key(
                request, response, vault.unlock_with_password(new_staff.user.key_record, password)
            )
            return response

    qr_svg = _qr_svg(actions.invitation_totp_uri(invitation, totp_key))
    return render(
        request,
        "accounts/accept_invitation.html",
        {
            "invitation": invitation,
            "form": form,
            "qr_svg": qr_svg,
            "totp_secret": _base32(totp_key),
        },
        status=400 if form.errors else 200,
    )


_INVITATION_TOTP = "tipline.invitation_totp"


def _invitation_totp_key(request: HttpRequest, invitation: Invitation) -> str:
    """The TOTP key this browser was shown for this invitation; a new one on its first visit.

    Kept in this browser's session only, never with the invitation: someone who opened the
    link elsewhere before (the inviting administrator too) saw another key, which the
    account never gets."""
    kept = request.session.get(_INVITATION_TOTP)
    if not isinstance(kept, dict) or kept.get("invitation") != invitation.pk:
        kept = {"invitation": invitation.pk, "key": actions.new_totp_key()}
        request.session[_INVITATION_TOTP] = kept
    return str(kept["key"])


def _base32(key_hex: str) -> str:
    text = base64.b32encode(bytes.fromhex(key_hex)).decode("ascii").rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


_PENDING_USER = "tipline.pending_user"
_PENDING_SINCE = "tipline.pending_since"
PENDING_SECONDS = 300  # time allowed between the password and the code


@allowed_methods("GET", "POST")
@expensive
@body_limit(SMALL_FORM_LIMIT)
@sensitive_post_parameters("password")
def sign_in(request: HttpRequest) -> HttpResponse:
    """Step one: username and password. The private key is unwrapped here, kept sealed."""
    form = SignInForm(request.POST or None)
    context: dict[str, object] = {
        "form": form,
        # Why the last session ended ("idle", "limit"; anything else: it ended), and whether
        # text being written then is kept for after this sign-in (`unsent`).
        "expired": request.GET.get("expired", "")[:10],
        "unsent_kept": unsent.waiting(request),
        "idle_minutes": settings.SESSION_IDLE_SECONDS // 60,
        "limit_hours": settings.SESSION_COOKIE_AGE // 3600,
    }
    if request.method == "POST" and form.is_valid():
        try:
            user, private_key = signin.check_password(
                request, form.cleaned_data["username"], form.cleaned_data["password"]
            )
        except signin.SignInRefused:
            context["error"] = _("Wrong username or password.")
        except signin.SignInThrottled as throttled:
            return _throttled(request, throttled, {**context, "form": form})
        else:
            request.session.cycle_key()
            request.session[_PENDING_USER] = user.pk
            request.session[_PENDING_SINCE] = int(time.time())
            response = redirect(
                _with_next(reverse("accounts:signin_code"), request.GET.get("next"))
            )
            keep_private_key(request, response, private_key)
            return response
        return render(request, "accounts/signin.html", context, status=400)
    status = 400 if request.method == "POST" else 200  # a form that was not valid
    return render(request, "accounts/signin.html", context, status=status)


@allowed_methods("GET", "POST")
@body_limit(SMALL_FORM_LIMIT)
def sign_in_code(request: HttpRequest) -> HttpResponse:
    """Step two: the code from the authenticator; on a first sign-in, enrol it first."""
    user = _pending_user(request)
    if user is None:
        return redirect("accounts:signin")
    enrolling = signin.confirmed_device(user) is None
    form = CodeForm(request.POST or None)
    status = 200
    keys = security_keys.keys_of(user)
    key_only = bool(keys) and security_keys.key_required(user)
    if request.method == "POST" and key_only:
        form.is_valid()
        form.add_error("code", gettext("Your account must sign in with its security key."))
        status = 400
    elif request.method == "POST" and form.is_valid():
        try:
            device = signin.check_code(user, form.cleaned_data["code"], enrolling=enrolling)
        except signin.SignInThrottled as throttled:
            return _throttled(request, throttled, {"form": SignInForm()})
        if device is not None:
            private_key = session_keys.private_key(request, user)
            if private_key is None:
                return redirect("accounts:signin")
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            otp_login(request, device)
            request.session.pop(_PENDING_USER, None)
            start_session_clock(request)
            target = request.GET.get("next", "")
            if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                target = reverse("casework:home")
            return redirect(target)
        form.add_error(
            "code", _("That code did not match, or was used already. Wait for the next one.")
        )
        status = 400
    context: dict[str, object] = {
        "form": form,
        "enrolling": enrolling,
        "user": user,
        "security_keys": keys,
        "key_only": key_only,
    }
    if enrolling:
        device = signin.device_to_enrol(user)
        context["qr_svg"] = _qr_svg(str(device.config_url))
        context["totp_secret"] = _base32(device.key)
    return render(request, "accounts/signin_code.html", context, status=status)


@allowed_methods("POST")
def sign_out(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.is_authenticated:
        with transaction.atomic():
            record("signout", actor=user, staff=user.get_username())
    logout(request)  # flushes the session, and with it the sealed key
    response = redirect("accounts:signin")
    forget_private_key(request, response)
    unsent.forget(response)
    return response


@allowed_methods("GET", "POST")
@login_required
@sensitive_post_parameters("old_password", "new_password", "new_password_again")
def change_password(request: HttpRequest) -> HttpResponse:
    form = ChangePasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        assert isinstance(user, StaffUser)  # noqa: S101 - login_required guarantees it
        try:
            staff_keys.change_password(
                user, form.cleaned_data["old_password"], form.cleaned_data["new_password"]
            )
        except vault.DecryptionError:
            form.add_error("old_password", _("That is not your current password."))
        except ValidationError as error:
            form.add_error("new_password", error)
        else:
            update_session_auth_hash(request, user)
            return render(request, "accounts/password_changed.html")
    return render(
        request, "accounts/change_password.html", {"form": form}, status=400 if form.errors else 200
    )


@allowed_methods("GET", "POST")
@expensive
@body_limit(SMALL_FORM_LIMIT)
@sensitive_post_parameters("recovery_code", "new_password", "new_password_again", "code")
def recover(request: HttpRequest) -> HttpResponse:
    """Forgotten password: the recovery code and the second factor set a new one."""
    form = RecoverForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            signin.check_throttles(request, data["username"])
        except signin.SignInThrottled as throttled:
            return _throttled(request, throttled, {"form": SignInForm()})
        user = StaffUser.objects.filter(username=data["username"], is_active=True).first()
        refused = _("That did not work. Check the username, the recovery code and the code.")
        try:
            device = (
                signin.check_code(
                    user, data["code"], enrolling=signin.confirmed_device(user) is None
                )
                if user is not None
                else None
            )
        except signin.SignInThrottled as throttled:
            return _throttled(request, throttled, {"form": SignInForm()})
        if device is None:
            signin.count_wrong_password(request, data["username"])
            form.add_error(None, refused)
        else:
            try:
                new_code = staff_keys.recover(user, data["recovery_code"], data["new_password"])
            except (vault.DecryptionError, vault.MalformedSecret):
                signin.count_wrong_password(request, data["username"])
                signin.count_failure(user, "staff.recovery_failed")
                form.add_error(None, refused)
            except ValidationError as error:
                form.add_error("new_password", error)
            else:
                return render(request, "accounts/recovered.html", {"recovery_code": new_code})
    return render(
        request, "accounts/recover.html", {"form": form}, status=400 if form.errors else 200
    )


def _throttled(
    request: HttpRequest, throttled: signin.SignInThrottled, context: dict[str, object]
) -> HttpResponse:
    """429 with Retry-After: the same page for every name, known or not."""
    error = _("Too many failed sign-ins. Wait a little and try again.")
    response = render(request, "accounts/signin.html", {**context, "error": error}, status=429)
    response["Retry-After"] = str(throttled.retry_after)
    return response


@login_required
@allowed_methods("GET", "POST")
def staff_settings(request: HttpRequest) -> HttpResponse:
    """A staff member's own settings: the language the staff pages speak to them in."""
    user = request.user
    assert isinstance(user, StaffUser)  # noqa: S101 - login_required guarantees it
    form = SettingsForm(request.POST or None, initial={"language": user.language or ""})
    saved = False
    if request.method == "POST" and form.is_valid():
        actions.set_language(user, form.cleaned_data["language"], acting_user=user)
        translation.activate(user.language)
        request.LANGUAGE_CODE = user.language
        saved = True
    return render(
        request,
        "accounts/settings.html",
        {"form": form, "saved": saved},
        status=400 if form.errors else 200,
    )


def _pending_user(request: HttpRequest) -> StaffUser | None:
    user_id = request.session.get(_PENDING_USER)
    since = request.session.get(_PENDING_SINCE, 0)
    if user_id is None or time.time() - since > PENDING_SECONDS:
        return None
    return StaffUser.objects.filter(pk=user_id, is_active=True).first()


def _with_next(url: str, target: str | None) -> str:
    return f"{url}?{urlencode({'next': target})}" if target else url


def _qr_svg(uri: str) -> str:
    return str(
        qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage).to_string().decode("utf-8")
    )
