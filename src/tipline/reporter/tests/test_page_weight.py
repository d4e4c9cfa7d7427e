"""What a reporter's phone downloads (docs/design.md): every reporter page in every reporter
language, from a real `tipline serve`, loaded by Debian's Chromium with JavaScript off at
360 px, bytes counted on the wire (tipline.testing.page_weight).

Budgets, cold cache: 25 KiB in English, Chinese, Pashto and Persian; 180 KiB in Urdu, its
Nastaliq face included. A second page in the same language costs only itself. No page
downloads the Urdu body face unless its text is Urdu; a phone that has Noto Nastaliq Urdu
downloads no font at all. Screenshots of the Urdu, Pashto and Persian pages land in
test-output/screenshots/ for a person to look at.
"""

from pathlib import Path

import pytest
from playwright.sync_api import Playwright

from tipline.testing import page_weight
from tipline.testing.fixtures import screenshot
from tipline.testing.page_weight import BODY_FONT, NAME_FONT, Installation, Reporter

STATUS = {"form, errors": 400, "not found": 404, "form expired": 403}


def table(weights: list[page_weight.PageWeight]) -> str:
    return "\n".join(
        f"{w.language:8} {w.page:14} cold {w.cold.requests} requests {w.cold.bytes:7} bytes, "
        f"warm {w.warm.requests} requests {w.warm.bytes:6} bytes"
        for w in weights
    )


@pytest.mark.slow
def test_every_reporter_page_fits_a_cheap_phone(playwright: Playwright, tmp_path: Path) -> None:
    installation = Installation(tmp_path / "data")
    try:
        phone = page_weight.launch_phone(playwright, with_nastaliq=False, scratch=tmp_path)
        weights = page_weight.weigh_everything(phone, installation)
        take_screenshots(phone, installation.url)
        phone.close()
        phone_with_nastaliq = page_weight.launch_phone(
            playwright, with_nastaliq=True, scratch=tmp_path
        )
        with_nastaliq = [
            page_weight.weigh_cold(phone_with_nastaliq, Reporter(installation.url, language), page)
            for language in ("ur", "en")
            for page in ("desk", "form")
        ]
        phone_with_nastaliq.close()
    finally:
        installation.stop()
    print(table(weights))

    assert len(weights) == len(page_weight.LANGUAGES) * 10
    for weight in weights:
        where = f"{weight.page} in {weight.language}"
        for load in (weight.cold, weight.warm):
            assert load.failed == [], where
            [document] = load.documents()  # the page itself, once
            assert document.status == STATUS.get(weight.page, 200), where
        assert weight.cold.bytes <= page_weight.budget(weight.language), table(weights)
        # Warm, everything but the page comes from the cache.
        assert weight.warm.fetched == weight.warm.documents(), where
        fonts = weight.cold.fonts()
        if weight.language == "ur":
            assert [BODY_FONT in url for url in fonts] == [True], where
        else:
            assert not any(BODY_FONT in url for url in fonts), where
            assert all(NAME_FONT in url for url in fonts), where
    # The language switch of a page in another language draws "اردو" with the small face.
    english_desk = next(w for w in weights if (w.language, w.page) == ("en", "desk"))
    assert [NAME_FONT in url for url in english_desk.cold.fonts()] == [True]
    # local() first: a phone with its own Noto Nastaliq Urdu downloads no font.
    for load in with_nastaliq:
        assert load.fonts() == []


def take_screenshots(phone: object, base: str) -> None:
    """The pages whose script is hardest to get right, as a phone without Nastaliq shows
    them, and the fonts Chromium drew them with: Urdu in the site's Nastaliq subset (bold
    emboldened by the browser), Pashto and Persian in the phone's Naskh, "اردو" in the
    switch of an English page in the small Nastaliq face, the first page's Urdu link in the
    phone's Arabic face."""
    form = "report/narcotics/drug-trafficking/"
    drawn = {}
    for language, path, selector in [
        ("ur", form, "h1"),
        ("ur", "report/narcotics/", "h2"),  # its h1 is the desk's name, in English
        ("ps", form, "h1"),
        ("fa", form, "h1"),
        ("en", "report/narcotics/", '.languages a[lang="ur"]'),
        ("en", "", '.receipt-links a[lang="ur"]'),
    ]:
        with page_weight.phone_context(phone, language) as context:  # type: ignore[arg-type]
            page = context.new_page()
            page.goto(f"{base}/{language}/{path}" if path else f"{base}/", wait_until="load")
            name = path.strip("/").replace("/", "-") or "first-page"
            screenshot(page, f"weight-{language}-{name}")
            drawn[language, path] = page_weight.used_fonts(page, selector)
    for path in (form, "report/narcotics/"):
        assert drawn["ur", path].get("Noto Nastaliq Urdu") is True, drawn  # the site's face
    for language in ("ps", "fa"):
        assert "Noto Nastaliq Urdu" not in drawn[language, form], drawn
        assert {"Noto Naskh Arabic", "Noto Sans Arabic"} & set(drawn[language, form]), drawn
    assert drawn["en", "report/narcotics/"] == {"Noto Nastaliq Urdu": True}, drawn
    assert "Noto Nastaliq Urdu" not in drawn["en", ""], drawn
