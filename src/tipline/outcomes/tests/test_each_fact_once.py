"""Each fact counts once: a case is cleared once, an identical entry asks first, and the
date of an outcome lies between the report's arrival and today."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tipline.casework.tests.helpers import report_in
from tipline.outcomes import actions
from tipline.outcomes.actions import OutcomeFacts, SameEntryAgain
from tipline.outcomes.models import Outcome
from tipline.testing.fixtures import DeskWithRecipient

from .helpers import analyst_client, staff_on

pytestmark = pytest.mark.django_db
TODAY = datetime.datetime.now(datetime.UTC).date()


@pytest.fixture
def setup(desk_with_recipient: DeskWithRecipient, files_dir: object) -> DeskWithRecipient:
    return desk_with_recipient


def cleared_figure(client: object) -> int:
    page = client.get("/staff/outcomes/desk/narcotics/csv/outcomes/")  # type: ignore[attr-defined]
    rows = dict(line.split(",", 1) for line in page.content.decode().splitlines()[1:])
    return int(rows["cases cleared"])


def test_a_second_cleared_on_one_report_is_refused_and_counts_once(
    setup: DeskWithRecipient,
) -> None:
    report, _receipt = report_in(setup)
    client = analyst_client(setup)
    url = f"/staff/outcomes/desk/narcotics/report/{report.number}/record/"
    data = {"kind": "cleared", "occurred_on": TODAY.isoformat()}
    assert client.post(url, data).status_code == 302
    second = client.post(url, data)
    assert second.status_code == 400
    assert "counts as cleared once" in second.content.decode()
    # Even the "record it again" confirmation does not clear a case twice.
    assert client.post(url, {**data, "again": "1"}).status_code == 400
    assert Outcome.objects.filter(kind="cleared").count() == 1
    supervisor, _user = staff_on(setup, "sup", "supervisor")
    assert cleared_figure(supervisor) == 1


def test_the_database_refuses_a_second_current_cleared(setup: DeskWithRecipient) -> None:
    report, _receipt = report_in(setup)
    first = actions.record_outcome(
        report, OutcomeFacts("cleared", TODAY), acting_user=setup.analyst
    )
    second = Outcome(
        report=report, desk=first.desk, category=first.category, kind="cleared", occurred_on=TODAY
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()


def test_a_withdrawn_clearance_may_be_recorded_again_and_history_stays(
    setup: DeskWithRecipient,
) -> None:
    report, _receipt = report_in(setup)
    first = actions.record_outcome(
        report, OutcomeFacts("cleared", TODAY), acting_user=setup.analyst
    )
    actions.correct_outcome(first, None, acting_user=setup.analyst)
    actions.record_outcome(report, OutcomeFacts("cleared", TODAY), acting_user=setup.analyst)
    assert Outcome.objects.filter(report=report).count() == 3
    counted = Outcome.objects.filter(report=report, current=True, withdrawn=False)
    assert counted.count() == 1


def test_a_partner_clearing_a_cleared_case_adds_nothing(setup: DeskWithRecipient) -> None:
    report, _receipt = report_in(setup)
    actions.record_outcome(report, OutcomeFacts("cleared", TODAY), acting_user=setup.analyst)
    assert (
        actions.record_partner_outcome(report, OutcomeFacts("cleared", TODAY), partner="p") is None
    )
    assert Outcome.objects.filter(kind="cleared").count() == 1


def test_a_second_identical_arrest_asks_before_it_counts(setup: DeskWithRecipient) -> None:
    report, _receipt = report_in(setup)
    client = analyst_client(setup)
    url = f"/staff/outcomes/desk/narcotics/report/{report.number}/record/"
    data = {"kind": "arrests", "occurred_on": TODAY.isoformat(), "count": "2"}
    assert client.post(url, data).status_code == 302
    double_click = client.post(url, data)
    assert double_click.status_code == 400
    page = double_click.content.decode()
    assert "confirm to record it again" in page
    assert 'name="again" value="1"' in page and 'name="count" value="2"' in page
    assert Outcome.objects.filter(kind="arrests").count() == 1
    # A different arrest on the same report is no repeat.
    assert client.post(url, {**data, "count": "3"}).status_code == 302
    # Confirmed: a second, separate arrest of two.
    assert client.post(url, {**data, "again": "1"}).status_code == 302
    assert sorted(Outcome.objects.filter(kind="arrests").values_list("count", flat=True)) == [
        2,
        2,
        3,
    ]


def test_an_identical_seizure_raises_same_entry_again(setup: DeskWithRecipient) -> None:
    report, _receipt = report_in(setup)
    facts = OutcomeFacts(
        "seizure", TODAY, seizure_kind="firearms", quantity=Decimal(19), unit="pieces"
    )
    actions.record_outcome(report, facts, acting_user=setup.analyst)
    with pytest.raises(SameEntryAgain):
        actions.record_outcome(report, facts, acting_user=setup.analyst)
    assert Outcome.objects.count() == 1


@pytest.mark.parametrize(
    ("days", "message"),
    [(1, "cannot be in the future"), (-400, "before the report arrived")],
)
def test_an_outcome_dated_outside_the_reports_life_is_refused(
    setup: DeskWithRecipient, days: int, message: str
) -> None:
    report, _receipt = report_in(setup)
    client = analyst_client(setup)
    response = client.post(
        f"/staff/outcomes/desk/narcotics/report/{report.number}/record/",
        {"kind": "cleared", "occurred_on": (TODAY + datetime.timedelta(days=days)).isoformat()},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Outcome.objects.exists()
    with pytest.raises(ValidationError):
        actions.record_outcome(
            report,
            OutcomeFacts("arrests", TODAY + datetime.timedelta(days=days), count=1),
            acting_user=setup.analyst,
        )


@pytest.mark.parametrize("language", ["ur", "zh-hans"])
def test_a_refused_second_clearance_speaks_the_staff_members_language(
    setup: DeskWithRecipient, language: str
) -> None:
    from django.utils import translation

    from tipline.accounts.actions import set_language

    report, _receipt = report_in(setup)
    actions.record_outcome(report, OutcomeFacts("cleared", TODAY), acting_user=setup.analyst)
    set_language(setup.analyst, language, acting_user=None)
    response = analyst_client(setup).post(
        f"/staff/outcomes/desk/narcotics/report/{report.number}/record/",
        {"kind": "cleared", "occurred_on": TODAY.isoformat()},
    )
    assert response.status_code == 400
    with translation.override(language):
        expected = translation.gettext(
            "This case is recorded as cleared already; a case counts as cleared once."
        )
    assert "counts as cleared once" not in expected
    assert expected in response.content.decode()
