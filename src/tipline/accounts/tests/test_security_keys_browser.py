"""Security keys in Chromium with a virtual authenticator (the DevTools WebAuthn domain
through Playwright's CDP session): register, sign in, a cloned key (its signature counter
went back) and a wrong key (same id, another private key) refused, removal; without
JavaScript the sign-in page says a key needs it and TOTP still works; a desk that requires
keys refuses TOTP alone."""

import base64
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from playwright.sync_api import Browser, Page

from tipline.accounts.actions import create_staff
from tipline.accounts.models import SecurityKey
from tipline.accounts.tests.test_security_changes_are_told import told
from tipline.audit.models import AuditEvent
from tipline.notifications.tests.test_notifications import Inbox, smtp  # noqa: F401 - fixture
from tipline.testing.fixtures import (
    STRONG_PASSWORD,
    DeskWithRecipient,
    screenshot,
    totp_code,
    unused_code,
)

AUTHENTICATOR = {
    "protocol": "ctap2",
    "transport": "usb",
    "hasResidentKey": True,
    "hasUserVerification": True,
    "isUserVerified": True,
}


def password_step(page: Page, base: str, setup: DeskWithRecipient) -> None:
    page.goto(f"{base}/staff/signin/")
    page.fill("input[name=username]", setup.analyst.username)
    page.fill("input[name=password]", STRONG_PASSWORD)
    page.click("button[type=submit]")


def sign_out(page: Page) -> None:
    page.click("button:has-text('Sign out')")
    page.wait_for_url("**/staff/signin/")


def replace_credential(cdp: Any, authenticator: str, **changes: object) -> None:
    (credential,) = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})[
        "credentials"
    ]
    cdp.send(
        "WebAuthn.removeCredential",
        {"authenticatorId": authenticator, "credentialId": credential["credentialId"]},
    )
    cdp.send(
        "WebAuthn.addCredential",
        {"authenticatorId": authenticator, "credential": {**credential, **changes}},
    )


def another_private_key() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return base64.b64encode(der).decode()


def key_refused(page: Page) -> None:
    page.click("button:has-text('Use my security key')")
    error = page.locator(".js-security-key-error")
    error.wait_for(state="visible")
    assert "not accepted" in error.inner_text()
    assert "/staff/signin/code/" in page.url


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_register_sign_in_clone_wrong_key_and_removal(
    browser: Browser,
    live_server: object,
    tmp_path: Path,
    settings: object,
    smtp: Inbox,  # noqa: F811 - the fixture imported above
) -> None:
    settings.FILES_DIR = tmp_path / "files"  # type: ignore[attr-defined]
    base = str(live_server.url)  # type: ignore[attr-defined]
    setup = DeskWithRecipient()
    setup.analyst.email = "analyst@agency.example"
    setup.analyst.save()
    create_staff(
        username="ada",
        password=STRONG_PASSWORD,
        role="administrator",
        email="ada@agency.example",
        acting_user=None,
    )
    context = browser.new_context(java_script_enabled=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    authenticator = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": AUTHENTICATOR})[
        "authenticatorId"
    ]

    # Enrol TOTP on the first sign-in, then register a key.
    password_step(page, base, setup)
    page.fill("input[name=code]", totp_code(setup.device.key))
    page.click("button[type=submit]")
    page.wait_for_url("**/staff/desk/narcotics/")
    page.goto(f"{base}/staff/security-keys/")
    assert "No security key yet." in page.content()
    # JavaScript is on: the page does not say it is needed.
    assert not page.get_by_text("Adding a key needs JavaScript").is_visible()
    page.fill("#key-name", "blue key")
    page.click("button:has-text('Add a security key')")
    page.locator("ul.keys li").wait_for()
    assert "blue key" in page.inner_text("ul.keys")
    screenshot(page, "security-keys-registered")
    key = SecurityKey.objects.get(user=setup.analyst)
    assert key.name == "blue key" and key.confirmed
    assert AuditEvent.objects.filter(action="staff.security_key_added").count() == 1
    # The holder and the administrator are told: a phished password and code cannot
    # quietly enrol someone else's key.
    added = "A security key (blue key) was added to the account analyst-narcotics."
    assert told(smtp, added) == ["ada@agency.example", "analyst@agency.example"]

    # Sign in with the key instead of a code.
    sign_out(page)
    password_step(page, base, setup)
    screenshot(page, "security-keys-signin")
    page.click("button:has-text('Use my security key')")
    page.wait_for_url("**/staff/desk/narcotics/")
    key.refresh_from_db()
    counter_after_sign_in = key.sign_count
    assert counter_after_sign_in >= 1 and key.last_used_at is not None
    assert AuditEvent.objects.filter(
        action="signin.succeeded", detail__factor="security_key"
    ).exists()

    # A clone: the same key whose counter is behind. Refused.
    sign_out(page)
    replace_credential(cdp, authenticator, signCount=0)
    password_step(page, base, setup)
    key_refused(page)
    assert AuditEvent.objects.filter(action="signin.security_key_cloned").count() == 1
    key.refresh_from_db()
    assert key.sign_count == counter_after_sign_in  # the counter did not go back

    # A wrong key: the right credential id, another private key. Refused.
    replace_credential(
        cdp, authenticator, signCount=counter_after_sign_in + 10, privateKey=another_private_key()
    )
    page.goto(f"{base}/staff/signin/code/")
    key_refused(page)
    assert AuditEvent.objects.filter(action="signin.security_key_failed").count() == 1

    # Without JavaScript the page says a key needs it, and a TOTP code still works.
    quiet = browser.new_context(java_script_enabled=False)
    plain = quiet.new_page()
    password_step(plain, base, setup)
    assert "needs JavaScript" in plain.content()
    assert not plain.locator("button:has-text('Use my security key')").is_visible()
    screenshot(plain, "security-keys-signin-no-javascript")
    plain.fill("input[name=code]", unused_code(setup.device))
    plain.click("button[type=submit]")
    assert plain.url.endswith("/staff/desk/narcotics/")
    plain.goto(f"{base}/staff/security-keys/")
    assert plain.get_by_text("Adding a key needs JavaScript").is_visible()

    # A desk that requires security keys: a code alone is refused.
    setup.desk.staff_need_security_key = True
    setup.desk.save()
    plain.click("button:has-text('Sign out')")
    password_step(plain, base, setup)
    assert "must use its security key" in plain.content()
    plain.fill("input[name=code]", unused_code(setup.device))
    plain.click("button[type=submit]")
    assert "/staff/signin/code/" in plain.url
    quiet.close()
    setup.desk.staff_need_security_key = False
    setup.desk.save()

    # Removal (a plain form): the key is gone, and sign-in offers only the code.
    password_step(page, base, setup)
    page.fill("input[name=code]", unused_code(setup.device))
    page.click("button[type=submit]")
    page.wait_for_url("**/staff/desk/narcotics/")
    page.goto(f"{base}/staff/security-keys/")
    page.click("button:has-text('Remove')")
    page.wait_for_url("**/staff/security-keys/")
    assert "No security key yet." in page.content()
    assert not SecurityKey.objects.filter(user=setup.analyst).exists()
    assert AuditEvent.objects.filter(action="staff.security_key_removed").count() == 1
    sign_out(page)
    password_step(page, base, setup)
    assert page.locator("#security-key-signin").count() == 0
    page.goto("about:blank")
    context.close()
