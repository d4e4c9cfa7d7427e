"""A file from the desk, fetched by the reporter in a real browser with JavaScript off:
receipt, the reply with its file, a download (saved, never shown inline)."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from playwright.sync_api import Page

from tipline.reports.tests.helpers import receipt_from, send_report
from tipline.reports.tests.samples import AUTHOR, pdf_with_author
from tipline.testing.fixtures import DeskWithRecipient, screenshot, sign_in


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", "ur"])
def test_reporter_downloads_the_desks_file_without_javascript(
    page: Page, live_server: object, tmp_path: Path, settings: object, language: str
) -> None:
    settings.FILES_DIR = tmp_path / "files"  # type: ignore[attr-defined]
    base = str(live_server.url)  # type: ignore[attr-defined]
    setup = DeskWithRecipient()
    category = setup.desk.categories.get(slug="drug-trafficking")
    code = receipt_from(send_report(Client(), category, language=language))
    analyst = Client()
    sign_in(analyst, setup.analyst, setup.device)
    reply = analyst.post(
        "/staff/desk/narcotics/report/1/reply/",
        {
            "text": "Is this the pier? Mark it on the map.",
            "attachments": [SimpleUploadedFile("pier map.pdf", pdf_with_author())],
        },
    )
    assert reply.status_code == 302

    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{base}/{language}/receipt/")
    page.fill("input[name=receipt]", code)
    page.press("input[name=receipt]", "Enter")
    assert "Is this the pier?" in page.content()
    assert page.locator("text=pier map.pdf").count() == 1
    screenshot(page, f"{language}-file-from-desk")
    with page.expect_download() as waiting:
        page.click("form[action$='/receipt/file/'] button")
    download = waiting.value
    assert download.suggested_filename == "pier map.pdf"
    saved = tmp_path / "saved.pdf"
    download.save_as(saved)
    data = saved.read_bytes()
    assert data.startswith(b"%PDF-") and AUTHOR.encode() not in data
    # Still on the report page: the file was saved, not opened in the page.
    assert "Is this the pier?" in page.content()
    assert [url for url in requests if not url.startswith(base)] == []
