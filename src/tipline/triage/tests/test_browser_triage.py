"""Triage in a real browser, in each staff language: an analyst signs in (the inbox starts
the background analysis), filters the inbox by the language of the text, opens a report in
Urdu, sees the earlier English report of the same event ranked first, marks the Urdu one
its duplicate; both cases show the link. The Urdu filter takes a tip typed in Latin letters
too, whose case says "Urdu (Latin letters)". axe-core finds nothing on the filtered inbox and
on the case page before and after linking; the panel's words are the catalogue's.
Screenshots of the triage panel."""

from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation
from playwright.sync_api import Page

from tipline.audit.models import AuditEvent
from tipline.reports.tests.helpers import receipt_from, send_report
from tipline.testing.accessibility import assert_accessible
from tipline.testing.fixtures import STRONG_PASSWORD, DeskWithRecipient, screenshot, totp_code
from tipline.triage import language as detected
from tipline.triage.background import ANALYSER
from tipline.triage.panel import KINDS


def _in(language: str, text: str) -> str:
    with translation.override(language):
        return str(translation.gettext(text))


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", "ur", "zh-hans"])
def test_an_analyst_marks_a_duplicate_across_languages_in_the_browser(
    axe_page: Page, live_server: object, tmp_path: Path, settings: object, language: str
) -> None:
    page = axe_page
    settings.FILES_DIR = tmp_path / "files"  # type: ignore[attr-defined]
    base = str(live_server.url)  # type: ignore[attr-defined]
    setup = DeskWithRecipient()
    smuggling = setup.desk.categories.get(slug="smuggling")
    for description in (
        "A white truck crossed the Torkham border at 2 am carrying heroin under onions.",
        "Stolen motorbikes are sold with fake plates behind the cinema.",
    ):
        receipt_from(send_report(Client(), smuggling, description=description))
    receipt_from(
        send_report(
            Client(),
            smuggling,
            language="ur",
            description="رات دو بجے سفید ٹرک پیاز کے نیچے ہیروئن لے کر طورخم سرحد سے گزرا۔",
        )
    )
    # Urdu typed in Latin letters with English words, as most tips from a phone come.
    receipt_from(
        send_report(
            Client(),
            smuggling,
            description="bhai ye smuggling ka maal hai, har raat truck border se guzarta hai",
        )
    )
    page.set_extra_http_headers({"Accept-Language": language})
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/staff/signin/")
    page.fill("input[name=username]", setup.analyst.username)
    page.fill("input[name=password]", STRONG_PASSWORD)
    page.click("button[type=submit]")
    page.fill("input[name=code]", totp_code(setup.device.key))
    page.click("button[type=submit]")
    # Signing in lands on the inbox, which hands the session's key to the background analyser.
    page.wait_for_url(f"{base}/staff/desk/narcotics/")
    assert ANALYSER.wait_until_idle()

    # The inbox filter by the language of the text, its choices in the staff language.
    choice = page.locator("select[name=text_language] option[value=ur]")
    with translation.override(language):
        assert choice.inner_text() == str(detected.NAMED["ur"])
    page.select_option("select[name=text_language]", "ur")
    page.locator("form.filters button[type=submit]").last.click()  # the Filter button
    assert page.locator("table.inbox tbody tr").count() == 2  # in both scripts
    assert_accessible(page, f"inbox filtered by the language of the text ({language})")

    page.goto(f"{base}/staff/desk/narcotics/report/3/")
    panel = page.locator("section.triage")
    assert _in(language, "Related earlier reports") in panel.inner_text()
    with translation.override(language):
        urdu, roman_urdu = detected.label("ur"), detected.label(detected.ROMAN_URDU)
    assert urdu in panel.inner_text()
    first_row = panel.locator("tbody tr").first
    assert "#1" in first_row.inner_text()
    screenshot(page, f"triage-case-ur-{language}")
    assert_accessible(page, f"case with related reports ({language})")

    first_row.locator("button[value=duplicate_of]").click()
    with translation.override(language):
        duplicate_of, has_duplicate = str(KINDS["duplicate_of"]), str(KINDS["has_duplicate"])
    assert duplicate_of in page.locator("section.triage").inner_text()
    assert_accessible(page, f"case with a link ({language})")
    page.goto(f"{base}/staff/desk/narcotics/report/1/")
    assert has_duplicate in page.locator("section.triage").inner_text()
    screenshot(page, f"triage-case-en-linked-{language}")
    assert AuditEvent.objects.filter(action="triage.linked").count() == 2
    page.goto(f"{base}/staff/desk/narcotics/report/4/")
    assert roman_urdu in page.locator("section.triage").inner_text()
    assert_accessible(page, f"case in Urdu in Latin letters ({language})")
    if language != "en":  # the catalogue really answered
        assert _in(language, "Related earlier reports") != "Related earlier reports"
