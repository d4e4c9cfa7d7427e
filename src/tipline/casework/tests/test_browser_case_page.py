"""The case page at a glance in a real browser, in English and Urdu, on a desk's screen
(1280 px) and a phone (360 px): status, assignment and labels are in the first screenful
(beside the report on the wide screen, above it on the phone); assigning and replying come
back to their own section with the confirmation in view; the same reply twice asks first.
axe-core finds nothing on any of these pages. The page runs no script of its own (its CSP
forbids it): the layout is the style sheet's."""

from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation
from playwright.sync_api import Page

from tipline.casework.models import Label
from tipline.reports.models import Message
from tipline.reports.tests.helpers import receipt_from, send_report
from tipline.testing.accessibility import assert_accessible
from tipline.testing.fixtures import STRONG_PASSWORD, DeskWithRecipient, screenshot, totp_code

SCREENS = {"wide": (1280, 800), "phone": (360, 740)}
LONG_TEXT = " ".join(
    ["Fuel trucks cross the river at the old ford every night after two, without lights."] * 12
)


def _in(language: str, text: str) -> str:
    with translation.override(language):
        return str(translation.gettext(text))


def in_first_screenful(page: Page, selector: str, height: int) -> None:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    assert box["y"] >= 0 and box["y"] + box["height"] <= height, (selector, box)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", "ur"])
def test_the_case_page_works_at_a_glance_on_a_desk_and_a_phone(
    axe_page: Page, live_server: object, tmp_path: Path, settings: object, language: str
) -> None:
    page = axe_page
    settings.FILES_DIR = tmp_path / "files"  # type: ignore[attr-defined]
    base = str(live_server.url)  # type: ignore[attr-defined]
    setup = DeskWithRecipient()
    Label.objects.create(desk=setup.desk, name="Border")
    Label.objects.create(desk=setup.desk, name="Fuel")
    smuggling = setup.desk.categories.get(slug="smuggling")
    for _ in range(2):
        receipt_from(send_report(Client(), smuggling, description=LONG_TEXT))
    page.set_extra_http_headers({"Accept-Language": language})
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{base}/staff/signin/")
    page.fill("input[name=username]", setup.analyst.username)
    page.fill("input[name=password]", STRONG_PASSWORD)
    page.click("button[type=submit]")
    page.fill("input[name=code]", totp_code(setup.device.key))
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/staff/desk/narcotics/")
    case = f"{base}/staff/desk/narcotics/report/1/"

    for screen, (width, height) in SCREENS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.goto(case)
        screenshot(page, f"case-page-{screen}-{language}")
        for control in (
            "form.status select[name=status]",
            "form.status button",
            "form.assign select[name=assignee]",
            "form.assign button",
            "form.labels fieldset",
            "form.labels button",
        ):
            in_first_screenful(page, control, height)
        side = page.locator("#handling").bounding_box()
        report = page.locator("#report").bounding_box()
        assert side is not None and report is not None
        if screen == "wide":  # a column beside the report, on its reading end
            assert abs(side["y"] - report["y"]) < 40
            if language == "ur":
                assert side["x"] + side["width"] <= report["x"]
            else:
                assert report["x"] + report["width"] <= side["x"]
        else:  # first on a phone, the page no wider than the screen
            assert side["y"] < report["y"]
            assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert_accessible(page, f"case page, {screen} ({language})")

        # Assigning to oneself: back at the handling section, the confirmation in view.
        page.select_option("form.assign select[name=assignee]", str(setup.analyst.pk))
        page.locator("form.assign button").click()
        assert page.url.endswith("#handling")
        confirmation = page.locator("#handling [role=status]")
        with translation.override(language):
            line = translation.gettext("Assigned to %(name)s.") % {"name": setup.analyst.username}
        assert confirmation.inner_text() == line
        in_first_screenful(page, "#handling [role=status]", height)
        assert_accessible(page, f"case page after assigning, {screen} ({language})")

        # Replying: back at the reply, "Reply sent." in view; the same reply again asks.
        text = f"Thank you. Which ford? ({screen})"
        page.fill("#reply textarea[name=text]", text)
        page.locator("#reply button[type=submit]").click()
        assert page.url.endswith("#reply")
        sent = page.locator("#reply [role=status]")
        assert sent.inner_text() == _in(language, "Reply sent.")
        box = sent.bounding_box()
        assert box is not None and 0 <= box["y"] < height
        page.fill("#reply textarea[name=text]", text)
        page.locator("#reply button[type=submit]").click()
        question = page.locator("#reply [role=alert]")
        assert _in(language, "You sent this same reply a minute ago. Send it again?") in (
            question.inner_text()
        )
        box = question.bounding_box()
        assert box is not None and 0 <= box["y"] < height
        screenshot(page, f"case-page-again-{screen}-{language}")
        assert_accessible(page, f"case page asking before the same reply, {screen} ({language})")
        assert Message.objects.filter(author__isnull=False, report__number=1).count() == (
            1 if screen == "wide" else 3
        )
        page.locator("#reply button[name=again]").click()
        assert page.locator("#reply [role=status]").inner_text() == _in(language, "Reply sent.")
    assert Message.objects.filter(author__isnull=False, report__number=1).count() == 4
    if language != "en":  # the catalogue really answered
        assert _in(language, "Reply sent.") != "Reply sent."
