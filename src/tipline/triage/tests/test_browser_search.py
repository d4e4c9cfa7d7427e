"""Search in a real browser (Chromium, JavaScript off), in English and in Urdu: an analyst
signs in (the inbox hands the key to the background analyser, which writes the search
tokens), searches a word typed on another keyboard than the reporter's, sees the matching
row with its first words, and opens the report from its row. axe-core finds nothing."""

from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation
from playwright.sync_api import Page

from tipline.reports.tests.helpers import receipt_from, send_report
from tipline.testing.accessibility import assert_accessible
from tipline.testing.fixtures import STRONG_PASSWORD, DeskWithRecipient, totp_code
from tipline.triage.background import ANALYSER


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", "ur"])
def test_an_analyst_finds_a_report_by_a_word_and_opens_it_from_its_row(
    axe_page: Page, live_server: object, tmp_path: Path, settings: object, language: str
) -> None:
    page = axe_page
    settings.FILES_DIR = tmp_path / "files"  # type: ignore[attr-defined]
    base = str(live_server.url)  # type: ignore[attr-defined]
    setup = DeskWithRecipient()
    smuggling = setup.desk.categories.get(slug="smuggling")
    for description, report_language in (
        ("Stolen motorbikes are sold with fake plates behind the cinema.", "en"),
        # Typed on an Arabic keyboard (Arabic yeh and kaf).
        ("سفيد ٹرك رات كو پياز كے نيچے ہيروئن لے كر سرحد سے گزرا", "ur"),
        ("A white van waits at the north jetty on Tuesdays.", "en"),
    ):
        receipt_from(
            send_report(Client(), smuggling, language=report_language, description=description)
        )
    page.set_extra_http_headers({"Accept-Language": language})
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/staff/signin/")
    page.fill("input[name=username]", setup.analyst.username)
    page.fill("input[name=password]", STRONG_PASSWORD)
    page.click("button[type=submit]")
    page.fill("input[name=code]", totp_code(setup.device.key))
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/staff/desk/narcotics/")
    assert ANALYSER.wait_until_idle()

    with translation.override(language):
        label = str(translation.gettext("Search the reports' words"))
    if language != "en":
        assert label != "Search the reports' words"
    # Searched from an Urdu keyboard: Farsi yeh and keheh.
    page.get_by_label(label).fill("ٹرک کے نیچے")
    page.locator(".search-row button[type=submit]").click()
    rows = page.locator("table.inbox tbody tr")
    assert rows.count() == 1
    assert "ہيروئن" in rows.first.inner_text()  # the row's first words, as the reporter typed
    assert_accessible(page, f"inbox with a search ({language})")

    rows.first.locator("a").first.click()
    page.wait_for_url(f"{base}/staff/desk/narcotics/report/2/")
    assert_accessible(page, f"case opened from a search ({language})")
