"""docs/sharing.md in a real browser (JavaScript off), between two desks of one
installation: an administrator lets a desk accept shares and sees the card's fingerprint
and QR code; an analyst shares a report with a photo from its case, redacting the text; the
other desk's analyst finds it marked "shared by" and reports an outcome; the sender sees it
"through partner". Screenshots of the partners page, the share form and both cases."""

from pathlib import Path

import pytest
from django.test import Client
from playwright.sync_api import Browser, Page

from tipline.accounts.actions import create_staff
from tipline.reports.tests.helpers import send_report
from tipline.reports.tests.samples import jpeg_with_gps
from tipline.testing.fixtures import STRONG_PASSWORD, DeskWithRecipient, screenshot, totp_code


def sign_in(page: Page, base: str, username: str, device_key: str) -> None:
    page.goto(f"{base}/staff/signin/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", STRONG_PASSWORD)
    page.click("button[type=submit]")
    page.fill("input[name=code]", totp_code(device_key))
    page.click("button[type=submit]")


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_desks_share_a_report_in_the_browser(
    browser: Browser, live_server: object, tmp_path: Path, settings: object
) -> None:
    settings.FILES_DIR = tmp_path / "files"  # type: ignore[attr-defined]
    base = str(live_server.url)  # type: ignore[attr-defined]
    sender = DeskWithRecipient("narcotics")
    receiver = DeskWithRecipient("customs")
    admin = create_staff(
        username="admin",
        password=STRONG_PASSWORD,
        role="administrator",
        desks=[],
        acting_user=None,
    )
    send_report(
        Client(),
        sender.desk.categories.get(slug="smuggling"),
        description="Fuel trucks cross at night near the old mill",
        files=[("truck.jpg", jpeg_with_gps())],
    )

    page = browser.new_context(java_script_enabled=False).new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, base, "admin", admin.device.key)
    page.goto(f"{base}/staff/sharing/partners/")
    assert page.locator(".fingerprint strong").inner_text().count(" ") == 7
    assert page.locator(".qr svg").count() == 1
    page.check("#id_customs_accepts_shares")
    page.locator("form:has(#id_customs_accepts_shares) button").click()
    assert page.locator("#id_customs_accepts_shares").is_checked()
    screenshot(page, "sharing-partners")

    page = sender_page = browser.new_context(java_script_enabled=False).new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, base, sender.analyst.username, sender.device.key)
    page.goto(f"{base}/staff/desk/narcotics/report/1/")
    page.click("a:has-text('Share this report')")
    page.select_option("select[name=target]", "local:customs")
    page.fill("textarea[name=description]", "Fuel trucks cross at night near [place removed]")
    page.check("input[name=files]")
    page.fill("textarea[name=cover_note]", "Your side of the border")
    screenshot(page, "sharing-form")
    page.click("button:has-text('Send')")
    assert "/report/1/" in page.url

    page = browser.new_context(java_script_enabled=False).new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, base, receiver.analyst.username, receiver.device.key)
    for _ in range(50):  # the in-process job delivers it right after the commit
        page.goto(f"{base}/staff/desk/customs/")
        if page.locator("table.inbox tbody tr").count() == 1:
            break
        page.wait_for_timeout(200)
    page.goto(f"{base}/staff/desk/customs/report/1/")
    content = page.content()
    assert "Shared by" in content and "[place removed]" in content and "old mill" not in content
    assert "photo-1.jpg" in content and "Your side of the border" in content
    page.select_option("select[name=outcome_kind]", "seizure")
    page.fill("input[name=outcome_count]", "2")
    page.fill("#id_back_text", "Two trucks stopped")
    page.click("form[action*='/back/'] button")
    screenshot(page, "sharing-received-case")

    page = sender_page  # still signed in (a second sign-in could reuse the same TOTP code)
    for _ in range(50):
        page.goto(f"{base}/staff/desk/narcotics/report/1/")
        if "through partner" in page.content():
            break
        page.wait_for_timeout(200)
    assert "Seizures: 2 (through partner)" in page.content()
    assert "Two trucks stopped" in page.content()
    screenshot(page, "sharing-sender-case")
