"""Every staff page in English, Urdu and Chinese, in Chromium at a phone width: axe-core
finds no WCAG 2.1 AA or best-practice violation, Urdu lays out right to left, reporter text
keeps its own language, and the wide tables scroll inside their own box.

A supervisor who receives the desk's reports walks the pages as a person would: the
recovery page and sign-in (language from Accept-Language), the second-factor enrolment,
the inbox with reports in three languages, a case with files, messages and notes, the
audit log, workload, settings and password change."""

from pathlib import Path

import pytest
from django.test import Client
from playwright.sync_api import Page

from tipline import vault
from tipline.accounts.actions import create_staff
from tipline.casework import actions as casework
from tipline.reports import conversation
from tipline.reports.receipts import Receipt
from tipline.reports.tests.helpers import receipt_from, send_report
from tipline.reports.tests.samples import jpeg_with_gps
from tipline.testing.accessibility import assert_accessible
from tipline.testing.fixtures import STRONG_PASSWORD, DeskWithRecipient, screenshot, totp_code

HEADINGS = {"en": "Staff sign-in", "ur": "عملے کا سائن ان", "zh-hans": "工作人员登录"}
NO_MESSAGE = {"en": "Internal notes", "ur": "اندرونی نوٹس", "zh-hans": "内部备注"}


def _a_desk_with_work(tmp_path: Path) -> tuple[DeskWithRecipient, object]:
    """A desk, a supervisor who receives it, and reports in three languages with a photo,
    a reply, a reporter's answer and a note, all made through the real actions."""
    setup = DeskWithRecipient()
    supervisor = create_staff(
        username="supervisor",
        password=STRONG_PASSWORD,
        role="supervisor",
        desks=[setup.desk],
        acting_user=None,
    )
    smuggling = setup.desk.categories.get(slug="smuggling")
    codes = [
        receipt_from(
            send_report(
                Client(),
                smuggling,
                description="Fuel trucks cross at night",
                files=[("truck.jpg", jpeg_with_gps())],
            )
        ),
        receipt_from(
            send_report(Client(), smuggling, language="ur", description="رات کو سرحد پر ٹرک")
        ),
        receipt_from(
            send_report(Client(), smuggling, language="zh-hans", description="码头夜里有船卸货")
        ),
    ]
    key = vault.unlock_with_password(supervisor.user.key_record, STRONG_PASSWORD)
    for code in codes:
        as_reporter = conversation.open_as_reporter(Receipt.read(code))
        assert as_reporter is not None
        opened = conversation.open_as_staff(as_reporter.report, supervisor.user, key)
        casework.reply(opened, supervisor.user, "Thank you. Which crossing?")
        conversation.add_reporter_message(as_reporter, text="The eastern one")
        casework.add_note(opened, supervisor.user, "Check the border camera logs")
    return setup, supervisor


def _check(page: Page, name: str, language: str) -> None:
    html = page.locator("html")
    assert html.get_attribute("lang") == language
    direction = "rtl" if language == "ur" else "ltr"
    assert html.get_attribute("dir") == direction
    assert page.evaluate("getComputedStyle(document.body).direction") == direction
    # Nothing runs off a phone's screen: wide tables scroll in their own box.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, name
    assert_accessible(page, f"{name} ({language})")


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", "ur", "zh-hans"])
def test_every_staff_page_is_accessible_in_every_staff_language(
    axe_page: Page, live_server: object, tmp_path: Path, settings: object, language: str
) -> None:
    settings.FILES_DIR = tmp_path / "files"  # type: ignore[attr-defined]
    base = str(live_server.url)  # type: ignore[attr-defined]
    _setup, supervisor = _a_desk_with_work(tmp_path)
    page = axe_page
    page.set_extra_http_headers({"Accept-Language": language})

    page.goto(f"{base}/staff/recover/")
    _check(page, "recovery", language)
    page.goto(f"{base}/staff/signin/")
    assert HEADINGS[language] in page.content()
    _check(page, "sign-in", language)
    page.fill("#id_username", "supervisor")
    page.fill("#id_password", STRONG_PASSWORD)
    page.click("button[type=submit]")
    assert page.locator(".qr svg").count() == 1  # enrolment on the first sign-in
    _check(page, "second-factor enrolment", language)
    screenshot(page, f"staff-{language}-enrolment")
    page.fill("#id_code", totp_code(supervisor.device.key))  # type: ignore[attr-defined]
    page.click("button[type=submit]")

    assert page.url.endswith("/staff/desk/narcotics/")
    assert page.locator("table.inbox tbody tr").count() == 3
    _check(page, "inbox", language)
    # The deadline column stays reachable: its box scrolls sideways.
    page.locator(".table-scroll").first.evaluate("box => { box.scrollLeft = -10000; }")
    page.locator(".table-scroll").first.evaluate("box => { box.scrollLeft = 10000; }")
    assert page.locator("table.inbox th").last.is_visible()
    screenshot(page, f"staff-{language}-inbox")

    page.goto(f"{base}/staff/desk/narcotics/report/3/")
    assert NO_MESSAGE[language] in page.content()
    chinese = page.locator(".reporter-text")
    assert chinese.get_attribute("lang") == "zh-hans" and chinese.inner_text() == "码头夜里有船卸货"
    _check(page, "case (Chinese report)", language)
    screenshot(page, f"staff-{language}-case")
    page.goto(f"{base}/staff/desk/narcotics/report/1/")
    assert page.locator("img.preview").count() == 1
    _check(page, "case with a photo", language)

    for name, path in [
        ("desks", "/staff/"),
        ("audit log", "/staff/audit/"),
        ("workload", "/staff/workload/"),
        ("settings", "/staff/settings/"),
        ("password change", "/staff/password/"),
    ]:
        page.goto(f"{base}{path}")
        _check(page, name, language)
    page.goto(f"{base}/staff/audit/")
    screenshot(page, f"staff-{language}-audit")
