"""Dates every reader reads right (tipline/formats): each staff language has one style its
readers cannot misread, on the inbox, the case and its deadlines; date inputs show and
accept ISO in every language; reporters see times with their zone."""

import datetime as dt
import re

import pytest
from django.test import Client

from tipline.accounts.actions import create_staff
from tipline.accounts.models import StaffUser
from tipline.reports import conversation
from tipline.reports.models import Report
from tipline.testing.fixtures import STRONG_PASSWORD, DeskWithRecipient, sign_in

from .helpers import report_in

pytestmark = pytest.mark.django_db

# Acknowledgement was due 19 November 2026, feedback is due 10 February 2027.
RECEIVED = dt.datetime(2026, 11, 12, 9, 30, tzinfo=dt.UTC)
STYLE = {
    "en": ("12 Nov 2026, 09:30", "19 Nov 2026", "10 Feb 2027"),
    "ur": ("12 نومبر 2026، 09:30", "19 نومبر 2026", "10 فروری 2027"),
    "zh-hans": ("2026年11月12日 09:30", "2026年11月19日", "2027年2月10日"),
}
MONTH_FIRST = re.compile(r"\b(11/1[29]/2026|02/10/2027)\b")  # what Django's defaults showed


@pytest.fixture
def report(desk_with_recipient: DeskWithRecipient, files_dir: object) -> Report:
    found, _ = report_in(desk_with_recipient)
    Report.objects.filter(pk=found.pk).update(received_at=RECEIVED)
    found.refresh_from_db()
    return found


@pytest.mark.parametrize("language", sorted(STYLE))
def test_staff_pages_and_deadlines_show_the_languages_date_style(
    desk_with_recipient: DeskWithRecipient, report: Report, language: str
) -> None:
    setup = desk_with_recipient
    StaffUser.objects.filter(pk=setup.analyst.pk).update(language=language)
    client = Client()
    sign_in(client, setup.analyst, setup.device)
    received, acknowledge_by, feedback_by = STYLE[language]
    inbox = client.get(f"/staff/desk/{setup.desk.slug}/").content.decode()
    case = client.get(f"/staff/desk/{setup.desk.slug}/report/{report.number}/").content.decode()
    assert received in inbox and received in case
    assert acknowledge_by in case and feedback_by in case  # the deadlines
    assert not MONTH_FIRST.search(inbox) and not MONTH_FIRST.search(case)


@pytest.mark.parametrize("language", sorted(STYLE))
def test_date_inputs_show_and_accept_iso_in_every_staff_language(
    desk_with_recipient: DeskWithRecipient, report: Report, language: str
) -> None:
    setup = desk_with_recipient
    supervisor = create_staff(
        username="sana",
        password=STRONG_PASSWORD,
        role="supervisor",
        desks=[setup.desk],
        acting_user=None,
    )
    StaffUser.objects.filter(pk=supervisor.user.pk).update(language=language)
    client = Client()
    sign_in(client, supervisor.user, supervisor.device)
    inbox = client.get(
        f"/staff/desk/{setup.desk.slug}/?received_from=2026-11-01&received_to=2026-11-30"
    ).content.decode()
    assert re.search(r'<input type="date" name="received_from" value="2026-11-01"', inbox)
    assert re.search(r'<input type="date" name="received_to" value="2026-11-30"', inbox)
    assert f'/report/{report.number}/"' in inbox  # the filter took the ISO dates
    statistics = client.get(
        f"/staff/outcomes/desk/{setup.desk.slug}/?start=2026-10-01&end=2026-11-30"
    )
    assert statistics.status_code == 200
    page = statistics.content.decode()
    dates = re.findall(r'<input type="date" name="(\w+)" value="([^"]*)"', page)
    assert dict(dates) == {"start": "2026-10-01", "end": "2026-11-30"}
    # Unfiltered, the page pre-fills the last weeks: values its own inputs can show
    # (zh-hans's first input format was "2026/11/12" before).
    unfiltered = client.get(f"/staff/outcomes/desk/{setup.desk.slug}/").content.decode()
    prefilled = re.findall(r'<input type="date" name="(\w+)" value="([^"]*)"', unfiltered)
    assert [name for name, _ in prefilled] == ["start", "end"]
    for _name, value in prefilled:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)


@pytest.mark.parametrize("language", ["en", "ur", "zh-hans", "ps", "fa"])
def test_reporters_see_message_times_with_their_zone(
    desk_with_recipient: DeskWithRecipient, files_dir: object, language: str
) -> None:
    setup = desk_with_recipient
    found, code = report_in(setup)
    opened = conversation.open_as_staff(found, setup.analyst, setup.private_key)
    conversation.add_staff_reply(opened, author=setup.analyst, text="Thank you.")
    page = Client().post(f"/{language}/receipt/", {"receipt": code}).content.decode()
    times = re.findall(r'<time datetime="[^"]+" dir="auto">([^<]+)</time>', page)
    assert len(times) == 2  # the report's date, and the reply's time
    assert "UTC" not in times[0] and not re.search(r"\d:\d\d", times[0])  # a date only
    assert "UTC" in times[1] and re.search(r"\d:\d\d", times[1])
