"""Public figures an outsider cannot move, and that do not move by one the day after.

Reports filed to move a figure count as received only until triage closes them (as
unfounded or duplicates), and a month is published only after triage had time; once
published, a month is frozen, and corrections reach it only in a later publication and
only for a cell they move by 5 or more."""

import datetime
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import translation

from tipline.casework.actions import set_status
from tipline.casework.tests.helpers import report_in
from tipline.desks.models import Desk
from tipline.outcomes import actions, rewards
from tipline.outcomes.actions import OutcomeFacts
from tipline.outcomes.models import PublishedMonth
from tipline.outcomes.publication import (
    TRIAGE_DAYS,
    first_month,
    published_counts,
    published_months,
)
from tipline.reports.models import Report
from tipline.testing.fixtures import DeskWithRecipient

pytestmark = pytest.mark.django_db
TODAY = datetime.datetime.now(datetime.UTC).date()
# Always in a published month: three months back.
BACK_THEN = TODAY.replace(day=1) - datetime.timedelta(days=70)
TABLES = re.compile(r"<table[^>]*>.*?</table>", re.S)


def publishing(slug: str) -> DeskWithRecipient:
    setup = DeskWithRecipient(slug)
    rewards.set_programme(
        setup.desk, currency="PKR", ceiling=Decimal(10), acting_user=None, publish_results=True
    )  # type: ignore[arg-type]
    return setup


def reports_back_then(setup: DeskWithRecipient, how_many: int) -> list[Report]:
    made = [report_in(setup)[0] for _ in range(how_many)]
    moved = datetime.datetime.combine(BACK_THEN, datetime.time(12), tzinfo=datetime.UTC)
    Report.objects.filter(pk__in=[r.pk for r in made]).update(received_at=moved)
    for report in made:
        report.refresh_from_db()
    return made


def public_tables(slug: str) -> list[str]:
    response = Client().get(f"/en/results/{slug}/")
    assert response.status_code == 200
    return TABLES.findall(response.content.decode())


def test_months_are_published_whole_and_after_triage_had_time() -> None:
    for offset in range(0, 400, 7):
        today = datetime.date(2026, 1, 1) + datetime.timedelta(days=offset)
        months = published_months(today)
        assert len(months) == 12 and all(m.day == 1 for m in months)
        after_last = (months[-1] + datetime.timedelta(days=32)).replace(day=1)
        # The last published month ended TRIAGE_DAYS or more ago; the next one did not.
        assert after_last - datetime.timedelta(days=1) + datetime.timedelta(TRIAGE_DAYS) <= today
        following = (after_last + datetime.timedelta(days=32)).replace(day=1)
        assert following - datetime.timedelta(days=1) + datetime.timedelta(TRIAGE_DAYS) > today


@pytest.mark.parametrize("real", [1, 4])
def test_five_reports_filed_to_move_a_figure_reveal_nothing(files_dir: object, real: int) -> None:
    """Two desks with the same real count in a rare category; on the second, someone files
    5 more reports that month to read the real count off N+5. Triage closes them as
    unfounded before the month is published: the two public pages are the same, every
    cell and every total, so nothing published tells the real count."""
    quiet, targeted = publishing("quiet"), publishing("targeted")
    reports_back_then(quiet, real)
    reports_back_then(targeted, real)
    injected = reports_back_then(targeted, 5)
    for report in injected:
        set_status(report, targeted.analyst, "closed", "unfounded")
    assert public_tables("targeted") == public_tables("quiet")
    assert "fewer than 5" in public_tables("targeted")[0]
    # Without triage the page would have shown N+5: the closing is what holds.
    assert Report.objects.filter(desk=targeted.desk).count() == real + 5


def test_a_published_month_is_frozen_and_moves_only_by_five_or_more(files_dir: object) -> None:
    setup = publishing("narcotics")
    reports = reports_back_then(setup, 12)
    for report in reports[:6]:
        actions.record_outcome(
            report, OutcomeFacts("cleared", BACK_THEN), acting_user=setup.analyst
        )
    label = BACK_THEN.strftime("%Y-%m")
    first = public_tables("narcotics")
    months = published_months(TODAY)
    assert published_counts(setup.desk, months)["cleared"][(label, "drug-trafficking")] == 6

    # One more case cleared that month: the page does not move the day after.
    actions.record_outcome(
        reports[6], OutcomeFacts("cleared", BACK_THEN), acting_user=setup.analyst
    )
    assert public_tables("narcotics") == first
    # Nor at the next publication: a shown cell never moves by 1 to 4 on its own.
    next_month = published_months(TODAY + datetime.timedelta(days=31))
    cell = ("cleared", (label, "drug-trafficking"))
    assert published_counts(setup.desk, next_month)[cell[0]][cell[1]] == 6

    # Four more: the difference is 5, and the publication after carries it.
    for report in reports[7:11]:
        actions.record_outcome(
            report, OutcomeFacts("cleared", BACK_THEN), acting_user=setup.analyst
        )
    assert published_counts(setup.desk, next_month)[cell[0]][cell[1]] == 6
    later = published_months(TODAY + datetime.timedelta(days=62))
    assert published_counts(setup.desk, later)[cell[0]][cell[1]] == 11


def test_a_new_desk_publishes_no_month_from_before_it_existed(files_dir: object) -> None:
    """A desk created today has no published month yet: the page says so, shows no table of
    "fewer than 5" for months it did not exist, and freezes nothing."""
    publishing("fresh")
    response = Client().get("/en/results/fresh/")
    page = response.content.decode()
    assert response.status_code == 200
    assert not TABLES.findall(page) and "fewer than 5</" not in page
    assert "No month is published yet" in page
    for language in ("ur", "zh-hans", "ps", "fa"):
        with translation.override(language):
            said = translation.gettext(
                "No month is published yet: the figures of a month appear %(days)s days "
                "after it ends."
            ) % {"days": TRIAGE_DAYS}
        assert "No month" not in said
        assert said in Client().get(f"/{language}/results/fresh/").content.decode()
    assert not PublishedMonth.objects.exists()


def test_months_start_at_the_desks_first_month(files_dir: object) -> None:
    """A desk created three months back shows and freezes its months from then on only; a
    report older than the desk (brought over from an earlier system) moves the start back."""
    setup = publishing("young")
    created = datetime.datetime.combine(BACK_THEN, datetime.time(12), tzinfo=datetime.UTC)
    Desk.objects.filter(pk=setup.desk.pk).update(created_at=created)
    start = BACK_THEN.replace(day=1)
    months = [m for m in published_months(TODAY) if m >= start]
    assert 0 < len(months) < 12
    rows = re.findall(r'<th scope="row"><bdi dir="ltr">(\d{4}-\d{2})</bdi>', public_page("young"))
    assert rows == [m.strftime("%Y-%m") for m in months] * 4  # four tables
    assert sorted(PublishedMonth.objects.values_list("month", flat=True)) == months

    older = (start - datetime.timedelta(days=1)).replace(day=1)
    moved = datetime.datetime.combine(older, datetime.time(12), tzinfo=datetime.UTC)
    report = report_in(setup)[0]
    Report.objects.filter(pk=report.pk).update(received_at=moved)
    assert first_month(Desk.objects.get(pk=setup.desk.pk)) == older
    assert f"{older:%Y-%m}</bdi>" in public_page("young")


def public_page(slug: str) -> str:
    response = Client().get(f"/en/results/{slug}/")
    assert response.status_code == 200
    return response.content.decode()
