"""The invitation page, through Django's test client, and the admin behind two factors."""

import pytest
from django.test import Client

from tipline import vault
from tipline.accounts import actions
from tipline.accounts.models import StaffUser
from tipline.testing.fixtures import STRONG_PASSWORD, totp_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def token() -> str:
    token = actions.invite_first_administrator()
    assert token
    return token


def url(token: str) -> str:
    return f"/staff/invitation/{token}/"


def key_of(token: str, client: Client) -> str:
    """The TOTP key the invitation page showed this browser (kept in its session only)."""
    client.get(url(token))
    return str(client.session["tipline.invitation_totp"]["key"])


def test_page_shows_a_qr_code_made_on_the_server(client: Client, token: str) -> None:
    response = client.get(url(token))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<svg" in body and "admin" in body
    assert "http://" not in body.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_whole_way_in_ends_signed_in_to_the_admin(client: Client, token: str) -> None:
    response = client.post(
        url(token),
        {
            "password": STRONG_PASSWORD,
            "password_again": STRONG_PASSWORD,
            "code": totp_code(key_of(token, client)),
        },
    )
    assert response.status_code == 200
    recovery_code = response.context["recovery_code"]
    user = StaffUser.objects.get(username="admin")
    assert vault.unlock_with_recovery_code(user.key_record, recovery_code)
    assert response["Cache-Control"] == "no-store"

    assert client.get("/staff/admin/").status_code == 200


def test_the_recovery_code_is_shown_once_only(client: Client, token: str) -> None:
    data = {
        "password": STRONG_PASSWORD,
        "password_again": STRONG_PASSWORD,
        "code": totp_code(key_of(token, client)),
    }
    client.post(url(token), data)
    again = client.post(url(token), data)
    assert again.status_code == 404
    assert "cannot be used" in again.content.decode()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"password_again": "something else entirely"}, "The two passwords differ"),
        ({"code": "000000"}, "did not match"),
        ({"password": "short", "password_again": "short"}, "too short"),
        ({"code": ""}, "This field is required"),
    ],
)
def test_mistakes_are_explained_and_create_nothing(
    client: Client, token: str, changes: dict[str, str], message: str
) -> None:
    data = {
        "password": STRONG_PASSWORD,
        "password_again": STRONG_PASSWORD,
        "code": totp_code(key_of(token, client)),
    }
    data.update(changes)
    response = client.post(url(token), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not StaffUser.objects.exists()


def test_an_unknown_link_gets_a_plain_page(client: Client) -> None:
    response = client.get(url("forged"))
    assert response.status_code == 404
    assert "cannot be used" in response.content.decode()


def test_the_form_is_protected_by_csrf(token: str) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        url(token),
        {
            "password": STRONG_PASSWORD,
            "password_again": STRONG_PASSWORD,
            "code": totp_code(key_of(token, client)),
        },
    )
    assert response.status_code == 403
    assert not StaffUser.objects.exists()


def test_the_admin_wants_the_second_factor_not_just_the_password(client: Client) -> None:
    from tipline.accounts.actions import create_staff

    create_staff(username="root", password=STRONG_PASSWORD, role="administrator", acting_user=None)
    assert client.login(username="root", password=STRONG_PASSWORD)
    response = client.get("/staff/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/staff/signin/")
    assert b"Staff sign-in" in response.content
