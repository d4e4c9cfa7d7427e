"""Outcome entry on the case page, corrections that keep their history, partner outcomes."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tipline.audit.models import AuditEvent
from tipline.casework.tests.helpers import report_in
from tipline.outcomes import actions
from tipline.outcomes.actions import OutcomeFacts
from tipline.outcomes.models import Outcome
from tipline.testing.fixtures import DeskWithRecipient

from .helpers import analyst_client

pytestmark = pytest.mark.django_db
TODAY = datetime.datetime.now(datetime.UTC).date()


@pytest.fixture
def setup(desk_with_recipient: DeskWithRecipient, files_dir: object) -> DeskWithRecipient:
    return desk_with_recipient


def test_an_analyst_records_a_seizure_on_the_case_page(setup: DeskWithRecipient) -> None:
    report, _receipt = report_in(setup)
    client = analyst_client(setup)
    response = client.post(
        f"/staff/outcomes/desk/narcotics/report/{report.number}/record/",
        {
            "kind": "seizure",
            "occurred_on": TODAY.isoformat(),
            "seizure_kind": "drugs",
            "substance": "heroin",
            "quantity": "12.5",
            "unit": "kg",
            "value": "250000",
            "currency": "usd",
        },
    )
    assert response.status_code == 302
    outcome = Outcome.objects.get()
    assert outcome.quantity == Decimal("12.5") and outcome.currency == "USD"
    assert outcome.desk == setup.desk and outcome.category == report.category
    page = client.get(f"/staff/desk/narcotics/report/{report.number}/").content.decode()
    assert "Heroin" in page and "12.5 kg" in page and "250,000 USD" in page
    assert AuditEvent.objects.filter(action="outcome.recorded", report_id=report.id).exists()


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "arrests", "occurred_on": TODAY.isoformat()},  # no count
        {"kind": "arrests", "occurred_on": TODAY.isoformat(), "count": "0"},
        {"kind": "arrests", "occurred_on": "2999-01-01", "count": "2"},
        {"kind": "seizure", "occurred_on": TODAY.isoformat(), "seizure_kind": "drugs"},
        {
            "kind": "seizure",
            "occurred_on": TODAY.isoformat(),
            "seizure_kind": "firearms",
            "substance": "heroin",
            "quantity": "3",
            "unit": "pieces",
        },
        {
            "kind": "assets",
            "occurred_on": TODAY.isoformat(),
            "asset_action": "frozen",
            "value": "1000",
            "currency": "XYZ",
        },
        {
            "kind": "assets",
            "occurred_on": TODAY.isoformat(),
            "asset_action": "frozen",
            "value": "1000",
        },
        {"kind": "name_of_suspect", "occurred_on": TODAY.isoformat()},
        {"kind": "cleared", "occurred_on": "not a date"},
        {
            "kind": "seizure",
            "occurred_on": TODAY.isoformat(),
            "seizure_kind": "cash",
            "value": "1e40",
            "currency": "USD",
        },
    ],
)
def test_bad_outcomes_get_a_clear_error_and_change_nothing(
    setup: DeskWithRecipient, data: dict[str, str]
) -> None:
    report, _receipt = report_in(setup)
    client = analyst_client(setup)
    response = client.post(f"/staff/outcomes/desk/narcotics/report/{report.number}/record/", data)
    assert response.status_code == 400
    assert "Nothing was changed." in response.content.decode()
    assert not Outcome.objects.exists()


def test_a_correction_keeps_the_history(setup: DeskWithRecipient) -> None:
    report, _receipt = report_in(setup)
    first = actions.record_outcome(
        report, OutcomeFacts("arrests", TODAY, count=3), acting_user=setup.analyst
    )
    second = actions.correct_outcome(
        first, OutcomeFacts("arrests", TODAY, count=4), acting_user=setup.analyst
    )
    first.refresh_from_db()
    assert not first.current and first.count == 3
    assert second.current and second.supersedes == first and second.count == 4
    # Correcting the replaced entry again is refused: history never forks.
    with pytest.raises(ValidationError):
        actions.correct_outcome(
            first, OutcomeFacts("arrests", TODAY, count=9), acting_user=setup.analyst
        )
    page = analyst_client(setup).get(f"/staff/desk/narcotics/report/{report.number}/")
    text = page.content.decode()
    assert "replaced by a correction" in text and "current" in text
    assert list(
        AuditEvent.objects.filter(action__startswith="outcome.")
        .order_by("id")
        .values_list("action", "detail__count")
    ) == [("outcome.recorded", 3), ("outcome.corrected", 4)]


def test_a_withdrawn_entry_stays_in_the_history_and_counts_for_nothing(
    setup: DeskWithRecipient,
) -> None:
    report, _receipt = report_in(setup)
    first = actions.record_outcome(
        report, OutcomeFacts("arrests", TODAY, count=3), acting_user=setup.analyst
    )
    client = analyst_client(setup)
    response = client.post(
        f"/staff/outcomes/desk/narcotics/report/{report.number}/withdraw/{first.pk}/"
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"/report/{report.number}/#outcomes")
    assert Outcome.objects.count() == 2
    assert not Outcome.objects.filter(current=True, withdrawn=False).exists()
    case = client.get(f"/staff/desk/narcotics/report/{report.number}/").content.decode()
    assert "withdrawn" in case
    assert 'role="status">Outcome withdrawn.</p>' in case


def test_a_partner_outcome_counts_marked_through_partner(setup: DeskWithRecipient) -> None:
    report, _receipt = report_in(setup)
    outcome = actions.record_partner_outcome(
        report, OutcomeFacts("arrests", TODAY, count=2), partner="Border agency"
    )
    assert outcome.through_partner and outcome.recorded_by is None
    page = analyst_client(setup).get(f"/staff/desk/narcotics/report/{report.number}/")
    assert "through partner" in page.content.decode()
    assert AuditEvent.objects.filter(
        action="outcome.recorded_by_partner", detail__partner="Border agency"
    ).exists()


def test_another_desks_member_cannot_record_on_this_desk(setup: DeskWithRecipient) -> None:
    from tipline.testing.fixtures import DeskWithRecipient as Other

    report, _receipt = report_in(setup)
    other = Other("customs")
    from django.test import Client

    from tipline.testing.fixtures import sign_in

    client = Client()
    sign_in(client, other.analyst, other.device)
    response = client.post(
        f"/staff/outcomes/desk/narcotics/report/{report.number}/record/",
        {"kind": "cleared", "occurred_on": TODAY.isoformat()},
    )
    assert response.status_code == 404
    assert not Outcome.objects.exists()


def test_outcome_views_accept_only_post(setup: DeskWithRecipient) -> None:
    report, _receipt = report_in(setup)
    response = analyst_client(setup).get(
        f"/staff/outcomes/desk/narcotics/report/{report.number}/record/"
    )
    assert response.status_code == 405
