"""`tipline totp SECRET` prints the code an authenticator app shows now, and sign-in takes it."""

import base64
import io
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from tipline.accounts.actions import create_staff
from tipline.testing.fixtures import STRONG_PASSWORD, totp_code

KEY_HEX = "3132333435363738393031323334353637383930"  # RFC 6238's test key
KEY_B32 = base64.b32encode(bytes.fromhex(KEY_HEX)).decode()


def code_for(*arguments: str, stdin: str = "") -> str:
    out = StringIO()
    if stdin:
        import sys

        real, sys.stdin = sys.stdin, io.StringIO(stdin)
        try:
            call_command("totp", *arguments, stdout=out, stderr=StringIO())
        finally:
            sys.stdin = real
    else:
        call_command("totp", *arguments, stdout=out, stderr=StringIO())
    return out.getvalue().strip()


@pytest.mark.parametrize(
    "secret",
    [
        KEY_B32,
        KEY_B32.lower(),
        " ".join(KEY_B32[i : i + 4] for i in range(0, len(KEY_B32), 4)),  # as the page shows it
        f"otpauth://totp/Tipline:alice?secret={KEY_B32}&algorithm=SHA1&digits=6&period=30",
    ],
)
def test_the_code_is_what_an_authenticator_app_shows(secret: str) -> None:
    printed = code_for(secret)
    assert len(printed) == 6 and printed.isdigit()
    # Either this step's or, when the 30 seconds turned between the two, the next one's.
    assert printed in {totp_code(KEY_HEX), totp_code(KEY_HEX, step_offset=-1)}


def test_the_secret_can_come_from_standard_input() -> None:
    assert code_for("-", stdin=KEY_B32 + "\n") in {
        totp_code(KEY_HEX),
        totp_code(KEY_HEX, step_offset=-1),
    }


@pytest.mark.parametrize(
    ("secret", "message"),
    [
        ("not a secret!", "not a TOTP secret"),
        ("ABCDEFGH", "too short"),
        ("ABC", "not a TOTP secret"),
        ("otpauth://totp/Tipline:alice?issuer=Tipline", "has no secret"),
        ("", "too short"),
    ],
)
def test_a_bad_secret_gets_a_clear_error(secret: str, message: str) -> None:
    with pytest.raises(CommandError, match=message):
        code_for(secret)


@pytest.mark.django_db
def test_sign_in_takes_the_printed_code() -> None:
    staff = create_staff(
        username="alice", password=STRONG_PASSWORD, role="analyst", acting_user=None
    )
    client = Client()
    client.post("/staff/signin/", {"username": "alice", "password": STRONG_PASSWORD})
    response = client.post("/staff/signin/code/", {"code": code_for(staff.totp_uri)})
    assert response.status_code == 302
    assert response["Location"] == "/staff/"
