"""The case page's related and linked reports say what they are about, as inbox rows do (a
title, or the first words): decrypted only for the reports this analyst can open."""

from pathlib import Path

import pytest
from django.test import Client

from tipline.accounts.actions import create_staff
from tipline.reports.models import Report
from tipline.testing.fixtures import STRONG_PASSWORD, DeskWithRecipient, sign_in
from tipline.triage import actions

from .helpers import report_in

pytestmark = pytest.mark.django_db
CASE = "/staff/desk/narcotics/report/{}/"
TRUCK = "A white truck crossed the Torkham border at 2 am with heroin."


def triage_part(page: str) -> str:
    return page.split('id="triage-heading"')[1].split("</section>")[0]


def test_related_and_linked_reports_show_their_first_line_to_who_can_open_them(
    desk_with_recipient: DeskWithRecipient, files_dir: Path
) -> None:
    setup = desk_with_recipient
    report_in(setup, description=TRUCK)
    report_in(setup, description="Someone sells stolen motorbikes behind the cinema.")
    # Added now: the reports above are not sealed to the newcomer, the next one is.
    newcomer = create_staff(
        username="newcomer",
        password=STRONG_PASSWORD,
        role="analyst",
        desks=[setup.desk],
        acting_user=None,
    )
    report_in(setup, description="رات دو بجے سفید ٹرک ہیروئن لے کر طورخم سرحد سے گزرا۔")
    actions.analyse(list(Report.objects.all()), setup.analyst, setup.private_key)

    analyst = Client()
    sign_in(analyst, setup.analyst, setup.device)
    related = triage_part(analyst.get(CASE.format(3)).content.decode())
    assert f'<span class="first-line" lang="en" dir="auto">{TRUCK}' in related
    analyst.post(CASE.format(3) + "title/", {"title": "Torkham heroin truck"})
    analyst.post(CASE.format(1) + "title/", {"title": "White truck at Torkham"})
    analyst.post(CASE.format(3) + "triage/link/", {"other": 1, "kind": "duplicate_of"})
    linked = triage_part(analyst.get(CASE.format(3)).content.decode())
    assert "White truck at Torkham" in linked  # a title, where an analyst gave one
    assert "Torkham heroin truck" in triage_part(analyst.get(CASE.format(1)).content.decode())

    # The newcomer opens report 3 and sees its link to report 1, never what 1 says.
    other = Client()
    sign_in(other, newcomer.user, newcomer.device)
    page = other.get(CASE.format(3)).content.decode()
    theirs = triage_part(page)
    assert "#1" in theirs
    assert "White truck" not in page and "Torkham border" not in page
    assert 'class="first-line"' not in theirs
