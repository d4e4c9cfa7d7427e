"""Security keys without a browser: who must use one, what a TOTP-only session may still
open, and the JSON endpoints' answers to requests that prove nothing."""

import re

import pytest
from django.test import Client

from tipline.accounts import security_keys
from tipline.accounts.actions import create_staff
from tipline.accounts.models import SignInPolicy
from tipline.testing.fixtures import STRONG_PASSWORD, DeskWithRecipient, sign_in

pytestmark = pytest.mark.django_db


def test_a_desk_or_the_policy_requires_keys_of_whom_it_names(
    desk_with_recipient: DeskWithRecipient,
) -> None:
    analyst = desk_with_recipient.analyst
    admin = create_staff(
        username="root", password=STRONG_PASSWORD, role="administrator", acting_user=None
    ).user
    assert not security_keys.key_required(analyst) and not security_keys.key_required(admin)
    desk_with_recipient.desk.staff_need_security_key = True
    desk_with_recipient.desk.save()
    assert security_keys.key_required(analyst) and not security_keys.key_required(admin)
    SignInPolicy.objects.create(administrators_need_security_key=True)
    assert security_keys.key_required(admin)


def test_a_totp_session_that_needs_a_key_may_only_add_one(
    client: Client, desk_with_recipient: DeskWithRecipient
) -> None:
    desk_with_recipient.desk.staff_need_security_key = True
    desk_with_recipient.desk.save()
    sign_in(client, desk_with_recipient.analyst, desk_with_recipient.device)
    for path in ("/staff/", "/staff/desk/narcotics/", "/staff/password/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == "/staff/security-keys/"
    page = client.get("/staff/security-keys/")
    assert page.status_code == 200
    assert "nothing else can be opened" in page.content.decode()
    assert client.post("/staff/signout/").status_code == 302


def test_key_endpoints_refuse_what_proves_nothing(
    client: Client, desk_with_recipient: DeskWithRecipient
) -> None:
    anonymous = Client()
    assert anonymous.post("/staff/security-keys/begin/").status_code == 403
    assert anonymous.post("/staff/signin/key/finish/", {"credential": "{}"}).status_code == 403
    sign_in(client, desk_with_recipient.analyst, desk_with_recipient.device)
    # No ceremony under way, then a malformed and a forged answer: all a clear 400.
    assert client.post("/staff/security-keys/finish/", {"credential": "{}"}).status_code == 400
    options = client.post("/staff/security-keys/begin/")
    assert options.status_code == 200 and options.json()["rp"]["id"] == "testserver"
    for credential in ["not json", '{"id": "x", "response": {}}', "[" * 5000]:
        response = client.post("/staff/security-keys/finish/", {"credential": credential})
        assert response.status_code == 400 and "could not be added" in response.json()["error"]
        client.post("/staff/security-keys/begin/")
    assert client.get("/staff/security-keys/begin/").status_code == 405
    assert client.post("/staff/security-keys/", {"remove": "nope"}).status_code == 400


def test_the_security_key_script_is_our_own_and_only_staff_pages_may_run_it(
    client: Client, desk_with_recipient: DeskWithRecipient
) -> None:
    sign_in(client, desk_with_recipient.analyst, desk_with_recipient.device)
    page = client.get("/staff/security-keys/")
    html = page.content.decode()
    # Its collected name carries a hash of its content (server/static_files.py).
    assert re.search(r'<script src="/static/accounts/webauthn\.[0-9a-f]{12}\.js" defer>', html)
    assert "script-src 'self'" in page["Content-Security-Policy"]
    reporter = Client().get("/en/receipt/")
    assert "script-src" not in reporter["Content-Security-Policy"]
    assert "default-src 'none'" in reporter["Content-Security-Policy"]
    assert "<script" not in reporter.content.decode()
