"""docs/sharing.md, step by step, in a real browser with JavaScript off, across two real
installations: two `tipline serve` (each with its `tipline schedule`), two data folders,
two databases (SQLite; two PostgreSQL databases made and dropped for the test in the suite's
PostgreSQL run). The administrators pair them through the Partners pages (cards as files,
fingerprints compared on screen), a reporter writes to Agency A, an analyst there shares
the report with Agency B's customs desk, B's analyst finds it "shared by Agency A", answers
and reports an outcome, and A's analyst sees both come back. Screenshots of every step land
in test-output/screenshots/sharing-pair-*.png."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tipline.reports.tests.samples import jpeg_with_gps
from tipline.sharing.tests.test_browser_sharing import sign_in
from tipline.sharing.tests.two_installations import Installation, databases
from tipline.testing.fixtures import screenshot

PARTNERS = "/staff/sharing/partners/"


@pytest.fixture
def agencies(tmp_path: Path) -> Iterator[tuple[Installation, Installation]]:
    for url_a, url_b in databases():
        a = Installation(tmp_path / "a", "Agency A", "narcotics", url_a)
        b = Installation(tmp_path / "b", "Agency B", "customs", url_b)
        try:
            for agency in (a, b):
                agency.create_staff(f"admin-{agency.desk}", "administrator")
                agency.start()
            yield a, b
        finally:
            a.close()
            b.close()


def staff_page(browser: Browser, agency: Installation, username: str) -> Page:
    page = browser.new_context(java_script_enabled=False).new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, agency.url, username, agency.totp[username])
    assert "/staff/signin/" not in page.url, page.content()[:2000]
    return page


def until(page: Page, url: str, shown: Callable[[str], bool], tries: int = 120) -> str:
    """Reload `url` until the page shows what `shown` looks for (the outbox delivers after
    commit, and `tipline schedule` retries every 2 s)."""
    for _ in range(tries):
        page.goto(url)
        content = page.content()
        if shown(content):
            return content
        page.wait_for_timeout(500)
    raise AssertionError(f"{url} never showed it:\n{content[:3000]}")


def pair_side(page: Page, agency: Installation, other_card: Path, other_fingerprint: str) -> None:
    """Steps 4 and 5 on one side: read the other's card, compare, add."""
    page.goto(agency.url + PARTNERS)
    page.set_input_files("input[name=card_file]", str(other_card))
    page.click("button:has-text('Read the card')")
    # The fingerprint shown for the card is the one the other administrator reads out
    # from their own page: every digit the same.
    assert page.inner_text("#partner-fingerprint").strip() == other_fingerprint
    screenshot(page, f"sharing-pair-5-compare-{agency.desk}")
    page.check("input[name=fingerprint_compared]")
    page.click("button:has-text('Add partner')")
    assert page.url.endswith(PARTNERS), page.url


@pytest.mark.slow
def test_docs_sharing_md_step_by_step_across_two_installations(
    browser: Browser, agencies: tuple[Installation, Installation], tmp_path: Path
) -> None:
    a, b = agencies
    admin_a = staff_page(browser, a, "admin-narcotics")
    admin_b = staff_page(browser, b, "admin-customs")

    # 1. Say which desks take shares (Agency B's customs desk).
    admin_b.goto(b.url + PARTNERS)
    admin_b.check("#id_customs_accepts_shares")
    admin_b.locator("form:has(#id_customs_accepts_shares) button").click()
    assert admin_b.locator("#id_customs_accepts_shares").is_checked()
    screenshot(admin_b, "sharing-pair-1-desks-b")

    # 2. and 3. Check the name and address, hand over the card (file; the QR code beside it).
    cards, fingerprints = {}, {}
    for page, agency in [(admin_a, a), (admin_b, b)]:
        page.goto(agency.url + PARTNERS)
        card = page.locator('section:has(h2:has-text("This installation\'s card"))')
        assert agency.name in card.inner_text() and agency.url in card.inner_text()
        assert page.locator(".qr svg").count() == 1
        fingerprints[agency.desk] = page.inner_text(".fingerprint strong").strip()
        assert len(fingerprints[agency.desk].split()) == 8
        with page.expect_download() as download:
            page.click("a:has-text('Download the card (file)')")
        cards[agency.desk] = tmp_path / f"card-{agency.desk}.json"
        download.value.save_as(cards[agency.desk])
        screenshot(page, f"sharing-pair-3-card-{agency.desk}")
    assert '"customs"' in cards["customs"].read_text()  # B's card names the desk

    # 4. and 5. Each reads the other's card and adds it once the fingerprints match.
    pair_side(admin_a, a, cards["customs"], fingerprints["customs"])
    pair_side(admin_b, b, cards["narcotics"], fingerprints["narcotics"])

    # 6. Both pages show the partner as paired.
    for page, agency, other in [(admin_a, a, b), (admin_b, b, a)]:
        listing = until(page, agency.url + PARTNERS, lambda html: "Active · paired" in html)
        assert other.name in listing and fingerprints[other.desk] in listing
        screenshot(page, f"sharing-pair-6-paired-{agency.desk}")

    # A reporter writes to Agency A (no JavaScript either), and writes again later.
    photo = tmp_path / "jetty.jpg"
    photo.write_bytes(jpeg_with_gps())
    reporter = browser.new_context(java_script_enabled=False).new_page()
    reporter.goto(a.url + "/en/report/narcotics/drug-trafficking/")
    reporter.fill("textarea[name=description]", "Crates at the old jetty, boat named Karima")
    reporter.fill("input[name=q_where]", "Old jetty, north pier")
    reporter.check("input[name=q_how_known][value=saw]")
    reporter.set_input_files("input[name=attachments] >> nth=0", [str(photo)])
    reporter.click("button:has-text('Send')")
    code = reporter.inner_text("#receipt-code").strip()
    reporter.goto(a.url + "/en/receipt/")
    reporter.fill("input[name=receipt]", code)
    reporter.press("input[name=receipt]", "Enter")
    reporter.fill("textarea[name=text]", "They load at 3am; ask for Yusuf")
    reporter.click("form[action$='/receipt/message/'] button")
    assert "ask for Yusuf" in reporter.content()

    # 7. Share it: an analyst at Agency A, from the case.
    analyst_a = staff_page(browser, a, "analyst-narcotics")
    case_a = a.url + "/staff/desk/narcotics/report/1/"
    analyst_a.goto(case_a)
    analyst_a.click("a:has-text('Share this report')")
    analyst_a.select_option("select[name=target]", label="Agency B: customs desk")
    analyst_a.fill("textarea[name=description]", "Crates at the old jetty, boat named [removed]")
    analyst_a.check("input[name='include_answer-where']")
    analyst_a.fill("textarea[name='text_answer-where']", "Old jetty, north pier")
    message = analyst_a.locator("input[name^='include_message-']")
    assert message.count() == 1
    message.check()
    analyst_a.fill("textarea[name^='text_message-']", "They load at 3am; ask for [name]")
    analyst_a.check("input[name=files]")
    analyst_a.fill("textarea[name=cover_note]", "Boat leaves tonight from your side")
    screenshot(analyst_a, "sharing-pair-7-share-form")
    analyst_a.click("button:has-text('Send')")
    assert analyst_a.url == case_a + "#sharing", analyst_a.url  # back at the case's sharing
    until(analyst_a, case_a, lambda html: "<strong>Delivered</strong>" in html)
    screenshot(analyst_a, "sharing-pair-7-delivered")

    # 8. Find it: an analyst at Agency B, in the inbox, marked "shared by Agency A".
    analyst_b = staff_page(browser, b, "analyst-customs")
    inbox_b = b.url + "/staff/desk/customs/"
    until(analyst_b, inbox_b, lambda html: "shared by <bdi>Agency A</bdi>" in html)
    analyst_b.check("input[name=shared]")
    analyst_b.click("button:has-text('Filter')")
    assert analyst_b.locator("table.inbox tbody tr").count() == 1
    screenshot(analyst_b, "sharing-pair-8-inbox-b")
    analyst_b.click("table.inbox a:has-text('1')")
    case_b = analyst_b.content()
    assert "Shared by <bdi>Agency A</bdi>" in case_b
    assert "Crates at the old jetty, boat named [removed]" in case_b and "Karima" not in case_b
    assert "Old jetty, north pier" in case_b  # the answer, under its question
    assert "Reporter, passed on by <bdi>Agency A</bdi>" in case_b
    assert "ask for [name]" in case_b and "Yusuf" not in case_b
    assert "photo-1.jpg" in case_b
    assert "Boat leaves tonight from your side" in case_b
    assert "Reply to the reporter" not in case_b
    screenshot(analyst_b, "sharing-pair-8-case-b")

    # 9. Answer and report an outcome.
    analyst_b.fill("#id_back_text", "We will board it at dawn")
    analyst_b.click("form[action*='/back/'] button")
    analyst_b.fill("#id_back_text", "Two tonnes held")
    analyst_b.select_option("select[name=outcome_kind]", "seizure")
    analyst_b.fill("input[name=outcome_count]", "2")
    analyst_b.click("form[action*='/back/'] button")
    screenshot(analyst_b, "sharing-pair-9-answered-b")

    # 10. See it come back: the sender's case.
    shown = until(analyst_a, case_a, lambda html: "(through partner)" in html)
    assert "<strong>Answered</strong>" in shown
    assert "We will board it at dawn" in shown and "Two tonnes held" in shown
    assert "Seizures: 2 (through partner)" in shown
    screenshot(analyst_a, "sharing-pair-10-sender-case")
