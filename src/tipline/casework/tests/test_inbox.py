"""The inbox: newest first, filters, keyset paging, unread markers, deadlines; built from
readable columns only, with a fixed number of queries whatever the number of reports."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tipline.casework import selectors
from tipline.intake.models import Report
from tipline.testing.fixtures import DeskWithRecipient, sign_in

from .helpers import report_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(
    desk_with_recipient: DeskWithRecipient, files_dir: object
) -> tuple[Client, DeskWithRecipient]:
    client = Client()
    sign_in(client, desk_with_recipient.analyst, desk_with_recipient.device)
    return client, desk_with_recipient


def numbers(response: object) -> list[int]:
    return [row[0].number for row in response.context["rows"]]  # type: ignore[attr-defined]


def test_newest_first_with_filters(signed_in: tuple[Client, DeskWithRecipient]) -> None:
    client, setup = signed_in
    report_in(setup, category="drug-trafficking")
    report_in(setup, category="corruption")
    report_in(setup, category="corruption", language="ur")
    Report.objects.filter(number=1).update(status="in_progress", assigned_to=setup.analyst)
    corruption = setup.desk.categories.get(slug="corruption").id

    assert numbers(client.get("/staff/desk/narcotics/")) == [3, 2, 1]
    assert numbers(client.get(f"/staff/desk/narcotics/?category={corruption}")) == [3, 2]
    assert numbers(client.get("/staff/desk/narcotics/?status=in_progress")) == [1]
    assert numbers(client.get("/staff/desk/narcotics/?assigned=me")) == [1]
    assert numbers(client.get("/staff/desk/narcotics/?assigned=none")) == [3, 2]
    today = timezone.now().date().isoformat()
    assert numbers(client.get(f"/staff/desk/narcotics/?received_from={today}")) == [3, 2, 1]
    assert numbers(client.get("/staff/desk/narcotics/?received_to=2000-01-01")) == []


def test_language_filter(signed_in: tuple[Client, DeskWithRecipient]) -> None:
    from tipline.intake.tests.helpers import send_report

    client, setup = signed_in
    report_in(setup)
    send_report(Client(), setup.desk.categories.get(slug="smuggling"), language="ur")
    assert numbers(client.get("/staff/desk/narcotics/?language=ur")) == [2]


def test_unread_markers_clear_when_opened_and_return_with_a_reporter_message(
    signed_in: tuple[Client, DeskWithRecipient],
) -> None:
    client, setup = signed_in
    _, code = report_in(setup)
    report_in(setup)
    assert numbers(client.get("/staff/desk/narcotics/?unread=on")) == [2, 1]
    client.get("/staff/desk/narcotics/report/1/")
    assert numbers(client.get("/staff/desk/narcotics/?unread=on")) == [2]
    Client().post("/en/receipt/message/", {"receipt": code, "text": "More news"})
    assert numbers(client.get("/staff/desk/narcotics/?unread=on")) == [2, 1]
    assert "new message" in client.get("/staff/desk/narcotics/").content.decode()


def test_overdue_deadlines(signed_in: tuple[Client, DeskWithRecipient]) -> None:
    client, setup = signed_in
    report_in(setup)
    report_in(setup)
    Report.objects.filter(number=1).update(received_at=timezone.now() - dt.timedelta(days=8))
    response = client.get("/staff/desk/narcotics/?overdue=on")
    assert numbers(response) == [1]
    assert "acknowledgement late" in response.content.decode()


def test_keyset_paging_walks_every_report_once(
    signed_in: tuple[Client, DeskWithRecipient], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, setup = signed_in
    for _ in range(5):
        report_in(setup)
    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    seen, url = [], "/staff/desk/narcotics/?"
    while True:
        response = client.get(url)
        seen += numbers(response)
        if not response.context["next_query"]:
            break
        url = "/staff/desk/narcotics/?" + response.context["next_query"]
    assert seen == [5, 4, 3, 2, 1]


def test_the_inbox_costs_the_same_queries_for_many_reports_and_reads_no_ciphertext(
    signed_in: tuple[Client, DeskWithRecipient],
) -> None:
    client, setup = signed_in
    report_in(setup)
    with CaptureQueriesContext(connection) as few:
        client.get("/staff/desk/narcotics/")
    for _ in range(6):
        report_in(setup)
    Report.objects.filter(number__gt=3).update(assigned_to=setup.analyst)
    with CaptureQueriesContext(connection) as many:
        client.get("/staff/desk/narcotics/")
    assert len(many.captured_queries) == len(few.captured_queries)
    inbox_sql = " ".join(q["sql"] for q in many.captured_queries if "intake_report" in q["sql"])
    assert '"content"' not in inbox_sql and "report_key_for_reporter" not in inbox_sql


@pytest.mark.parametrize(
    "query",
    [
        "status=banana",
        "category=abc",
        "received_from=yesterday",
        "assigned=<script>",
        "after=garbage",
    ],
)
def test_bad_filters_get_a_clear_answer(
    signed_in: tuple[Client, DeskWithRecipient], query: str
) -> None:
    client, setup = signed_in
    report_in(setup)
    response = client.get(f"/staff/desk/narcotics/?{query}")
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert "errorlist" in response.content.decode()
