"""In Chromium: a supervisor finds the statistics, a desk's figures, its rewards page and
the campaigns by links alone, in English and Urdu; wide tables fit or scroll visibly at
360 and 1280 px, right to left too, and month labels stay on one line in every language
of the public page. Screenshots for people to look at."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client
from playwright.sync_api import Page

from tipline.accounts.actions import create_staff
from tipline.desks.actions import add_member
from tipline.outcomes import actions, rewards
from tipline.outcomes.actions import OutcomeFacts
from tipline.reports.models import Report
from tipline.reports.tests.helpers import send_report
from tipline.testing.fixtures import STRONG_PASSWORD, DeskWithRecipient, screenshot, totp_code

WIDTHS = (360, 1280)
# For every table region: it fits, or it scrolls and its last column can be scrolled into
# view; and every row label (week, month) is one line box.
TABLES_HOLD = """() => [...document.querySelectorAll('.table-scroll')].filter(
  r => r.offsetParent !== null).map(r => {
    const fits = r.scrollWidth <= r.clientWidth + 1;
    const scrolls = getComputedStyle(r).overflowX === 'auto';
    const cells = r.querySelectorAll('thead th');
    const last = cells[cells.length - 1];
    last.scrollIntoView({inline: 'nearest', block: 'nearest'});
    const box = last.getBoundingClientRect(), frame = r.getBoundingClientRect();
    const reachable = box.left >= frame.left - 1 && box.right <= frame.right + 1;
    const labels = [...r.querySelectorAll('tbody th bdi')];
    // One line: every box of the label (mixed-direction text has several) on the same
    // line, i.e. the same top.
    const lines = l => new Set([...l.getClientRects()].map(b => Math.round(b.top))).size;
    const broken = labels.filter(l => lines(l) !== 1).map(l => [l.textContent, lines(l)]);
    const oneLine = broken.length === 0;
    return {fits, scrolls, reachable, oneLine, broken, width: innerWidth};
})"""


def tables_hold(page: Page) -> None:
    regions = page.evaluate(TABLES_HOLD)
    assert regions
    for region in regions:
        assert region["fits"] or region["scrolls"], region
        assert region["reachable"] and region["oneLine"], f"{page.url} {region}"


def follow(page: Page, where: str, path: str) -> None:
    """Click the link to `path` inside `where`, and wait for the page it leads to."""
    page.click(f"{where} a[href='{path}']")
    page.wait_for_url(f"**{path}")
    page.wait_for_load_state()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_supervisor_finds_figures_and_rewards_by_links(
    page: Page, live_server: object, tmp_path: Path, settings: object
) -> None:
    settings.FILES_DIR = tmp_path / "files"  # type: ignore[attr-defined]
    base = str(live_server.url)  # type: ignore[attr-defined]
    setup = DeskWithRecipient()
    rewards.set_programme(
        setup.desk, currency="PKR", ceiling=Decimal(50000), acting_user=None, publish_results=True
    )  # type: ignore[arg-type]
    back_then = datetime.datetime.now(datetime.UTC).replace(day=1) - datetime.timedelta(days=70)
    for i in range(7):
        send_report(Client(), setup.desk.categories.get(slug="drug-trafficking"))
        Report.objects.filter(number=i + 1).update(received_at=back_then)
    report = Report.objects.get(number=1)
    actions.record_outcome(
        report,
        OutcomeFacts(
            "assets",
            back_then.date(),
            asset_action="frozen",
            value=Decimal(62101500000),
            currency="PKR",
        ),
        acting_user=setup.analyst,
    )
    rewards.propose(report, "20000", acting_user=setup.analyst)
    supervisor = create_staff(
        username="supervisor", password=STRONG_PASSWORD, role="supervisor", acting_user=None
    )
    add_member(setup.desk, supervisor.user, acting_user=None)

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/staff/signin/")
    page.fill("input[name=username]", "supervisor")
    page.fill("input[name=password]", STRONG_PASSWORD)
    page.click("button[type=submit]")
    page.fill("input[name=code]", totp_code(supervisor.device.key))
    page.click("button[type=submit]")

    for language in ["en", "ur"]:
        page.set_extra_http_headers({"Accept-Language": language})
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(f"{base}/staff/")  # the only typed address: where sign-in leads
        follow(page, "nav.staff-nav", "/staff/outcomes/")
        follow(page, "nav.outcomes-nav", "/staff/outcomes/desk/narcotics/")
        assert page.locator("html").get_attribute("lang") == language
        assert "62,101,500,000" in page.content()
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            for summary in page.locator("details > summary").all():
                summary.click()  # open every table
            tables_hold(page)
            screenshot(page, f"figures-{language}-desk-{width}")
        follow(page, "nav.outcomes-nav", "/staff/outcomes/desk/narcotics/rewards/")
        assert page.locator("form[action$='/approve/'], button[formaction$='/approve/']").count()
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            screenshot(page, f"figures-{language}-rewards-{width}")
        follow(page, "main", "/staff/outcomes/desk/narcotics/")
        follow(page, "nav.outcomes-nav", "/staff/outcomes/campaigns/")

    for language in ["en", "ur", "zh-hans", "ps", "fa"]:
        page.goto(f"{base}/{language}/results/narcotics/")
        assert page.locator("html").get_attribute("lang") == language
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            tables_hold(page)
            if language in ("ur", "en"):
                screenshot(page, f"figures-{language}-public-{width}")
