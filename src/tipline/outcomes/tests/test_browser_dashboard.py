"""The dashboard and a campaign in a real browser (JavaScript off), in English, Urdu and
Chinese: charts drawn from this origin's stylesheet, every word on them at least 12 px on
screen and whole (not cut by the chart's edge or shortened), on a desk's screen and a
phone, screenshots for people to look at."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client
from playwright.sync_api import Page

from tipline.accounts.actions import create_staff
from tipline.desks.actions import add_member
from tipline.outcomes import actions
from tipline.outcomes.actions import OutcomeFacts
from tipline.reports.models import Report
from tipline.reports.tests.helpers import send_report
from tipline.testing.fixtures import STRONG_PASSWORD, DeskWithRecipient, screenshot, totp_code

# Each drawn word of every chart: its size on screen (font size times the drawing's scale),
# and whether it sits inside its chart and is whole (pygal marks a shortened one with "…").
CHART_WORDS = """() => [...document.querySelectorAll("svg.pygal-chart")].flatMap(svg => {
  const box = svg.getBoundingClientRect();
  return [...svg.querySelectorAll("text")].filter(t => t.textContent.trim()).map(t => {
    const m = t.getScreenCTM(), r = t.getBoundingClientRect();
    return {
      text: t.textContent.trim(),
      px: parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b),
      inside: r.left >= box.left - 1 && r.right <= box.right + 1
        && r.top >= box.top - 1 && r.bottom <= box.bottom + 1,
    };
  });
})"""


def chart_words_too_small_or_cut(page: Page) -> list[dict[str, object]]:
    words = page.evaluate(CHART_WORDS)
    assert words, "no word drawn on any chart"
    return [
        word
        for word in words
        if word["px"] < 12 or not word["inside"] or str(word["text"]).endswith("…")
    ]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_supervisor_reads_the_dashboard_and_a_campaign(
    page: Page, live_server: object, tmp_path: Path, settings: object
) -> None:
    settings.FILES_DIR = tmp_path / "files"  # type: ignore[attr-defined]
    base = str(live_server.url)  # type: ignore[attr-defined]
    setup = DeskWithRecipient()
    today = datetime.datetime.now(datetime.UTC).date()
    for i, slug in enumerate(["drug-trafficking"] * 4 + ["arms-trafficking", "smuggling"]):
        send_report(
            Client(), setup.desk.categories.get(slug=slug), language="ur" if i % 2 else "en"
        )
    reports = list(Report.objects.order_by("number"))
    for week, report in enumerate(reports):
        Report.objects.filter(pk=report.pk).update(
            received_at=report.received_at - datetime.timedelta(weeks=week)
        )
        report.refresh_from_db()
        actions.record_outcome(
            report,
            OutcomeFacts("arrests", today - datetime.timedelta(weeks=week), count=week + 1),
            acting_user=setup.analyst,
        )
    actions.record_outcome(
        reports[0],
        OutcomeFacts(
            "seizure",
            today,
            seizure_kind="drugs",
            substance="heroin",
            quantity=Decimal("12.5"),
            unit="kg",
        ),
        acting_user=setup.analyst,
    )
    actions.record_outcome(reports[1], OutcomeFacts("cleared", today), acting_user=setup.analyst)
    supervisor = create_staff(
        username="supervisor", password=STRONG_PASSWORD, role="supervisor", acting_user=None
    )
    add_member(setup.desk, supervisor.user, acting_user=None)
    campaign = actions.create_campaign(
        name="Clean harbour 2026",
        starts_on=today - datetime.timedelta(weeks=8),
        ends_on=today,
        desks=[setup.desk],
        category_slugs=[],
        acting_user=supervisor.user,
    )

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/staff/signin/")
    page.fill("input[name=username]", "supervisor")
    page.fill("input[name=password]", STRONG_PASSWORD)
    page.click("button[type=submit]")
    page.fill("input[name=code]", totp_code(supervisor.device.key))
    page.click("button[type=submit]")

    for language in ["en", "ur", "zh-hans"]:
        page.set_extra_http_headers({"Accept-Language": language})
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{base}/staff/outcomes/desk/narcotics/")
            assert chart_words_too_small_or_cut(page) == [], (language, width)
            assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(f"{base}/staff/outcomes/desk/narcotics/")
        assert page.locator("svg.pygal-chart[role=img]").count() >= 6
        assert page.locator("svg.pygal-chart > desc").count() >= 6
        # The chart stylesheet of this origin applied: each series has its own colour.
        colours = {
            page.locator(f"svg#reports-by-category .serie-{i} rect.rect").first.evaluate(
                "e => getComputedStyle(e).fill"
            )
            for i in range(3)
        }
        assert len(colours) == 3
        screenshot(page, f"outcomes-{language}-dashboard")
        page.goto(f"{base}/staff/outcomes/campaigns/{campaign.pk}/")
        assert "Clean harbour 2026" in page.content()
        assert page.locator("svg#campaign-growth").count() == 1
        screenshot(page, f"outcomes-{language}-campaign")
    assert 'lang="zh-hans"' in page.content()  # the last language asked for
