"""Choosing reports in the inbox and exporting them works in a real browser with
JavaScript off: tick two rows, press the button, get one zip with a folder for each; the
page that refuses an empty choice passes axe."""

import zipfile
from pathlib import Path

import pytest
from django.test import Client
from playwright.sync_api import Page

from tipline.reports.tests.helpers import send_report
from tipline.testing.accessibility import assert_accessible_as_shown
from tipline.testing.fixtures import STRONG_PASSWORD, DeskWithRecipient, totp_code


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_an_analyst_exports_two_chosen_reports_without_javascript(
    page: Page, axe_page: Page, live_server: object, tmp_path: Path, settings: object
) -> None:
    settings.FILES_DIR = tmp_path / "files"  # type: ignore[attr-defined]
    base = str(live_server.url)  # type: ignore[attr-defined]
    setup = DeskWithRecipient()
    smuggling = setup.desk.categories.get(slug="smuggling")
    send_report(Client(), smuggling, language="ur", description="رات کو سرحد پر ایندھن کے ٹرک")
    send_report(Client(), smuggling, language="zh-hans", description="夜里有油罐车过境。")
    send_report(Client(), smuggling, description="Not chosen")

    page.goto(f"{base}/staff/signin/")
    page.fill("input[name=username]", setup.analyst.username)
    page.fill("input[name=password]", STRONG_PASSWORD)
    page.click("button[type=submit]")
    page.fill("input[name=code]", totp_code(setup.device.key))
    page.click("button[type=submit]")
    assert page.url.endswith("/staff/desk/narcotics/")

    # Pressing the button with nothing ticked says so, and exports nothing.
    page.click("button:has-text('Export the chosen reports')")
    assert "Choose at least one report to export." in page.content()
    assert_accessible_as_shown(page, axe_page, base, "export refused")
    page.go_back()

    page.check("input[aria-label='Choose report 1 for export']")
    page.check("input[aria-label='Choose report 2 for export']")
    with page.expect_download() as download_info:
        page.click("button:has-text('Export the chosen reports')")
    download = download_info.value
    assert download.suggested_filename == "narcotics-2-reports.zip"
    with zipfile.ZipFile(download.path()) as archive:
        assert sorted(archive.namelist()) == [
            "narcotics-1/summary.pdf",
            "narcotics-1/summary.txt",
            "narcotics-2/summary.pdf",
            "narcotics-2/summary.txt",
        ]
        assert "夜里有油罐车过境。" in archive.read("narcotics-2/summary.txt").decode()
