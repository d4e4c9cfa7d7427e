"""WCAG 2.1 AA (axe-core, wcag2a/2aa/21a/21aa and best practice) on every reporter page in
every reporter language, at phone width, with zero violations; and a report sent in Pashto
with the keyboard alone, JavaScript off.

Pages reached by a plain address or a form are visited for real. The pages a reporter meets
only when something goes wrong (500, busy, too many tries, an expired form, a desk without
recipients, a refused request) are rendered by their real views and served to the browser
at the live server's own origin, so the page's stylesheet and fonts load as they would.
Screenshots of the first page, the form with errors, the receipt and the follow-up land in
test-output/screenshots/ for a person to look at.
"""

from collections.abc import Callable

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import translation
from django.views import defaults
from playwright.sync_api import Page, Route, expect

from tipline.desks.models import Desk
from tipline.reporter import views as reporter_views
from tipline.reports import conversation
from tipline.reports.models import Report
from tipline.testing.accessibility import assert_accessible
from tipline.testing.fixtures import DeskWithRecipient, screenshot
from tipline.testing.page_weight import used_fonts
from tipline.throttling.gate import busy
from tipline.web.views import csrf_failure

LANGUAGES = [code for code, _ in settings.LANGUAGES]
FORM = "/report/narcotics/drug-trafficking/"
REPLY = {
    "en": "Thank you. Which day of the week?",
    "ur": "شکریہ۔ ہفتے کا کون سا دن؟",
    "zh-hans": "谢谢。是星期几？",
    "ps": "مننه. د اونۍ کومه ورځ؟",
    "fa": "سپاس. کدام روز هفته؟",
}


def rendered_pages(language: str, desk: Desk) -> dict[str, Callable[[], HttpResponse]]:
    """The error pages a reporter meets only when something goes wrong, by their views."""
    factory = RequestFactory()
    post = factory.post(f"/{language}{FORM}")
    return {
        "400": lambda: defaults.bad_request(post, Exception()),
        "403": lambda: defaults.permission_denied(post, Exception()),
        "403-form-expired": lambda: csrf_failure(post),
        "500": lambda: defaults.server_error(post),
        "503-busy": lambda: busy(post),
        "429-too-many-tries": lambda: reporter_views._throttled(
            factory.post(f"/{language}/receipt/"), 300
        ),
        "400-form-expired": lambda: reporter_views.render(
            post, "reporter/form_expired.html", {"desk": desk}, status=400
        ),
        "413-too-large": lambda: reporter_views._form_error(
            post, desk, desk.categories.get(slug="drug-trafficking"), "too_large", status=413
        ),
        "503-no-recipient": lambda: reporter_views.render(
            post, "reporter/not_ready.html", {"desk": desk}, status=503
        ),
    }


def show_rendered(page: Page, base: str, name: str, response: HttpResponse) -> None:
    address = f"{base}/__rendered/{name}"

    def fulfil(route: Route) -> None:
        route.fulfill(
            status=response.status_code,
            body=response.content,
            headers={"content-type": "text/html; charset=utf-8"},
        )

    page.route(address, fulfil)
    page.goto(address)
    page.unroute(address)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_reporter_page_has_no_accessibility_violation(
    axe_page: Page, live_server: object, tmp_path: object, settings: object, language: str
) -> None:
    settings.FILES_DIR = tmp_path  # type: ignore[attr-defined]
    base = str(live_server.url)  # type: ignore[attr-defined]
    page = axe_page
    setup = DeskWithRecipient()
    page.set_extra_http_headers({"Accept-Language": language})
    loaded: list[tuple[str, int]] = []
    page.on("response", lambda response: loaded.append((response.url, response.status)))

    def check(name: str) -> None:
        assert page.locator("html").get_attribute("lang") == language, name
        assert_accessible(page, f"{language} {name}")

    page.goto(f"{base}/")
    check("first page")
    screenshot(page, f"a11y-{language}-1-landing")
    page.goto(f"{base}/{language}/report/narcotics/")
    check("desk")
    page.goto(f"{base}/{language}{FORM}")
    check("form")

    page.click("button[type=submit]")  # nothing filled in: the form comes back with errors
    assert page.locator(".error-summary a").count() == 2
    check("form with errors")
    screenshot(page, f"a11y-{language}-2-form-errors")
    # The summary's links lead to the fields in error, without JavaScript.
    assert page.locator(".error-summary a").first.get_attribute("href") == "#id_description"

    page.fill("textarea[name=description]", "A boat unloads crates at the north jetty.")
    page.check("input[name=q_how_known][value=saw]")
    page.click("button[type=submit]")
    code = page.inner_text("#receipt-code").strip()
    check("receipt")
    screenshot(page, f"a11y-{language}-3-receipt")

    opened = conversation.open_as_staff(Report.objects.get(), setup.analyst, setup.private_key)
    conversation.add_staff_reply(opened, author=setup.analyst, text=REPLY[language])

    page.click("a.button")  # "I have written it down": the come-back page
    check("come back")
    if language == "ur":  # Urdu is drawn in Nastaliq (here the system's own: local() first)
        assert "Noto Nastaliq Urdu" in used_fonts(page, "h1")
    page.fill("input[name=receipt]", "1" * 20)
    page.click("button[type=submit]")
    check("come back, no such report")
    page.fill("input[name=receipt]", code)
    page.click("button[type=submit]")
    # The follow-up page comes after an Argon2id derivation: wait for it, not for a moment.
    expect(page.locator("body")).to_contain_text(REPLY[language], timeout=30_000)
    check("follow-up")
    screenshot(page, f"a11y-{language}-4-follow-up")
    page.click("form[action$='/receipt/message/'] button")  # empty message
    check("follow-up with an error")

    page.goto(f"{base}/{language}/report/no-such-desk/")
    check("404")
    for name, view in rendered_pages(language, setup.desk).items():
        with translation.override(language):
            response = view()
        show_rendered(page, base, name, response)
        check(name)

    assert all(url.startswith(base) for url, _ in loaded)  # nothing from another origin


KEYBOARD_REPORT = (
    "یوه کښتۍ په شمالي بندر کې صندوقونه تشوي."  # A boat unloads crates at the north jetty.
)


def tab_to(page: Page, selector: str, limit: int = 80) -> None:
    """Press Tab until `selector` has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.locator(f"{selector}:focus").count():
            return
    raise AssertionError(f"Tab never reached {selector}")


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_report_sent_in_pashto_with_the_keyboard_alone_gets_its_receipt(
    page: Page, live_server: object, tmp_path: object, settings: object
) -> None:
    settings.FILES_DIR = tmp_path  # type: ignore[attr-defined]
    base = str(live_server.url)  # type: ignore[attr-defined]
    DeskWithRecipient()
    page.goto(f"{base}/ps/report/narcotics/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    tab_to(page, f'a[href="/ps{FORM}"]')
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/ps{FORM}")

    tab_to(page, "textarea[name=description]")
    page.keyboard.type(KEYBOARD_REPORT)
    tab_to(page, "input[name=q_how_known]")
    page.keyboard.press("Space")  # the first answer of the radio group
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")

    page.wait_for_selector("#receipt-code")
    assert len("".join(page.inner_text("#receipt-code").split())) == 20  # no-break spaces too
    assert "ستاسو راپور ترلاسه شو" in page.content()  # Your report was received
