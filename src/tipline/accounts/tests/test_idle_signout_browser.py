"""In Chromium with JavaScript off, in English and Urdu: an analyst writes a note, the
session ends while idle, and pressing "Add note" brings the sign-in page that says why and
that the note is kept; after signing in, the case page shows the note in its form, unsent.
axe-core finds nothing on either page."""

import time
from pathlib import Path

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from playwright.sync_api import Browser, Page

from tipline.reports.models import Note
from tipline.reports.tests.helpers import send_report
from tipline.testing.accessibility import assert_accessible_as_shown
from tipline.testing.fixtures import (
    STRONG_PASSWORD,
    DeskWithRecipient,
    no_script_phone,
    screenshot,
    unused_code,
)

NOTE = {"en": "Check the white van's plates", "ur": "سفید وین کی نمبر پلیٹ دیکھیں"}


def _sign_in(page: Page, setup: DeskWithRecipient) -> None:
    page.fill("#id_username", setup.analyst.username)
    page.fill("#id_password", STRONG_PASSWORD)
    page.click("button[type=submit]")
    page.fill("#id_code", unused_code(setup.device))
    page.click("button[type=submit]")


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", "ur"])
def test_a_note_written_while_the_session_went_idle_survives_sign_in(
    browser: Browser,
    axe_page: Page,
    live_server: object,
    tmp_path: Path,
    settings: object,
    language: str,
) -> None:
    settings.FILES_DIR = tmp_path / "files"  # type: ignore[attr-defined]
    base = str(live_server.url)  # type: ignore[attr-defined]
    setup = DeskWithRecipient()
    send_report(Client(), setup.desk.categories.get(slug="smuggling"), description="Boats")
    page = no_script_phone(browser, language)
    context = page.context
    page.goto(f"{base}/staff/signin/")
    _sign_in(page, setup)
    case = f"{base}/staff/desk/narcotics/report/1/"
    page.goto(case)
    page.fill("#id_note_text", NOTE[language])

    # Thirty-one minutes pass without a request.
    cookie = next(c for c in context.cookies() if c["name"] == "tipline_staff")
    session = SessionStore(session_key=cookie["value"])
    session["tipline.last_seen"] = int(time.time()) - 31 * 60
    session.save()
    page.locator("form:has(#id_note_text) button[type=submit]").click()

    assert "/staff/signin/?expired=idle" in page.url
    assert page.locator("#signed-out-idle").count() == 1
    assert page.locator("#unsent-kept").count() == 1
    assert page.locator("html").get_attribute("lang") == language
    assert_accessible_as_shown(page, axe_page, base, f"sign-in after an idle session ({language})")
    screenshot(page, f"staff-{language}-signed-out-idle")
    assert not Note.objects.exists()

    _sign_in(page, setup)
    # Back on the case at the notes (the form's address carries its section, and the
    # browser keeps it through the sign-in's redirects).
    assert page.url == case + "#notes"
    assert page.locator("#unsent-back").count() == 1
    assert page.input_value("#id_note_text") == NOTE[language]
    assert_accessible_as_shown(page, axe_page, base, f"case with the note back ({language})")
    page.locator("form:has(#id_note_text) button[type=submit]").click()
    assert Note.objects.count() == 1
