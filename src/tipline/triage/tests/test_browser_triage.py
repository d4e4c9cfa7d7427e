"""Triage in a real browser: an analyst signs in (the inbox starts the background analysis),
opens a report in Urdu, sees the earlier English report of the same event ranked first,
marks the Urdu one its duplicate; both cases show the link. Screenshot of the case view's
triage panel; axe-core on the page."""

from pathlib import Path

import pytest
from django.test import Client
from playwright.sync_api import Page

from tipline.audit.models import AuditEvent
from tipline.intake.tests.helpers import receipt_from, send_report
from tipline.testing.accessibility import accessibility_problems
from tipline.testing.fixtures import STRONG_PASSWORD, DeskWithRecipient, screenshot, totp_code
from tipline.triage.background import ANALYSER


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_an_analyst_marks_a_duplicate_across_languages_in_the_browser(
    axe_page: Page, live_server: object, tmp_path: Path, settings: object
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
    page.goto(f"{base}/staff/desk/narcotics/report/3/")
    panel = page.locator("section.triage")
    assert "ur" in panel.inner_text()
    first_row = panel.locator("tbody tr").first
    assert "#1" in first_row.inner_text()
    screenshot(page, "triage-case-ur")
    problems = [p for p in accessibility_problems(page) if "triage" in p or "kind" in p]
    assert not problems, problems

    first_row.get_by_role("button", name="Mark this report a duplicate of #1").click()
    assert "duplicate of" in page.locator("section.triage").inner_text()
    page.goto(f"{base}/staff/desk/narcotics/report/1/")
    assert "has duplicate" in page.locator("section.triage").inner_text()
    screenshot(page, "triage-case-en-linked")
    assert AuditEvent.objects.filter(action="triage.linked").count() == 2
