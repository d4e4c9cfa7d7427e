"""Units that add up: firearms in pieces, ammunition in rounds, a unit that makes no sense
for the seizure refused; seizure values summed per currency; figures grouped by thousands
in every page language."""

import datetime
from decimal import Decimal

import pytest

from tipline.accounts.actions import set_language
from tipline.casework.tests.helpers import report_in
from tipline.outcomes import actions
from tipline.outcomes.actions import OutcomeFacts
from tipline.outcomes.models import Outcome
from tipline.outcomes.numbers import grouped
from tipline.testing.fixtures import DeskWithRecipient

from .helpers import analyst_client, staff_on

pytestmark = pytest.mark.django_db
TODAY = datetime.datetime.now(datetime.UTC).date()


@pytest.fixture
def setup(desk_with_recipient: DeskWithRecipient, files_dir: object) -> DeskWithRecipient:
    return desk_with_recipient


@pytest.mark.parametrize(
    ("seized", "unit", "quantity"),
    [
        ("firearms", "kg", "3"),
        ("firearms", "rounds", "500"),
        ("ammunition", "pieces", "5"),
        ("drugs", "pieces", "4"),
        ("vehicles", "kg", "900"),
        ("cash", "pieces", "10"),
    ],
)
def test_a_unit_that_makes_no_sense_for_the_seizure_is_refused(
    setup: DeskWithRecipient, seized: str, unit: str, quantity: str
) -> None:
    report, _receipt = report_in(setup)
    data = {
        "kind": "seizure",
        "occurred_on": TODAY.isoformat(),
        "seizure_kind": seized,
        "quantity": quantity,
        "unit": unit,
        "value": "100",
        "currency": "USD",
    }
    if seized == "drugs":
        data["substance"] = "heroin"
    response = analyst_client(setup).post(
        f"/staff/outcomes/desk/narcotics/report/{report.number}/record/", data
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "For this seizure, the unit must be one of" in text or "only a value" in text
    assert not Outcome.objects.exists()


def csv_rows(client: object, section: str) -> dict[str, list[str]]:
    response = client.get(f"/staff/outcomes/desk/narcotics/csv/{section}/")  # type: ignore[attr-defined]
    assert response.status_code == 200
    return {
        line.split(",")[0]: line.split(",")[1:]
        for line in response.content.decode().splitlines()[1:]
    }


def test_firearms_count_pieces_ammunition_rounds_and_values_stay_per_currency(
    setup: DeskWithRecipient,
) -> None:
    reports = [report_in(setup)[0] for _ in range(3)]
    seizures = [
        (reports[0], "firearms", Decimal(19), "pieces", Decimal("2000"), "USD"),
        (reports[1], "ammunition", Decimal(500), "rounds", Decimal("150"), "USD"),
        (reports[2], "explosives", Decimal(3), "kg", Decimal("90000"), "PKR"),
    ]
    for report, kind, quantity, unit, value, currency in seizures:
        actions.record_outcome(
            report,
            OutcomeFacts(
                "seizure",
                TODAY,
                seizure_kind=kind,
                quantity=quantity,
                unit=unit,
                value=value,
                currency=currency,
            ),
            acting_user=setup.analyst,
        )
    client, _user = staff_on(setup, "sup", "supervisor")
    figures = csv_rows(client, "outcomes")
    assert Decimal(figures["firearms seized (pieces)"][0]) == 19
    assert Decimal(figures["ammunition seized (rounds)"][0]) == 500
    values = csv_rows(client, "seizure-values")
    assert {currency: Decimal(v[0]) for currency, v in values.items()} == {
        "PKR": Decimal(90000),
        "USD": Decimal(2150),
    }


@pytest.mark.parametrize(
    ("value", "language", "shown"),
    [
        (62101500000, "en", "62,101,500,000"),
        (Decimal("62101500000.00"), "ur", "62,101,500,000"),
        (Decimal("1234567.50"), "zh-hans", "1,234,567.5"),
        (Decimal("12.500"), "ur", "12.5"),
        (Decimal("1E+3"), "en", "1,000"),
        (999, "zh-hans", "999"),
        (0, "ur", "0"),
    ],
)
def test_figures_are_grouped_by_thousands(value: object, language: str, shown: str) -> None:
    assert grouped(value, language) == shown


@pytest.mark.parametrize("language", ["en", "ur", "zh-hans"])
def test_asset_values_print_grouped_on_every_staff_page_language(
    setup: DeskWithRecipient, language: str
) -> None:
    report, _receipt = report_in(setup)
    actions.record_outcome(
        report,
        OutcomeFacts(
            "assets", TODAY, asset_action="frozen", value=Decimal(62101500000), currency="PKR"
        ),
        acting_user=setup.analyst,
    )
    client, user = staff_on(setup, "sup", "supervisor")
    set_language(user, language, acting_user=None)  # type: ignore[arg-type]
    page = client.get("/staff/outcomes/desk/narcotics/").content.decode()
    assert "<td>62,101,500,000</td>" in page
    assert "62101500000" not in page
