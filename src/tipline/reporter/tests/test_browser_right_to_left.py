"""In Chromium at 360 px with JavaScript off, in Urdu, Persian and Pashto: the receipt code is
one line (never wrapped into what reads as two codes), and a desk asked for in a language
it does not offer answers with its languages as plain links. axe finds nothing on either.

Screenshots land in test-output/screenshots/ for a person to look at."""

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tipline.desks.actions import create_desk
from tipline.testing.accessibility import assert_accessible, assert_accessible_as_shown
from tipline.testing.fixtures import DeskWithRecipient, screenshot

TEXT = {
    "ur": "شمالی جیٹی پر ایک کشتی کریٹ اتارتی ہے۔",
    "fa": "یک قایق در اسکله شمالی جعبه تخلیه می‌کند.",
    "ps": "یوه کښتۍ په شمالي بندر کې صندوقونه تشوي.",
}
# Measured where scripts may run (a context of the same width), on the page as shown.
MEASURE = """() => {
  const code = document.getElementById('receipt-code');
  const style = getComputedStyle(code);
  const range = document.createRange();
  range.selectNodeContents(code);
  const tops = new Set([...range.getClientRects()].map(rect => Math.round(rect.top)));
  const line = parseFloat(style.lineHeight) || 1.6 * parseFloat(style.fontSize);
  const box = code.getBoundingClientRect();
  return {
    lines: tops.size,
    height: box.height,
    textHeight: box.height - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom),
    line: line,
    hidden: code.scrollWidth - code.clientWidth,
    right: box.right,
    left: box.left,
    pageOverflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
  };
}"""


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["ur", "fa", "ps"])
def test_receipt_code_is_one_line_at_360_px(
    page: Page,
    axe_page: Page,
    browser: Browser,
    live_server: object,
    tmp_path: Path,
    settings: object,
    language: str,
) -> None:
    settings.FILES_DIR = tmp_path  # type: ignore[attr-defined]
    base = str(live_server.url)  # type: ignore[attr-defined]
    DeskWithRecipient()
    assert page.viewport_size == {"width": 360, "height": 740}  # JavaScript off (conftest)

    page.goto(f"{base}/{language}/report/narcotics/drug-trafficking/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.fill("textarea[name=description]", TEXT[language])
    page.check("input[name=q_how_known][value=saw]")
    page.click("button[type=submit]")
    code = page.locator("#receipt-code")
    assert len("".join(code.inner_text().split())) == 20
    screenshot(page, f"rtl-{language}-receipt-360")
    shown = code.bounding_box()
    assert shown is not None

    context = browser.new_context(viewport={"width": 360, "height": 740})
    try:
        measuring = context.new_page()
        measuring.goto(f"{base}/{language}/receipt/")
        measuring.set_content(page.content())
        measured = measuring.evaluate(MEASURE)
    finally:
        context.close()
    assert measured["lines"] == 1, measured
    assert measured["textHeight"] < 1.5 * measured["line"], measured  # one line high
    assert abs(shown["height"] - measured["height"]) < 1, (shown, measured)
    assert measured["hidden"] <= 0 and measured["pageOverflow"] <= 0, measured  # all of it
    assert measured["left"] >= 0 and measured["right"] <= 360, measured

    assert_accessible_as_shown(page, axe_page, base, f"{language} receipt")


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("asked", "accept", "answer"), [("ps", "ps,ur;q=0.8", "ur"), ("fa", "fa", "en")]
)
def test_a_desk_asked_in_another_language_offers_its_own(
    browser: Browser,
    axe_page: Page,
    live_server: object,
    asked: str,
    accept: str,
    answer: str,
) -> None:
    base = str(live_server.url)  # type: ignore[attr-defined]
    create_desk(
        slug="border", name="Border desk", languages=["en", "ur", "zh-hans"], acting_user=None
    )
    context = browser.new_context(
        java_script_enabled=False,
        viewport={"width": 360, "height": 740},
        extra_http_headers={"Accept-Language": accept},
    )
    try:
        page = context.new_page()
        response = page.goto(f"{base}/{asked}/report/border/")
        assert response is not None and response.status == 404
        assert page.locator("html").get_attribute("lang") == answer
        links = page.locator("ul.other-languages a")
        assert [links.nth(i).get_attribute("hreflang") for i in range(links.count())] == [
            "en",
            "ur",
            "zh-hans",
        ]
        screenshot(page, f"other-language-{asked}-answered-in-{answer}")
        page.click("ul.other-languages a[hreflang=ur]")
        assert page.url == f"{base}/ur/report/border/"
        assert page.locator("html").get_attribute("lang") == "ur"
    finally:
        context.close()

    axe_page.set_extra_http_headers({"Accept-Language": accept})
    axe_page.goto(f"{base}/{asked}/report/border/")
    assert_accessible(axe_page, f"{asked} asked, answered in {answer}")
