"""Pages and JSON endpoints for security keys: the list (add, remove) and signing in with
one. The ceremonies need JavaScript (`static/accounts/webauthn.js`, served from this
origin, allowed by the staff pages' CSP only); the list and removal work without it."""

import time

from django.contrib.auth import login
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django_otp import login as otp_login

from tipline.audit.actions import record
from tipline.throttling.gate import allowed_methods

from . import security_keys, session_keys, signin
from .models import StaffUser
from .session_keys import start_session_clock
from .views import _PENDING_USER, _pending_user


def _signed_in(request: HttpRequest) -> StaffUser | None:
    user = request.user
    if isinstance(user, StaffUser) and user.is_active and user.is_verified():  # type: ignore[attr-defined]
        return user
    return None


@allowed_methods("GET", "POST")
def security_keys_page(request: HttpRequest) -> HttpResponse:
    """The person's keys, a button to add one (JavaScript), a form to remove each."""
    user = _signed_in(request)
    if user is None:
        return redirect(f"{reverse('accounts:signin')}?next={request.path}")
    status = 200
    if request.method == "POST":
        try:
            key_id = int(request.POST.get("remove", ""))
        except ValueError:
            key_id = -1
        if security_keys.remove(user, key_id):
            return redirect("accounts:security_keys")
        status = 400
    return render(
        request,
        "accounts/security_keys.html",
        {
            "keys": security_keys.keys_of(user),
            "required": security_keys.key_required(user),
            "must_add": security_keys.needs_key_now(request),
        },
        status=status,
    )


@allowed_methods("POST")
def register_begin(request: HttpRequest) -> HttpResponse:
    user = _signed_in(request)
    if user is None:
        return _json_error(gettext("Sign in first."), status=403)
    return HttpResponse(
        security_keys.registration_options(request, user), content_type="application/json"
    )


@allowed_methods("POST")
def register_finish(request: HttpRequest) -> HttpResponse:
    user = _signed_in(request)
    if user is None:
        return _json_error(gettext("Sign in first."), status=403)
    try:
        key = security_keys.register(
            request,
            user,
            request.POST.get("credential", ""),
            request.POST.get("name", ""),
        )
    except security_keys.KeyRefused:
        return _json_error(gettext("The security key could not be added. Try again."))
    if security_keys.needs_key_now(request):
        # Required, and signed in with TOTP: sign in again, this time with the key.
        otp_login(request, key)
    return JsonResponse({"added": key.name})


@allowed_methods("POST")
def signin_begin(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None:
        return _json_error(gettext("Start again with your password."), status=403)
    if not security_keys.keys_of(user):
        return _json_error(gettext("This account has no security key."))
    return HttpResponse(
        security_keys.authentication_options(request, user), content_type="application/json"
    )


@allowed_methods("POST")
def signin_finish(request: HttpRequest) -> HttpResponse:
    """The second step with a key instead of a TOTP code: on success, signed in."""
    user = _pending_user(request)
    if user is None:
        return _json_error(gettext("Start again with your password."), status=403)
    # Wrong keys are slowed per account like wrong codes: never a lockout.
    if signin.code_wait(request, user):
        return _json_error(gettext("Too many failed sign-ins. Wait a little and try again."), 429)
    try:
        key = security_keys.authenticate(request, user, request.POST.get("credential", ""))
    except security_keys.KeyRefused as refused:
        action = "signin.security_key_cloned" if refused.cloned else "signin.security_key_failed"
        signin.count_wrong_code(request, user, action)
        return _json_error(gettext("That security key was not accepted."))
    private_key = session_keys.private_key(request, user)
    if private_key is None:
        return _json_error(gettext("Start again with your password."), status=403)
    signin.forgive_codes(request, user)
    with transaction.atomic():
        record("signin.succeeded", actor=user, staff=user.username, factor="security_key")
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    otp_login(request, key)
    request.session.pop(_PENDING_USER, None)
    start_session_clock(request)
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("casework:home")
    return JsonResponse({"next": target, "at": int(time.time())})


def _json_error(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)
