"""Security keys and passkeys (WebAuthn) as a second factor beside TOTP.

Library: py_webauthn (`webauthn`, Duo Labs). It is a small set of functions that make
options and verify responses (attestation formats, COSE keys, the signature counter) and
holds no state and no views, so Tipline keeps its own sign-in flow (the password step
unwraps the private key) and its own audit, model and JavaScript under its strict CSP.
django-otp-webauthn would bring its own views, templates, script and URL layout on top of
the same checks.

A WebAuthn ceremony needs JavaScript (`navigator.credentials`); TOTP keeps working without
it. Challenges live in the server-side session, one at a time, and are used once.
The relying party is this site's host name; the origin is checked against the request's.
"""

import json
from dataclasses import dataclass
from typing import Any

import webauthn
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from webauthn.helpers import bytes_to_base64url
from webauthn.helpers.exceptions import (
    InvalidAuthenticationResponse,
    InvalidCBORData,
    InvalidJSONStructure,
    InvalidRegistrationResponse,
)
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from tipline.audit.actions import record
from tipline.desks.models import Membership

from .models import Role, SecurityKey, SignInPolicy, StaffUser
from .signals import security_changed

_REGISTRATION = "tipline.webauthn.registration"
_AUTHENTICATION = "tipline.webauthn.authentication"
MAX_NAME = 60
MAX_RESPONSE_BYTES = 64 * 1024


class KeyRefused(Exception):
    """The browser's answer did not prove the key: wrong, cloned, replayed or malformed.
    `cloned`: the signature counter did not grow (two devices hold the same key)."""

    def __init__(self, reason: str, *, cloned: bool = False) -> None:
        super().__init__(reason)
        self.cloned = cloned


@dataclass(frozen=True)
class RelyingParty:
    rp_id: str
    origin: str


def relying_party(request: HttpRequest) -> RelyingParty:
    """This site as WebAuthn sees it: the host name, and the origin the browser reports."""
    host = request.get_host()
    rp_id = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    return RelyingParty(rp_id=rp_id.strip("[]"), origin=f"{request.scheme}://{host}")


def keys_of(user: StaffUser) -> list[SecurityKey]:
    return list(SecurityKey.objects.filter(user=user, confirmed=True).order_by("created_at"))


def key_required(user: StaffUser) -> bool:
    """An administrator's choice: for administrators (`SignInPolicy`), or for the staff of a
    desk (`Desk.staff_need_security_key`)."""
    if user.role == Role.ADMINISTRATOR and SignInPolicy.current().administrators_need_security_key:
        return True
    return Membership.objects.filter(staff=user, desk__staff_need_security_key=True).exists()


def registration_options(request: HttpRequest, user: StaffUser) -> str:
    """Options for `navigator.credentials.create`, as JSON; the challenge is kept."""
    party = relying_party(request)
    options = webauthn.generate_registration_options(
        rp_id=party.rp_id,
        rp_name="Tipline",
        user_name=user.username,
        user_id=f"tipline-staff-{user.pk}".encode(),
        exclude_credentials=[_descriptor(key) for key in keys_of(user)],
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.DISCOURAGED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
    )
    request.session[_REGISTRATION] = bytes_to_base64url(options.challenge)
    return webauthn.options_to_json(options)


def register(request: HttpRequest, user: StaffUser, response: str, name: str) -> SecurityKey:
    """Keep the key the browser made, after checking it answered our challenge."""
    challenge = request.session.pop(_REGISTRATION, None)
    if not challenge or len(response) > MAX_RESPONSE_BYTES:
        raise KeyRefused("no registration under way")
    party = relying_party(request)
    try:
        verified = webauthn.verify_registration_response(
            credential=json.loads(response),
            expected_challenge=webauthn.base64url_to_bytes(challenge),
            expected_rp_id=party.rp_id,
            expected_origin=party.origin,
        )
    except (
        InvalidRegistrationResponse,
        InvalidJSONStructure,
        InvalidCBORData,
        ValueError,
        TypeError,
        KeyError,
        RecursionError,  # deeply nested JSON
    ) as error:
        raise KeyRefused(str(error)) from error
    credential_id = bytes_to_base64url(verified.credential_id)
    name = (name.strip() or "security key")[:MAX_NAME]
    with transaction.atomic():
        if SecurityKey.objects.filter(credential_id=credential_id).exists():
            raise KeyRefused("this key is registered already")
        key = SecurityKey.objects.create(
            user=user,
            name=name,
            confirmed=True,
            credential_id=credential_id,
            public_key=verified.credential_public_key,
            sign_count=verified.sign_count,
        )
        record("staff.security_key_added", actor=user, staff=user.username, key=name)
        security_changed.send(StaffUser, account=user, event="staff.security_key_added", key=name)
    return key


def remove(user: StaffUser, key_id: int) -> bool:
    """Remove one of the user's own keys; False when there is no such key of theirs."""
    with transaction.atomic():
        key = SecurityKey.objects.select_for_update().filter(user=user, pk=key_id).first()
        if key is None:
            return False
        key.delete()
        record("staff.security_key_removed", actor=user, staff=user.username, key=key.name)
    return True


def authentication_options(request: HttpRequest, user: StaffUser) -> str:
    """Options for `navigator.credentials.get` naming the user's keys, as JSON."""
    party = relying_party(request)
    options = webauthn.generate_authentication_options(
        rp_id=party.rp_id,
        allow_credentials=[_descriptor(key) for key in keys_of(user)],
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    request.session[_AUTHENTICATION] = bytes_to_base64url(options.challenge)
    return webauthn.options_to_json(options)


def authenticate(request: HttpRequest, user: StaffUser, response: str) -> SecurityKey:
    """The user's key that signed our challenge, its counter moved on; `KeyRefused` else
    (the caller counts and audits the failure). A signature counter that did not grow means
    two devices hold the same key (a clone): refused."""
    challenge = request.session.pop(_AUTHENTICATION, None)
    if not challenge or len(response) > MAX_RESPONSE_BYTES:
        raise KeyRefused("no sign-in with a key under way")
    try:
        credential: dict[str, Any] = json.loads(response)
        credential_id = str(credential["id"])
    except (ValueError, TypeError, KeyError, RecursionError) as error:
        raise KeyRefused("malformed response") from error
    key = SecurityKey.objects.filter(user=user, confirmed=True, credential_id=credential_id).first()
    if key is None:
        raise KeyRefused("not a key of this account")
    party = relying_party(request)
    try:
        verified = webauthn.verify_authentication_response(
            credential=credential,
            expected_challenge=webauthn.base64url_to_bytes(challenge),
            expected_rp_id=party.rp_id,
            expected_origin=party.origin,
            credential_public_key=bytes(key.public_key),
            credential_current_sign_count=key.sign_count,
        )
    except (
        InvalidAuthenticationResponse,
        InvalidJSONStructure,
        InvalidCBORData,
        ValueError,
        TypeError,
        KeyError,
        RecursionError,  # deeply nested JSON
    ) as error:
        raise KeyRefused(str(error), cloned="sign count" in str(error).lower()) from error
    with transaction.atomic():
        # Conditional: two sign-ins racing with one assertion cannot both move the counter.
        moved = SecurityKey.objects.filter(pk=key.pk, sign_count=key.sign_count).update(
            sign_count=verified.new_sign_count, last_used_at=timezone.now()
        )
        if not moved:
            raise KeyRefused("the key was used at the same moment elsewhere")
    return key


def needs_key_now(request: HttpRequest) -> bool:
    """Signed in with TOTP although a security key is required: the person must add one
    (or sign in again with it) before anything else."""
    user = request.user
    if not (isinstance(user, StaffUser) and user.is_verified()):  # type: ignore[attr-defined]
        return False
    return not isinstance(user.otp_device, SecurityKey) and key_required(user)  # type: ignore[attr-defined]


def _descriptor(key: SecurityKey) -> PublicKeyCredentialDescriptor:
    return PublicKeyCredentialDescriptor(id=webauthn.base64url_to_bytes(key.credential_id))
