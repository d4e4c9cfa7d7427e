"""Signing in: two factors, forced enrolment, throttling without lockout, replay, expiry, sign-out,
and the private key kept for the session without ever being stored unwrapped."""

import base64
import re
import time

import pytest
from django.contrib.sessions.models import Session
from django.test import Client, RequestFactory

from tipline import vault
from tipline.accounts import signin
from tipline.accounts.actions import create_staff, revoke_staff
from tipline.accounts.models import StaffUser
from tipline.accounts.session_keys import KEY_COOKIE
from tipline.audit.models import AuditEvent
from tipline.testing.fixtures import STRONG_PASSWORD, DeskWithRecipient, sign_in, totp_code

pytestmark = pytest.mark.django_db


def test_first_sign_in_enrols_the_second_factor_then_lands_on_the_desk(
    client: Client, desk_with_recipient: DeskWithRecipient
) -> None:
    setup = desk_with_recipient
    assert not setup.device.confirmed
    client.post("/staff/signin/", {"username": setup.analyst.username, "password": STRONG_PASSWORD})
    page = client.get("/staff/signin/code/")
    assert "Set up your second factor" in page.content.decode() and "<svg" in page.content.decode()
    response = client.post("/staff/signin/code/", {"code": totp_code(setup.device.key)})
    assert response["Location"] == "/staff/"
    setup.device.refresh_from_db()
    assert setup.device.confirmed
    assert client.get("/staff/", follow=True).request["PATH_INFO"] == "/staff/desk/narcotics/"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"staff.second_factor_enrolled", "signin.succeeded"} <= actions


def test_password_alone_does_not_sign_in(
    client: Client, desk_with_recipient: DeskWithRecipient
) -> None:
    client.post("/staff/signin/", {"username": "analyst-narcotics", "password": STRONG_PASSWORD})
    assert client.get("/staff/desk/narcotics/")["Location"].startswith("/staff/signin/")


@pytest.mark.parametrize("username", ["analyst-narcotics", "nobody-at-all"])
def test_wrong_password_and_unknown_user_get_the_same_answer(
    client: Client, desk_with_recipient: DeskWithRecipient, username: str
) -> None:
    response = client.post("/staff/signin/", {"username": username, "password": "wrong password!!"})
    assert response.status_code == 400
    assert "Wrong username or password." in response.content.decode()
    assert AuditEvent.objects.filter(action="signin.password_failed").count() == 1


def test_wrong_passwords_slow_the_name_from_that_source_and_never_lock_it(
    client: Client, desk_with_recipient: DeskWithRecipient
) -> None:
    for _ in range(5):
        client.post(
            "/staff/signin/", {"username": "analyst-narcotics", "password": "wrong password!!"}
        )
    response = client.post(
        "/staff/signin/", {"username": "analyst-narcotics", "password": STRONG_PASSWORD}
    )
    assert response.status_code == 429 and 0 < int(response["Retry-After"]) <= 60
    assert "locked" not in response.content.decode()
    assert AuditEvent.objects.filter(action="signin.password_failed").count() == 5


def test_a_throttled_real_name_answers_as_a_throttled_unknown_name(
    desk_with_recipient: DeskWithRecipient,
) -> None:
    answers = []
    for name in ("analyst-narcotics", "nobody-at-all"):
        for _ in range(6):
            response = Client().post("/staff/signin/", {"username": name, "password": "wrong!!"})
        page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())
        answers.append((response.status_code, page.replace(name, "NAME")))
    assert answers[0] == answers[1]
    assert answers[0][0] == 429


def test_wrong_codes_slow_the_account_from_that_source(
    desk_with_recipient: DeskWithRecipient, rf: RequestFactory
) -> None:
    setup = desk_with_recipient
    sign_in(Client(), setup.analyst, setup.device)  # enrolled
    request = rf.post("/staff/signin/code/")
    request.client_bucket = "one source"  # type: ignore[attr-defined]
    for _ in range(5):
        assert signin.check_code(request, setup.analyst, "000000") is None
    with pytest.raises(signin.SignInThrottled) as throttled:
        signin.check_code(request, setup.analyst, "000000")
    assert 0 < throttled.value.retry_after <= 60
    assert AuditEvent.objects.filter(action="signin.code_failed").count() == 5


def test_a_code_cannot_be_replayed(desk_with_recipient: DeskWithRecipient) -> None:
    setup = desk_with_recipient
    sign_in(Client(), setup.analyst, setup.device)
    client = Client()
    client.post("/staff/signin/", {"username": setup.analyst.username, "password": STRONG_PASSWORD})
    response = client.post("/staff/signin/code/", {"code": totp_code(setup.device.key)})
    assert response.status_code == 400
    assert "used already" in response.content.decode()


def test_a_revoked_account_cannot_sign_in(
    client: Client, desk_with_recipient: DeskWithRecipient
) -> None:
    revoke_staff(desk_with_recipient.analyst, acting_user=None)
    response = client.post(
        "/staff/signin/", {"username": "analyst-narcotics", "password": STRONG_PASSWORD}
    )
    assert response.status_code == 400
    assert "Wrong username or password." in response.content.decode()


def test_sign_out_destroys_the_session_and_the_key(
    client: Client, desk_with_recipient: DeskWithRecipient
) -> None:
    sign_in(client, desk_with_recipient.analyst, desk_with_recipient.device)
    assert client.cookies[KEY_COOKIE].value
    response = client.post("/staff/signout/")
    assert response.cookies[KEY_COOKIE].value == ""
    assert not Session.objects.exists() or all(
        "tipline.sealed_private_key" not in s.get_decoded() for s in Session.objects.all()
    )
    assert client.get("/staff/desk/narcotics/")["Location"].startswith("/staff/signin/")
    assert AuditEvent.objects.filter(action="signout").exists()


def test_an_idle_session_ends(client: Client, desk_with_recipient: DeskWithRecipient) -> None:
    sign_in(client, desk_with_recipient.analyst, desk_with_recipient.device)
    session = client.session
    session["tipline.last_seen"] = int(time.time()) - 31 * 60
    session.save()
    response = client.get("/staff/desk/narcotics/")
    assert response["Location"] == "/staff/signin/?expired=idle&next=%2Fstaff%2Fdesk%2Fnarcotics%2F"


def test_a_session_ends_at_its_hard_limit_even_when_busy(
    client: Client, desk_with_recipient: DeskWithRecipient, settings: object
) -> None:
    sign_in(client, desk_with_recipient.analyst, desk_with_recipient.device)
    session = client.session
    session["tipline.signed_in_at"] = int(time.time()) - 9 * 3600
    session.save()
    location = client.get("/staff/desk/narcotics/")["Location"]
    assert location.startswith("/staff/signin/?expired=limit&")


@pytest.mark.django_db(transaction=True)
def test_no_unwrapped_key_in_the_session_store_or_database_while_signed_in(
    client: Client, files_dir: object
) -> None:
    """Guarantee 1 with a live session: the store holds only the sealed half."""
    from tipline.reports.tests.test_nothing_readable_at_rest import database_bytes

    setup = DeskWithRecipient()
    sign_in(client, setup.analyst, setup.device)
    raw = bytes(setup.private_key._key)
    forms = [
        raw,
        raw.hex().encode(),
        base64.b64encode(raw),
        base64.urlsafe_b64encode(raw).rstrip(b"="),
    ]
    stored = b"".join(
        repr(s.get_decoded()).encode() + s.session_data.encode() for s in Session.objects.all()
    )
    assert b"tipline.sealed_private_key" in stored
    at_rest = database_bytes()
    for form in forms:
        assert form not in stored
        assert form not in at_rest
    secret = client.cookies[KEY_COOKIE].value.encode()
    assert secret not in stored


def test_password_change_rewraps_and_old_reports_stay_readable(
    client: Client, desk_with_recipient: DeskWithRecipient
) -> None:
    setup = desk_with_recipient
    sign_in(client, setup.analyst, setup.device)
    sealed = vault.seal_report_key(
        report_key := vault.new_report_key(), bytes(setup.analyst.public_key)
    )
    new = "a different long passphrase"
    response = client.post(
        "/staff/password/",
        {"old_password": STRONG_PASSWORD, "new_password": new, "new_password_again": new},
    )
    assert response.status_code == 200 and "Password changed" in response.content.decode()
    user = StaffUser.objects.get(pk=setup.analyst.pk)
    assert (
        vault.open_sealed_report_key(sealed, vault.unlock_with_password(user.key_record, new))
        == report_key
    )
    assert user.check_password(new)
    assert AuditEvent.objects.filter(action="staff.password_changed").exists()


def test_password_change_needs_the_old_password(
    client: Client, desk_with_recipient: DeskWithRecipient
) -> None:
    sign_in(client, desk_with_recipient.analyst, desk_with_recipient.device)
    new = "a different long passphrase"
    response = client.post(
        "/staff/password/",
        {"old_password": "not it at all", "new_password": new, "new_password_again": new},
    )
    assert response.status_code == 400
    assert "not your current password" in response.content.decode()


def test_recovery_sets_a_new_password_and_issues_a_new_code() -> None:
    from tipline.desks.actions import create_desk

    desk = create_desk(slug="arms", name="Arms", acting_user=None)
    new_staff = create_staff(
        username="rahim", password=STRONG_PASSWORD, role="analyst", desks=[desk], acting_user=None
    )
    sealed = vault.seal_report_key(
        report_key := vault.new_report_key(), bytes(new_staff.user.public_key)
    )
    client = Client()
    new = "chosen after forgetting it"
    response = client.post(
        "/staff/recover/",
        {
            "username": "rahim",
            "recovery_code": new_staff.recovery_code.lower(),
            "code": totp_code(new_staff.device.key),
            "new_password": new,
            "new_password_again": new,
        },
    )
    assert response.status_code == 200, response.content.decode()[:2000]
    new_code = response.context["recovery_code"]
    assert new_code != new_staff.recovery_code
    user = StaffUser.objects.get(username="rahim")
    assert (
        vault.open_sealed_report_key(sealed, vault.unlock_with_password(user.key_record, new))
        == report_key
    )
    with pytest.raises(vault.DecryptionError):
        vault.unlock_with_recovery_code(user.key_record, new_staff.recovery_code)


def test_recovery_with_a_wrong_code_changes_nothing() -> None:
    from tipline.desks.actions import create_desk

    desk = create_desk(slug="arms", name="Arms", acting_user=None)
    new_staff = create_staff(
        username="rahim", password=STRONG_PASSWORD, role="analyst", desks=[desk], acting_user=None
    )
    other = vault.enrol_staff(STRONG_PASSWORD)
    before = bytes(StaffUser.objects.get(username="rahim").private_key_by_password)
    response = Client().post(
        "/staff/recover/",
        {
            "username": "rahim",
            "recovery_code": other.recovery_code,
            "code": totp_code(new_staff.device.key),
            "new_password": "chosen after forgetting it",
            "new_password_again": "chosen after forgetting it",
        },
    )
    assert response.status_code == 400
    assert bytes(StaffUser.objects.get(username="rahim").private_key_by_password) == before


def test_the_recovery_page_says_an_administrator_cannot_give_back_old_reports(
    client: Client,
) -> None:
    body = client.get("/staff/recover/").content.decode()
    assert "<strong>not</strong> your" in body and "old reports" in body


def test_someone_past_the_password_cannot_keep_guessing_codes(
    desk_with_recipient: DeskWithRecipient,
) -> None:
    """The per-account code throttle holds even when django-otp's own delay is cleared."""
    setup = desk_with_recipient
    sign_in(Client(), setup.analyst, setup.device)  # enrolled
    attacker = Client()
    attacker.post(
        "/staff/signin/", {"username": setup.analyst.username, "password": STRONG_PASSWORD}
    )
    for _ in range(5):
        attacker.post("/staff/signin/code/", {"code": "000000"})
    setup.device.refresh_from_db()
    setup.device.throttling_failure_count = 0  # leave only our throttle in the way
    setup.device.save()
    right = totp_code(setup.device.key, step_offset=1)
    response = attacker.post("/staff/signin/code/", {"code": right})
    assert response.status_code == 429 and int(response["Retry-After"]) <= 60
    assert attacker.get("/staff/desk/narcotics/")["Location"].startswith("/staff/signin/")
