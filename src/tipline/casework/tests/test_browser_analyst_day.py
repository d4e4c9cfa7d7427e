"""An analyst's first day, whole, in Chromium on a phone with JavaScript off, in English and
Urdu: the first administrator opens the link `tipline bootstrap` printed, creates a desk
from the page that says what to do next and invites an analyst; the analyst sets their own
password and second factor from the link; a reporter writes in; the analyst finds the
report by a word, opens it from its row, assigns it to themselves without scrolling,
replies and sees the confirmation where they replied. axe-core finds nothing on the pages
the day adds, and the administrator's pages never show the analyst's secrets."""

import base64
from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation
from playwright.sync_api import Browser, Page

from tipline.accounts.actions import invite_first_administrator
from tipline.accounts.models import StaffUser
from tipline.desks.models import Desk
from tipline.reports.models import Message
from tipline.reports.tests.helpers import receipt_from, send_report
from tipline.testing.accessibility import assert_accessible_as_shown
from tipline.testing.fixtures import accept_invitation, no_script_phone
from tipline.triage.background import ANALYSER

ADMIN_PASSWORD = "the administrator's own long passphrase"
ANALYST_PASSWORD = "a passphrase only the analyst knows"


def _in(language: str, text: str, **values: str) -> str:
    with translation.override(language):
        return str(translation.gettext(text)) % values if values else translation.gettext(text)


def _in_first_screenful(page: Page, selector: str) -> None:
    box = page.locator(selector).first.bounding_box()
    height = page.viewport_size["height"]  # type: ignore[index]
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height, selector


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", "ur"])
def test_an_analysts_first_day_from_the_invitation_to_the_reply(
    browser: Browser,
    axe_page: Page,
    live_server: object,
    tmp_path: Path,
    settings: object,
    language: str,
) -> None:
    settings.FILES_DIR = tmp_path / "files"  # type: ignore[attr-defined]
    base = str(live_server.url)  # type: ignore[attr-defined]

    admin = no_script_phone(browser, language)
    accept_invitation(
        admin, f"{base}/staff/invitation/{invite_first_administrator()}/", ADMIN_PASSWORD
    )
    admin.locator("a.button").click()  # "I have written it down: continue"
    admin.click("#next-steps a[href='/staff/admin/desks/desk/add/']")
    admin.fill("#id_name", "Border desk")
    admin.fill("#id_slug", "border")
    admin.fill("#id_languages", '["en", "ur"]')
    admin.click("input[name=_save]")
    desk = Desk.objects.get(slug="border")
    admin.goto(f"{base}/staff/")
    admin.click("nav.staff-nav a[href='/staff/invitations/']")
    admin.click("a[href='/staff/invitations/new/']")
    admin.fill("#id_username", "amina")
    admin.select_option("#id_role", "analyst")
    admin.check(f"input[name=desks][value='{desk.pk}']")
    admin.click("form.panel button[type=submit]")
    link = admin.locator("#invitation-link").inner_text().strip()

    analyst = no_script_phone(browser, language)
    recovery, key_hex = accept_invitation(analyst, link, ANALYST_PASSWORD)
    analyst.locator("a.button").click()
    inbox = f"{base}/staff/desk/border/"
    assert analyst.url == inbox
    amina = StaffUser.objects.get(username="amina")

    # A reporter writes in after Amina joined: the report is sealed to her key.
    smuggling = desk.categories.get(slug="smuggling")
    receipt_from(
        send_report(
            Client(), smuggling, description="Fuel crosses the river at night in a white van."
        )
    )
    receipt_from(send_report(Client(), smuggling, description="Cigarettes go by the old road."))
    analyst.goto(inbox)  # the inbox hands her key to the analyser, which writes the tokens
    assert ANALYSER.wait_until_idle()

    analyst.get_by_label(_in(language, "Search the reports' words")).fill("van")
    analyst.locator(".search-row button[type=submit]").click()
    rows = analyst.locator("table.inbox tbody tr")
    assert rows.count() == 1
    assert "white van" in rows.first.inner_text()  # the row says what it is about
    assert_accessible_as_shown(analyst, axe_page, base, f"inbox with a search ({language})")
    rows.first.locator("a").first.click()
    assert analyst.url == f"{inbox}report/1/"

    # The handling controls are in the first screenful of a phone: no scrolling to assign.
    _in_first_screenful(analyst, "form.assign select[name=assignee]")
    _in_first_screenful(analyst, "form.assign button")
    analyst.select_option("form.assign select[name=assignee]", str(amina.pk))
    analyst.locator("form.assign button").click()
    assert analyst.url.endswith("#handling")
    assert analyst.locator("#handling [role=status]").inner_text() == _in(
        language, "Assigned to %(name)s.", name="amina"
    )

    analyst.fill("#reply textarea[name=text]", "Thank you. Which crossing, and what time?")
    analyst.locator("#reply button[type=submit]").click()
    assert analyst.url.endswith("#reply")
    assert analyst.locator("#reply [role=status]").inner_text() == _in(language, "Reply sent.")
    assert_accessible_as_shown(analyst, axe_page, base, f"case after a reply ({language})")
    assert Message.objects.filter(report__desk=desk, author=amina).count() == 1

    # Nothing the administrator can open shows what only Amina should know.
    seen = ""
    for path in (
        "/staff/invitations/",
        "/staff/audit/",
        f"/staff/admin/accounts/staffuser/{amina.pk}/change/",
    ):
        admin.goto(f"{base}{path}")
        seen += admin.content()
    assert "amina" in seen
    key_b32 = base64.b32encode(bytes.fromhex(key_hex)).decode().rstrip("=")
    for secret in (ANALYST_PASSWORD, recovery, key_hex, key_b32[:8]):
        assert secret not in seen
