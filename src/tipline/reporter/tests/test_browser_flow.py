"""The whole reporter flow in a real browser with JavaScript off, once in each language:
report with two attachments, receipt, come back, read a reply, write again.

Every request the browser makes is recorded: none may go to another origin. Screenshots
land in test-output/screenshots/ for a person to look at.
"""

from pathlib import Path

import pytest
from playwright.sync_api import Page

from tipline.reports import conversation
from tipline.reports.models import Attachment, Report
from tipline.reports.tests.samples import jpeg_with_gps, pdf_with_author
from tipline.testing.fixtures import DeskWithRecipient, screenshot

REPLY = {
    "en": "Thank you. Which day of the week?",
    "ur": "شکریہ۔ ہفتے کا کون سا دن؟",
    "zh-hans": "谢谢。是星期几？",
}
REPORT_TEXT = {
    "en": "A boat unloads crates at the north jetty.",
    "ur": "شمالی جیٹی پر ایک کشتی کریٹ اتارتی ہے۔",
    "zh-hans": "一艘船在北码头卸下箱子。",
}
SEND = {"en": "Send report", "ur": "رپورٹ بھیجیں", "zh-hans": "提交举报"}


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", "ur", "zh-hans"])
def test_report_and_come_back_without_javascript(
    page: Page, live_server: object, tmp_path: Path, settings: object, language: str
) -> None:
    settings.FILES_DIR = tmp_path / "files"  # type: ignore[attr-defined]
    base = str(live_server.url)  # type: ignore[attr-defined]
    setup = DeskWithRecipient()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    photo, document = tmp_path / "jetty.jpg", tmp_path / "manifest.pdf"
    photo.write_bytes(jpeg_with_gps())
    document.write_bytes(pdf_with_author())

    page.goto(f"{base}/{language}/report/narcotics/")
    assert page.context.cookies() == []  # nothing set before the reporter starts
    screenshot(page, f"{language}-1-desk")
    page.click('a[href$="/report/narcotics/drug-trafficking/"]')
    page.fill("textarea[name=description]", REPORT_TEXT[language])
    page.check("input[name=q_how_known][value=saw]")
    page.set_input_files("input[name=attachments] >> nth=0", [str(photo), str(document)])
    screenshot(page, f"{language}-2-form")
    page.click(f"button:has-text('{SEND[language]}')")

    code = page.inner_text("#receipt-code").strip()
    assert len("".join(code.split())) == 20  # groups joined by no-break spaces
    screenshot(page, f"{language}-3-receipt")
    report = Report.objects.get()
    assert report.language == language
    assert Attachment.objects.filter(report=report).count() == 2

    opened = conversation.open_as_staff(report, setup.analyst, setup.private_key)
    conversation.add_staff_reply(opened, author=setup.analyst, text=REPLY[language])

    page.goto(f"{base}/{language}/receipt/")
    page.fill("input[name=receipt]", code)
    page.press("input[name=receipt]", "Enter")
    assert REPLY[language] in page.content()
    assert REPORT_TEXT[language] in page.content()
    screenshot(page, f"{language}-4-reply")

    page.fill("textarea[name=text]", "Tuesdays.")
    page.click("form[action$='/receipt/message/'] button")
    assert "Tuesdays." in page.content()
    screenshot(page, f"{language}-5-sent")
    texts = [m.text for m in conversation.read_conversation(opened)[1:]]
    assert texts == [REPLY[language], "Tuesdays."]

    foreign = [url for url in requests if not url.startswith(base)]
    assert foreign == []
    assert any(url.endswith(".css") for url in requests)
