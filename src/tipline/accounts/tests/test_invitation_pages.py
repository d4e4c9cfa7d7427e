"""Inviting a colleague from the staff pages and with `tipline invite`: a one-time link on
which the colleague chooses their password and second factor and gets their recovery code;
they join the desks the administrator chose. The administrator sees none of their secrets."""

import base64
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from tipline import vault
from tipline.accounts.actions import create_staff
from tipline.accounts.models import Invitation, StaffUser
from tipline.audit.models import AuditEvent
from tipline.desks.models import Membership
from tipline.testing.fixtures import STRONG_PASSWORD, DeskWithRecipient, sign_in, totp_code

pytestmark = pytest.mark.django_db

INVITEE_PASSWORD = "violet tortoise under seven bridges"
LINK = re.compile(r"https?://[^/\s]+/staff/invitation/([A-Za-z0-9_\-]+)/")


@pytest.fixture
def setup(desk_with_recipient: DeskWithRecipient) -> DeskWithRecipient:
    return desk_with_recipient


@pytest.fixture
def admin_client(setup: DeskWithRecipient) -> Client:
    admin = create_staff(
        username="root", password=STRONG_PASSWORD, role="administrator", acting_user=None
    )
    client = Client()
    sign_in(client, admin.user, admin.device)
    return client


def invite(client: Client, setup: DeskWithRecipient, **changes: object) -> str:
    data: dict[str, object] = {
        "username": "bilal",
        "role": "analyst",
        "desks": [setup.desk.pk],
        "receives_reports": "on",
    }
    data.update(changes)
    response = client.post("/staff/invitations/new/", data)
    assert response.status_code == 200, response.content.decode()[:2000]
    found = LINK.search(response.content.decode())
    assert found, "the page shows the link"
    return found.group(1)


def shown_key(token: str, client: Client) -> str:
    """The TOTP key the invitation page shows this browser (kept in its session only)."""
    assert client.get(f"/staff/invitation/{token}/").status_code == 200
    return str(client.session["tipline.invitation_totp"]["key"])


def accept(token: str, client: Client | None = None) -> tuple[Client, str]:
    """The invitee's browser: the link, a password, a code; returns it and the recovery code."""
    client = client or Client()
    key = shown_key(token, client)
    response = client.post(
        f"/staff/invitation/{token}/",
        {"password": INVITEE_PASSWORD, "password_again": INVITEE_PASSWORD, "code": totp_code(key)},
    )
    assert response.status_code == 200, response.content.decode()[:2000]
    return client, response.context["recovery_code"]


def test_an_invited_analyst_joins_the_chosen_desk_as_a_recipient(
    admin_client: Client, setup: DeskWithRecipient
) -> None:
    token = invite(admin_client, setup)
    invitee, _code = accept(token)
    user = StaffUser.objects.get(username="bilal")
    assert user.role == "analyst" and not user.is_staff
    membership = Membership.objects.get(staff=user)
    assert membership.desk == setup.desk and membership.receives_reports
    assert invitee.get("/staff/").status_code == 302  # straight to their one desk's inbox
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
    assert actions[-3:] == ["staff.invited", "desk.member_added", "staff.invitation_accepted"]
    invited = AuditEvent.objects.get(action="staff.invited", detail__staff="bilal")
    assert invited.actor.username == "root"
    assert invited.detail["desks"] == "narcotics"


def test_a_member_who_is_not_a_recipient_gets_no_report_keys(
    admin_client: Client, setup: DeskWithRecipient
) -> None:
    token = invite(admin_client, setup, receives_reports="", role="supervisor")
    accept(token)
    membership = Membership.objects.get(staff__username="bilal")
    assert not membership.receives_reports
    assert membership.staff.role == "supervisor"


def test_the_administrator_never_sees_the_invitees_secrets(
    admin_client: Client, setup: DeskWithRecipient
) -> None:
    made = admin_client.post(
        "/staff/invitations/new/",
        {"username": "bilal", "role": "analyst", "desks": [setup.desk.pk]},
    )
    token = LINK.search(made.content.decode()).group(1)  # type: ignore[union-attr]
    invitation = Invitation.objects.get(token_digest=vault.token_digest(token))
    # Even an administrator who opens the link first sees another key than the invitee's.
    key_the_admin_saw = shown_key(token, Client())
    invitee = Client()
    key_hex = shown_key(token, invitee)
    assert key_hex != key_the_admin_saw
    key_b32 = base64.b32encode(bytes.fromhex(key_hex)).decode().rstrip("=")
    _invitee, recovery_code = accept(token, invitee)
    user = StaffUser.objects.get(username="bilal")
    assert TOTPDevice.objects.get(user=user).key == key_hex
    secrets = [INVITEE_PASSWORD, key_hex, key_b32, key_b32[:4] + " " + key_b32[4:8], recovery_code]

    seen = made.content.decode()
    for path in [
        "/staff/invitations/",
        "/staff/audit/",
        "/staff/admin/accounts/staffuser/",
        f"/staff/admin/accounts/staffuser/{user.pk}/change/",
        "/staff/admin/accounts/invitation/",
        f"/staff/admin/accounts/invitation/{invitation.pk}/change/",
        "/staff/admin/audit/auditevent/",
        "/staff/admin/otp_totp/totpdevice/",
    ]:
        response = admin_client.get(path)
        assert response.status_code in (200, 404), path
        seen += response.content.decode()
    assert "bilal" in seen
    for secret in secrets:
        assert secret not in seen
    for event in AuditEvent.objects.all():
        assert not any(secret in str(event.detail) for secret in secrets)


def test_the_command_prints_a_link_and_no_secret(setup: DeskWithRecipient) -> None:
    out = StringIO()
    call_command(
        "invite", "chen", "--role", "analyst", "--desk", "narcotics", "--url",
        "https://tips.example.org/", stdout=out,
    )  # fmt: skip
    printed = out.getvalue()
    found = re.search(r"https://tips\.example\.org/staff/invitation/([A-Za-z0-9_\-]+)/", printed)
    assert found
    invitee = Client()
    key_hex = shown_key(found.group(1), invitee)
    key_b32 = base64.b32encode(bytes.fromhex(key_hex)).decode().rstrip("=")
    _client, recovery_code = accept(found.group(1), invitee)
    for secret in (key_hex, key_b32[:8], recovery_code):
        assert secret not in printed
    assert Membership.objects.get(staff__username="chen").desk == setup.desk


def test_the_command_makes_a_member_who_is_not_a_recipient(setup: DeskWithRecipient) -> None:
    out = StringIO()
    call_command("invite", "dana", "--role", "supervisor", "--desk", "narcotics",
                 "--not-recipient", stdout=out)  # fmt: skip
    assert "not a recipient" in out.getvalue()
    accept(LINK.search(out.getvalue()).group(1))  # type: ignore[union-attr]
    assert not Membership.objects.get(staff__username="dana").receives_reports


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["eve", "--role", "analyst", "--desk", "nowhere"], "there is no desk"),
        (["analyst-narcotics", "--role", "analyst"], "is taken"),
        (["has space", "--role", "analyst"], "valid username"),
    ],
)
def test_the_command_refuses_bad_values_and_invites_nobody(
    setup: DeskWithRecipient, arguments: list[str], message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("invite", *arguments, stdout=StringIO())
    assert not Invitation.objects.exists()


def test_a_revoked_link_no_longer_works(admin_client: Client, setup: DeskWithRecipient) -> None:
    token = invite(admin_client, setup)
    invitation = Invitation.objects.get()
    response = admin_client.post(f"/staff/invitations/{invitation.pk}/revoke/", follow=True)
    assert "is revoked" in response.content.decode()
    assert Client().get(f"/staff/invitation/{token}/").status_code == 404
    again = admin_client.post(f"/staff/invitations/{invitation.pk}/revoke/", follow=True)
    assert "no longer waiting" in again.content.decode()
    assert AuditEvent.objects.filter(action="staff.invitation_revoked").count() == 1
    assert not StaffUser.objects.filter(username="bilal").exists()
    assert "revoked" in admin_client.get("/staff/invitations/").content.decode()


def test_an_accepted_invitation_cannot_be_revoked(
    admin_client: Client, setup: DeskWithRecipient
) -> None:
    accept(invite(admin_client, setup))
    invitation = Invitation.objects.get()
    admin_client.post(f"/staff/invitations/{invitation.pk}/revoke/")
    invitation.refresh_from_db()
    assert invitation.revoked_at is None
    assert StaffUser.objects.get(username="bilal").is_active
    assert "accepted" in admin_client.get("/staff/invitations/").content.decode()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"username": ""}, "This field is required"),
        ({"username": "x" * 151}, "at most 150"),
        ({"username": "has space"}, "valid username"),
        ({"username": "analyst-narcotics"}, "is taken"),
        ({"role": "overlord"}, "Select a valid choice"),
        ({"desks": ["999999"]}, "Select a valid choice"),
        ({"desks": ["not a number"]}, "is not a valid value"),
    ],
)
def test_bad_values_are_explained_and_invite_nobody(
    admin_client: Client, setup: DeskWithRecipient, changes: dict[str, object], message: str
) -> None:
    data: dict[str, object] = {"username": "bilal", "role": "analyst", "desks": [setup.desk.pk]}
    data.update(changes)
    response = admin_client.post("/staff/invitations/new/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Invitation.objects.exists()


def test_a_second_waiting_invitation_for_one_name_is_refused(
    admin_client: Client, setup: DeskWithRecipient
) -> None:
    invite(admin_client, setup)
    response = admin_client.post(
        "/staff/invitations/new/", {"username": "BILAL", "role": "analyst"}
    )
    assert response.status_code == 400
    assert "waiting already" in response.content.decode()
    assert Invitation.objects.count() == 1


def test_a_right_to_left_name_is_invited_as_typed(
    admin_client: Client, setup: DeskWithRecipient
) -> None:
    token = invite(admin_client, setup, username="بلال")
    accept(token)
    assert StaffUser.objects.filter(username="بلال").exists()
    assert "<bdi>بلال</bdi>" in admin_client.get("/staff/invitations/").content.decode()


def test_only_administrators_invite_and_revoke(setup: DeskWithRecipient) -> None:
    analyst = Client()
    sign_in(analyst, setup.analyst, setup.device)
    assert analyst.get("/staff/invitations/").status_code == 403
    assert analyst.get("/staff/invitations/new/").status_code == 403
    response = analyst.post("/staff/invitations/new/", {"username": "x", "role": "administrator"})
    assert response.status_code == 403
    assert not Invitation.objects.exists()
    assert Client().get("/staff/invitations/").status_code == 302  # to the sign-in


def test_the_forms_are_protected_by_csrf(admin_client: Client, setup: DeskWithRecipient) -> None:
    invite(admin_client, setup)
    invitation = Invitation.objects.get()
    client = Client(enforce_csrf_checks=True)
    client.cookies = admin_client.cookies  # signed in, but posting without the form's token
    response = client.post("/staff/invitations/new/", {"username": "chen", "role": "analyst"})
    assert response.status_code == 403
    assert client.post(f"/staff/invitations/{invitation.pk}/revoke/").status_code == 403
    assert Invitation.objects.get().revoked_at is None
    assert Invitation.objects.count() == 1


def test_an_administrator_on_no_desk_is_told_what_to_do_next(admin_client: Client) -> None:
    body = admin_client.get("/staff/").content.decode()
    assert 'id="next-steps"' in body
    assert 'href="/staff/admin/desks/desk/add/"' in body
    assert 'href="/staff/invitations/new/"' in body
    assert "An administrator adds you to one" not in body


def test_a_desk_made_in_the_administration_starts_with_the_shipped_categories(
    admin_client: Client,
) -> None:
    response = admin_client.post(
        "/staff/admin/desks/desk/add/",
        {
            "name": "Customs desk",
            "slug": "customs",
            "languages": '["en", "ur"]',
            "retention_days": 365,
            "max_attachments": 5,
            "max_attachment_megabytes": 50,
            "uncleanable_files": "refuse",
            "acknowledge_within_days": 7,
            "feedback_within_days": 90,
            "memberships-TOTAL_FORMS": 0,
            "memberships-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    from tipline.desks.models import Desk

    assert Desk.objects.get(slug="customs").categories.filter(slug="smuggling").exists()


def test_a_desk_that_requires_a_security_key_sends_the_new_account_to_add_one(
    admin_client: Client, setup: DeskWithRecipient
) -> None:
    setup.desk.staff_need_security_key = True
    setup.desk.save()
    token = invite(admin_client, setup)
    invitee = Client()
    key = shown_key(token, invitee)
    accepted = invitee.post(
        f"/staff/invitation/{token}/",
        {"password": INVITEE_PASSWORD, "password_again": INVITEE_PASSWORD, "code": totp_code(key)},
    )
    assert "asks for a security key as well" in accepted.content.decode()
    assert invitee.get("/staff/")["Location"] == "/staff/security-keys/"


def test_the_list_says_which_invitations_expired(
    admin_client: Client, setup: DeskWithRecipient
) -> None:
    from django.utils import timezone

    token = invite(admin_client, setup)
    Invitation.objects.update(expires_at=timezone.now())
    body = admin_client.get("/staff/invitations/").content.decode()
    assert "expired" in body and "Revoke" not in body
    assert Client().get(f"/staff/invitation/{token}/").status_code == 404


def test_the_staff_list_in_the_administration_links_to_inviting(admin_client: Client) -> None:
    body = admin_client.get("/staff/admin/accounts/staffuser/").content.decode()
    assert 'href="/staff/invitations/new/"' in body and 'href="/staff/invitations/"' in body
