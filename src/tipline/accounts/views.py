import base64

import qrcode
import qrcode.image.svg
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django_otp import login as otp_login

from . import actions
from .forms import AcceptInvitationForm


@sensitive_variables("password")
@sensitive_post_parameters("password", "password_again", "code")
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Set a password, enrol the authenticator, receive the recovery code once."""
    try:
        invitation = actions.usable_invitation(token)
    except actions.InvitationInvalid:
        return render(request, "accounts/invitation_invalid.html", status=404)

    form = AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        password = form.cleaned_data["password"]
        try:
            new_staff = actions.accept_invitation(
                token, password=password, totp_code=form.cleaned_data["code"]
            )
        except actions.InvitationInvalid:
            return render(request, "accounts/invitation_invalid.html", status=404)
        except actions.WrongSecondFactorCode:
            form.add_error("code", "That code did not match. Check the time on your phone.")
        except ValidationError as error:
            form.add_error("password", error)
        else:
            login(request, new_staff.user, backend="django.contrib.auth.backends.ModelBackend")
            otp_login(request, new_staff.device)
            return render(
                request,
                "accounts/invitation_accepted.html",
                {"user": new_staff.user, "recovery_code": new_staff.recovery_code},
            )

    uri = actions.invitation_totp_uri(invitation)
    qr_svg = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage).to_string()
    return render(
        request,
        "accounts/accept_invitation.html",
        {
            "invitation": invitation,
            "form": form,
            "qr_svg": qr_svg.decode("utf-8"),
            "totp_secret": _base32(invitation.totp_key),
        },
        status=400 if form.errors else 200,
    )


def _base32(key_hex: str) -> str:
    text = base64.b32encode(bytes.fromhex(key_hex)).decode("ascii").rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))
