"""The first day of an installation in Chromium with JavaScript off, in English and Urdu:
the first administrator opens the link `tipline bootstrap` printed, lands on a page that
says what to do next, creates a desk from it, invites an analyst from the staff pages; the
analyst opens the link, chooses a password, enrols the authenticator, gets the recovery
code, signs out and signs in. axe-core finds nothing on the pages this adds, and the
administrator's pages never show the analyst's password, key or recovery code."""

import base64
from pathlib import Path

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, Page

from tipline.accounts.actions import invite_first_administrator
from tipline.accounts.models import StaffUser
from tipline.desks.models import Desk, Membership
from tipline.testing.accessibility import assert_accessible_as_shown
from tipline.testing.fixtures import accept_invitation, no_script_phone, screenshot, unused_code

ADMIN_PASSWORD = "admin's own long passphrase"
ANALYST_PASSWORD = "the analyst chose this one"
NEXT_STEPS = {"en": "What to do next", "ur": "آگے کیا کریں"}


def _accessible(page: Page, axe_page: Page, base: str, name: str, language: str) -> None:
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ur" else "ltr")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, name
    assert_accessible_as_shown(page, axe_page, base, f"{name} ({language})")


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", "ur"])
def test_the_first_administrator_invites_an_analyst_who_signs_in(
    browser: Browser,
    axe_page: Page,
    live_server: object,
    tmp_path: Path,
    settings: object,
    language: str,
) -> None:
    settings.FILES_DIR = tmp_path / "files"  # type: ignore[attr-defined]
    base = str(live_server.url)  # type: ignore[attr-defined]
    token = invite_first_administrator()
    assert token
    admin = no_script_phone(browser, language)
    accept_invitation(admin, f"{base}/staff/invitation/{token}/", ADMIN_PASSWORD)
    admin.locator("a.button").click()  # "I have written it down: continue"
    assert admin.url == f"{base}/staff/"
    assert NEXT_STEPS[language] in admin.content()
    _accessible(admin, axe_page, base, "next steps", language)
    screenshot(admin, f"staff-{language}-next-steps")

    admin.click("#next-steps a[href='/staff/admin/desks/desk/add/']")
    admin.fill("#id_name", "Narcotics desk")
    admin.fill("#id_slug", "narcotics")
    admin.fill("#id_languages", '["en", "ur"]')
    admin.click("input[name=_save]")
    desk = Desk.objects.get(slug="narcotics")
    assert desk.categories.exists()

    admin.goto(f"{base}/staff/")
    admin.click("nav.staff-nav a[href='/staff/invitations/']")
    _accessible(admin, axe_page, base, "invitations", language)
    admin.click("a[href='/staff/invitations/new/']")
    _accessible(admin, axe_page, base, "new invitation", language)
    admin.fill("#id_username", "bilal")
    admin.select_option("#id_role", "analyst")
    admin.check(f"input[name=desks][value='{desk.pk}']")
    admin.click("form.panel button[type=submit]")
    link = admin.locator("#invitation-link").inner_text().strip()
    assert link.startswith(f"{base}/staff/invitation/")
    _accessible(admin, axe_page, base, "invitation link", language)
    screenshot(admin, f"staff-{language}-invitation-link")

    analyst = no_script_phone(browser, language)
    analyst.goto(link)
    assert "Narcotics desk" in analyst.content()
    _accessible(analyst, axe_page, base, "accepting an invitation", language)
    recovery_code, analyst_key = accept_invitation(analyst, link, ANALYST_PASSWORD)
    user = StaffUser.objects.get(username="bilal")
    assert Membership.objects.get(staff=user, desk=desk).receives_reports

    analyst.locator("a.button").click()  # "I have written it down: continue"
    assert analyst.url == f"{base}/staff/desk/narcotics/"  # their one desk's inbox
    analyst.click("nav.staff-nav form button")  # sign out
    analyst.fill("#id_username", "bilal")
    analyst.fill("#id_password", ANALYST_PASSWORD)
    analyst.click("button[type=submit]")
    analyst.fill("#id_code", unused_code(TOTPDevice.objects.get(user=user)))
    analyst.click("button[type=submit]")
    assert analyst.url == f"{base}/staff/desk/narcotics/"

    admin.goto(f"{base}/staff/invitations/")
    seen = admin.content()
    for path in ("/staff/audit/", f"/staff/admin/accounts/staffuser/{user.pk}/change/"):
        admin.goto(f"{base}{path}")
        seen += admin.content()
    assert "bilal" in seen
    analyst_b32 = base64.b32encode(bytes.fromhex(analyst_key)).decode().rstrip("=")
    for secret in (ANALYST_PASSWORD, recovery_code.strip(), analyst_key, analyst_b32[:8]):
        assert secret not in seen
