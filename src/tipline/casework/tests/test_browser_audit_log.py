"""The audit log in Urdu in Chromium: sentences right to left, the filters, a second page,
and axe-core at 0 violations, at a desk's width and a phone's."""

from pathlib import Path

import pytest
from django.db import transaction
from django.test import Client
from playwright.sync_api import Page

from tipline.accounts.actions import create_staff, set_language
from tipline.audit.actions import record
from tipline.casework.audit_log import PAGE_SIZE
from tipline.reports.tests.helpers import send_report
from tipline.testing.accessibility import assert_accessible
from tipline.testing.fixtures import STRONG_PASSWORD, DeskWithRecipient, screenshot, totp_code


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_audit_log_in_urdu_is_accessible(
    axe_page: Page, live_server: object, tmp_path: Path, settings: object
) -> None:
    settings.FILES_DIR = tmp_path / "files"  # type: ignore[attr-defined]
    base = str(live_server.url)  # type: ignore[attr-defined]
    setup = DeskWithRecipient()
    send_report(Client(), setup.desk.categories.get(slug="smuggling"), description="Boats")
    supervisor = create_staff(
        username="sue",
        password=STRONG_PASSWORD,
        role="supervisor",
        desks=[setup.desk],
        acting_user=None,
    )
    set_language(supervisor.user, "ur", acting_user=None)
    with transaction.atomic():
        for _ in range(PAGE_SIZE + 5):
            record("report.viewed", actor=supervisor.user, desk=setup.desk, report_id=None)

    page = axe_page
    page.set_extra_http_headers({"Accept-Language": "ur"})
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/staff/signin/")
    page.fill("#id_username", "sue")
    page.fill("#id_password", STRONG_PASSWORD)
    page.click("button[type=submit]")
    page.fill("#id_code", totp_code(supervisor.device.key))
    page.click("button[type=submit]")

    page.goto(f"{base}/staff/audit/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("table.audit tbody tr").count() == PAGE_SIZE
    assert "نے ایک رپورٹ کھولی۔" in page.content()
    assert_accessible(page, "audit log (ur)")
    screenshot(page, "staff-ur-audit-sentences")

    page.select_option("select[name=kind]", "report.received")
    page.click("form.filters button[type=submit]")
    assert page.locator("table.audit tbody tr").count() == 1
    assert "ایک رپورٹر نے" in page.locator("table.audit tbody").inner_text()
    assert_accessible(page, "audit log filtered (ur)")

    page.goto(f"{base}/staff/audit/?kind=report.viewed")
    page.click("a[rel=next]")
    assert page.locator("table.audit tbody tr").count() == 5
    assert page.locator("a[rel=prev]").count() == 1
    page.set_viewport_size({"width": 360, "height": 800})
    assert_accessible(page, "audit log, second page, phone (ur)")
    screenshot(page, "staff-ur-audit-second-page")
