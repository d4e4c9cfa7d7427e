"""The case desk end to end in a real browser (JavaScript off): a report arrives; an analyst
enrols the second factor, signs in, finds it with a filter, opens it, downloads the
attachment, writes a note, replies; the reporter reads the reply with the receipt.
Screenshots of inbox and case view, for a report in English and one in Urdu."""

import io
from pathlib import Path

import pytest
from django.test import Client
from PIL import Image
from playwright.sync_api import Page

from tipline.reports import conversation
from tipline.reports.models import Note
from tipline.reports.receipts import Receipt
from tipline.reports.tests.helpers import receipt_from, send_report
from tipline.reports.tests.samples import jpeg_with_gps
from tipline.testing.fixtures import STRONG_PASSWORD, DeskWithRecipient, screenshot, totp_code


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_an_analyst_works_a_report_in_the_browser(
    page: Page, live_server: object, tmp_path: Path, settings: object
) -> None:
    settings.FILES_DIR = tmp_path / "files"  # type: ignore[attr-defined]
    base = str(live_server.url)  # type: ignore[attr-defined]
    setup = DeskWithRecipient()
    smuggling = setup.desk.categories.get(slug="smuggling")
    english_code = receipt_from(
        send_report(
            Client(),
            smuggling,
            description="Fuel trucks cross at night",
            files=[("truck.jpg", jpeg_with_gps())],
        )
    )
    urdu_code = receipt_from(
        send_report(Client(), smuggling, language="ur", description="رات کو سرحد پر ایندھن کے ٹرک")
    )

    page.set_viewport_size({"width": 1280, "height": 900})  # staff work at a desk
    page.goto(f"{base}/staff/signin/")
    page.fill("input[name=username]", setup.analyst.username)
    page.fill("input[name=password]", STRONG_PASSWORD)
    page.click("button[type=submit]")
    assert "Set up your second factor" in page.content()  # forced on first sign-in
    assert page.locator(".qr svg").count() == 1
    page.fill("input[name=code]", totp_code(setup.device.key))
    page.click("button[type=submit]")
    assert page.url.endswith("/staff/desk/narcotics/")
    assert page.locator("table.inbox tbody tr").count() == 2
    screenshot(page, "desk-en-inbox")

    page.select_option("select[name=language]", "en")
    page.click("button:has-text('Filter')")
    assert page.locator("table.inbox tbody tr").count() == 1
    page.click("table.inbox a[href$='/report/1/']")
    assert "Fuel trucks cross at night" in page.content()
    screenshot(page, "desk-en-case")

    with page.expect_download() as download_info:
        page.click("a:has-text('photo-1.jpg')")
    downloaded = Path(download_info.value.path()).read_bytes()
    with Image.open(io.BytesIO(downloaded)) as image:
        assert not image.getexif()

    page.fill("form[action*='/note/'] textarea", "Check the border camera logs")
    page.click("button:has-text('Add note')")
    page.fill("form[action*='/reply/'] textarea", "Thank you. Which crossing?")
    page.click("button:has-text('Send reply')")
    assert "Thank you. Which crossing?" in page.content()
    assert Note.objects.count() == 1

    opened = conversation.open_as_reporter(Receipt.read(english_code))
    assert opened is not None
    assert conversation.read_conversation(opened)[-1].text == "Thank you. Which crossing?"
    reporter = Client().post("/en/receipt/", {"receipt": english_code}).content.decode()
    assert "Thank you. Which crossing?" in reporter and "border camera" not in reporter

    page.goto(f"{base}/staff/desk/narcotics/?language=ur")
    assert page.locator("table.inbox tbody tr").count() == 1
    screenshot(page, "desk-ur-inbox")
    page.click("table.inbox a[href$='/report/2/']")
    assert "رات کو سرحد پر ایندھن کے ٹرک" in page.content()
    page.fill("form[action*='/reply/'] textarea", "شکریہ۔ کون سی گزرگاہ؟")
    page.click("button:has-text('Send reply')")
    screenshot(page, "desk-ur-case")
    assert (
        "شکریہ۔ کون سی گزرگاہ؟"
        in Client().post("/ur/receipt/", {"receipt": urdu_code}).content.decode()
    )
