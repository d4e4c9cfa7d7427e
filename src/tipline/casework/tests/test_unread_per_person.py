"""Unread is each staff member's own: one analyst opening a case leaves it new for the
others; a reporter's message is a "new message" to everyone who read the case before it."""

import re

import pytest
from django.test import Client

from tipline.accounts.actions import create_staff
from tipline.reports import conversation
from tipline.reports.models import Report
from tipline.reports.receipts import Receipt
from tipline.testing.fixtures import STRONG_PASSWORD, DeskWithRecipient, sign_in

from .helpers import report_in

pytestmark = pytest.mark.django_db


def markers(client: Client, desk_slug: str, query: str = "") -> dict[int, str]:
    """Report number -> the badge its inbox row shows ("" for none)."""
    page = client.get(f"/staff/desk/{desk_slug}/{query}").content.decode()
    # Each row: its export checkbox, then the link to the case.
    rows = re.findall(
        r'<tr class="([^"]*)">\s*(?:<td><input [^>]*></td>\s*)?<td><a href="[^"]*/report/(\d+)/">',
        page,
    )
    return {int(number): row_class for row_class, number in rows}


def test_opening_a_case_marks_it_read_for_that_analyst_only(
    desk_with_recipient: DeskWithRecipient, files_dir: object
) -> None:
    setup = desk_with_recipient
    second = create_staff(
        username="bilal",
        password=STRONG_PASSWORD,
        role="analyst",
        desks=[setup.desk],
        acting_user=None,
    )
    amina, bilal = Client(), Client()
    sign_in(amina, setup.analyst, setup.device)
    sign_in(bilal, second.user, second.device)
    first, code = report_in(setup)
    other, _ = report_in(setup)
    slug = setup.desk.slug

    assert markers(amina, slug) == {first.number: "unread", other.number: "unread"}
    assert amina.get(f"/staff/desk/{slug}/report/{first.number}/").status_code == 200
    assert markers(amina, slug) == {first.number: "", other.number: "unread"}
    assert markers(bilal, slug) == {first.number: "unread", other.number: "unread"}
    assert markers(amina, slug, "?unread=on") == {other.number: "unread"}
    assert markers(bilal, slug, "?unread=on") == {first.number: "unread", other.number: "unread"}

    # The reporter writes again: a new message for Amina, who read the case before it;
    # still simply new for Bilal, who never opened it. Bilal opening it now changes
    # nothing for Amina.
    opened = conversation.open_as_reporter(Receipt.read(code))
    assert opened is not None
    conversation.add_reporter_message(opened, text="One more thing.")
    assert markers(amina, slug)[first.number] == "waiting"
    assert bilal.get(f"/staff/desk/{slug}/report/{first.number}/").status_code == 200
    assert markers(bilal, slug) == {first.number: "", other.number: "unread"}
    assert markers(amina, slug)[first.number] == "waiting"
    assert markers(amina, slug, "?unread=on") == {first.number: "waiting", other.number: "unread"}
    badge = amina.get(f"/staff/desk/{slug}/").content.decode()
    assert "new message" in badge

    assert amina.get(f"/staff/desk/{slug}/report/{first.number}/").status_code == 200
    assert markers(amina, slug) == {first.number: "", other.number: "unread"}
    assert Report.objects.get(pk=first.pk).readings.count() == 2
