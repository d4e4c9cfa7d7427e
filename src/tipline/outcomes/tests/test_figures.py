"""The dashboard's, campaign's and public page's figures equal figures this test computes
itself from the rows it made through the real pages and actions."""

import csv
import datetime
import io
from decimal import Decimal

import pytest

from tipline.casework.tests.helpers import report_in
from tipline.desks.models import Desk
from tipline.outcomes import actions, rewards
from tipline.outcomes.actions import OutcomeFacts
from tipline.reports.models import Report
from tipline.testing.fixtures import DeskWithRecipient

from .helpers import staff_on

pytestmark = pytest.mark.django_db
TODAY = datetime.datetime.now(datetime.UTC).date()


@pytest.fixture
def made(desk_with_recipient: DeskWithRecipient, files_dir: object) -> dict:
    """Seven drug reports and two arms reports, with outcomes, one corrected, one from a
    partner; returns what the test expects, computed from the facts it entered."""
    setup = desk_with_recipient
    drugs = [report_in(setup)[0] for _ in range(7)]
    arms = [report_in(setup, category="arms-trafficking")[0] for _ in range(2)]
    analyst = setup.analyst
    entered: list[tuple[Report, OutcomeFacts]] = [
        (drugs[0], OutcomeFacts("arrests", TODAY, count=3)),
        (drugs[1], OutcomeFacts("arrests", TODAY, count=4)),
        (
            arms[0],
            OutcomeFacts(
                "seizure", TODAY, seizure_kind="firearms", quantity=Decimal(2), unit="pieces"
            ),
        ),
        (
            drugs[2],
            OutcomeFacts(
                "seizure",
                TODAY,
                seizure_kind="drugs",
                substance="heroin",
                quantity=Decimal("1.5"),
                unit="kg",
            ),
        ),
        (
            drugs[3],
            OutcomeFacts(
                "seizure",
                TODAY,
                seizure_kind="drugs",
                substance="heroin",
                quantity=Decimal("2"),
                unit="kg",
            ),
        ),
        (
            drugs[3],
            OutcomeFacts(
                "assets", TODAY, asset_action="frozen", value=Decimal(1000), currency="USD"
            ),
        ),
        (
            arms[1],
            OutcomeFacts(
                "assets", TODAY, asset_action="confiscated", value=Decimal(500), currency="PKR"
            ),
        ),
    ] + [(report, OutcomeFacts("cleared", TODAY)) for report in drugs[:6]]
    for report, facts in entered:
        actions.record_outcome(report, facts, acting_user=analyst)
    wrong = actions.record_outcome(
        drugs[4], OutcomeFacts("arrests", TODAY, count=10), acting_user=analyst
    )
    actions.correct_outcome(wrong, OutcomeFacts("arrests", TODAY, count=1), acting_user=analyst)
    actions.record_partner_outcome(arms[0], OutcomeFacts("arrests", TODAY, count=2), partner="p")
    entered += [(drugs[4], OutcomeFacts("arrests", TODAY, count=1))]
    entered += [(arms[0], OutcomeFacts("arrests", TODAY, count=2))]
    client, supervisor = staff_on(setup, "sup", "supervisor")
    rewards.set_programme(
        setup.desk, currency="PKR", ceiling=Decimal(1000), acting_user=None, publish_results=True
    )  # type: ignore[arg-type]
    reward = rewards.propose(drugs[0], "300", acting_user=analyst)
    rewards.decide(reward, approve=True, acting_user=supervisor)  # type: ignore[arg-type]
    return {
        "setup": setup,
        "client": client,
        "drugs": drugs,
        "arms": arms,
        "arrests": sum(f.count or 0 for _r, f in entered if f.kind == "arrests"),
        "cleared": sum(1 for _r, f in entered if f.kind == "cleared"),
        "firearms": sum(f.quantity or 0 for _r, f in entered if f.seizure_kind == "firearms"),
        "heroin": sum(f.quantity or 0 for _r, f in entered if f.substance == "heroin"),
        "seizures": sum(1 for _r, f in entered if f.kind == "seizure"),
    }


def table(client: object, url: str) -> dict[str, list[str]]:
    response = client.get(url)  # type: ignore[attr-defined]
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    return {row[0]: row[1:] for row in rows[1:]}


def test_dashboard_figures_equal_the_rows_made(made: dict) -> None:
    client = made["client"]
    page = client.get("/staff/outcomes/desk/narcotics/")
    assert page.status_code == 200
    outcomes = table(client, "/staff/outcomes/desk/narcotics/csv/outcomes/")
    assert int(outcomes["arrests"][0]) == made["arrests"] == 10
    assert int(outcomes["cases cleared"][0]) == made["cleared"]
    assert int(outcomes["seizures"][0]) == made["seizures"]
    assert Decimal(outcomes["firearms seized (pieces)"][0]) == made["firearms"]
    assert int(outcomes["outcomes through partner"][0]) == 1
    drugs = table(client, "/staff/outcomes/desk/narcotics/csv/drugs/")
    assert Decimal(drugs["Heroin (kg)"][0]) == made["heroin"]
    assets = table(client, "/staff/outcomes/desk/narcotics/csv/assets/")
    assert Decimal(assets["USD"][0]) == 1000 and Decimal(assets["PKR"][0]) == 500
    by_category = table(client, "/staff/outcomes/desk/narcotics/csv/reports-by-category/")
    assert sum(int(v) for row in by_category.values() for v in row) == 9
    rewards_by_state = table(client, "/staff/outcomes/desk/narcotics/csv/rewards/")
    assert int(rewards_by_state["Approved"][0]) == 1
    # The whole installation holds the same figures when there is one desk.
    assert table(client, "/staff/outcomes/csv/outcomes/") == outcomes


def test_a_bad_period_gets_a_clear_error(made: dict) -> None:
    client = made["client"]
    for query in [
        "start=2026-13-01&end=2026-01-01",
        "start=2026-05-01&end=2026-01-01",
        "start=1990-01-01&end=2026-01-01",
        "start=%00",
    ]:
        assert client.get(f"/staff/outcomes/desk/narcotics/?{query}").status_code == 400


def test_an_analyst_sees_no_dashboard(made: dict) -> None:
    from .helpers import analyst_client

    assert analyst_client(made["setup"]).get("/staff/outcomes/").status_code == 403


def test_a_campaign_shows_its_headline_figures(made: dict) -> None:
    client = made["client"]
    response = client.post(
        "/staff/outcomes/campaigns/",
        {
            "name": "Clean harbour",
            "starts_on": (TODAY - datetime.timedelta(days=20)).isoformat(),
            "ends_on": (TODAY + datetime.timedelta(days=10)).isoformat(),
            "desks": ["narcotics"],
            "categories": ["drug-trafficking"],
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    # Drug reports only: the arms reports' outcomes do not count.
    arrests = 3 + 4 + 1
    assert "<strong>7</strong> reports received" in page
    assert "<strong>6</strong> cases cleared" in page
    assert f"<strong>{arrests}</strong> arrests" in page
    assert '<strong><bdi dir="ltr">3.5 kg</bdi></strong> heroin' in page
    growth = table(client, response["Location"] + "csv/growth/")
    last = list(growth.values())[-1]
    assert [int(v) for v in last] == [7, 6, arrests]


def test_the_public_page_suppresses_small_counts(made: dict) -> None:
    last_month = TODAY.replace(day=1) - datetime.timedelta(days=70)
    moved = datetime.datetime.combine(last_month, datetime.time(12), tzinfo=datetime.UTC)
    # Received three months ago (the public page shows whole months, once triaged).
    Report.objects.all().update(received_at=moved)
    from django.test import Client

    page = Client().get("/ur/results/narcotics/").content.decode()
    assert "5 سے کم" in page or "fewer than 5" in page
    en = Client().get("/en/results/narcotics/")
    assert en.status_code == 200 and not en.cookies
    text = en.content.decode()
    assert "<td>7</td>" in text  # seven drug reports
    assert "<td>fewer than 5</td>" in text  # two arms reports
    assert "<td>at least 7</td>" in text  # the month's total leaves the arms reports out
    assert "<script" not in text


def test_results_of_an_unpublished_desk_are_not_found(made: dict) -> None:
    rewards.set_programme(made["setup"].desk, currency="PKR", ceiling=Decimal(1), acting_user=None)  # type: ignore[arg-type]
    from django.test import Client

    assert Client().get("/en/results/narcotics/").status_code == 404
    assert Client().get("/en/results/nowhere/").status_code == 404


def test_a_training_desk_publishes_nothing_and_counts_in_no_overall_figure(made: dict) -> None:
    from django.test import Client

    from tipline.outcomes.views import real_desks_of

    setup = made["setup"]
    assert Client().get("/en/results/narcotics/").status_code == 200
    Desk.objects.filter(pk=setup.desk.pk).update(is_training=True)
    assert Client().get("/en/results/narcotics/").status_code == 404
    assert real_desks_of(setup.analyst) == []
