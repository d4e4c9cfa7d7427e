"""The inbox: newest first, filters, keyset paging, unread markers, deadlines; built from
readable columns only, with a fixed number of queries whatever the number of reports."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tipline.audit.models import AuditEvent
from tipline.casework import selectors
from tipline.casework.models import ReportTitle
from tipline.reports.models import Report, ReportKeySeal
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
    from tipline.reports.tests.helpers import send_report

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
    inbox_sql = [q["sql"] for q in many.captured_queries if "intake_report" in q["sql"]]
    assert "report_key_for_reporter" not in " ".join(inbox_sql)
    # Ciphertext is read for the rows' first lines only: the page's reports, by primary key.
    reading_content = [sql for sql in inbox_sql if '"content"' in sql]
    assert len(reading_content) == 1 and '"id" IN' in reading_content[0]


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


def test_each_row_shows_the_reporters_first_words_or_the_title_an_analyst_gave(
    signed_in: tuple[Client, DeskWithRecipient],
) -> None:
    client, setup = signed_in
    report_in(setup, description="A white van parks behind the mill every night at two.")
    report_in(setup, description="Crates of cigarettes cross at the river ford.")
    page = client.get("/staff/desk/narcotics/").content.decode()
    assert "A white van parks behind the mill" in page and "cigarettes cross" in page

    response = client.post("/staff/desk/narcotics/report/2/title/", {"title": "River ford"})
    assert response.status_code == 302
    page = client.get("/staff/desk/narcotics/").content.decode()
    assert "River ford" in page and "cigarettes cross" not in page
    assert AuditEvent.objects.filter(action="report.title_changed").count() == 1
    # The title is stored encrypted under the report's key, never readable.
    assert b"River ford" not in bytes(ReportTitle.objects.get().body)
    assert "River ford" in client.get("/staff/desk/narcotics/report/2/").content.decode()
    # An empty title brings back the first words.
    client.post("/staff/desk/narcotics/report/2/title/", {"title": ""})
    assert "cigarettes cross" in client.get("/staff/desk/narcotics/").content.decode()


def test_a_title_too_long_is_refused_with_a_clear_error_and_nothing_changes(
    signed_in: tuple[Client, DeskWithRecipient],
) -> None:
    client, setup = signed_in
    report_in(setup)
    response = client.post("/staff/desk/narcotics/report/1/title/", {"title": "x" * 121})
    assert response.status_code == 400 and "errorlist" in response.content.decode()
    assert not ReportTitle.objects.exists()


def test_rows_of_reports_not_sealed_to_the_viewer_show_no_line(
    signed_in: tuple[Client, DeskWithRecipient],
) -> None:
    client, setup = signed_in
    report_in(setup, description="Only the recipients read this line.")
    ReportKeySeal.objects.filter(staff=setup.analyst).delete()
    page = client.get("/staff/desk/narcotics/").content.decode()
    assert "Only the recipients read this line" not in page


def test_rows_and_the_language_filter_name_languages(
    signed_in: tuple[Client, DeskWithRecipient],
) -> None:
    from tipline.reports.tests.helpers import send_report

    client, setup = signed_in
    send_report(Client(), setup.desk.categories.get(slug="smuggling"), language="zh-hans")
    response = client.get("/staff/desk/narcotics/")
    assert response.context["rows"][0][0].language_name == "Chinese"
    assert '<option value="zh-hans">Chinese</option>' in response.content.decode()


def test_counts_at_the_top_say_shown_unread_and_late(
    signed_in: tuple[Client, DeskWithRecipient],
) -> None:
    client, setup = signed_in
    for _ in range(3):
        report_in(setup)
    Report.objects.filter(number=1).update(received_at=timezone.now() - dt.timedelta(days=8))
    client.get("/staff/desk/narcotics/report/3/")
    response = client.get("/staff/desk/narcotics/")
    assert response.context["counts"] == selectors.Counts(shown=3, unread=2, late=1)
    assert "3 reports · 2 unread · 1 late" in response.content.decode()


@pytest.mark.parametrize("sort", ["newest", "activity", "due"])
def test_every_order_pages_through_every_report_once(
    signed_in: tuple[Client, DeskWithRecipient], monkeypatch: pytest.MonkeyPatch, sort: str
) -> None:
    client, setup = signed_in
    for _ in range(5):
        report_in(setup)
    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    seen, url = [], f"/staff/desk/narcotics/?sort={sort}"
    while True:
        response = client.get(url)
        seen += numbers(response)
        if not response.context["next_query"]:
            break
        url = "/staff/desk/narcotics/?" + response.context["next_query"]
    assert sorted(seen) == [1, 2, 3, 4, 5] and len(seen) == 5


def test_orders_by_due_date_and_by_the_reporters_latest_activity(
    signed_in: tuple[Client, DeskWithRecipient],
) -> None:
    client, setup = signed_in
    now = timezone.now()
    for _ in range(4):
        report_in(setup)
    # 1: acknowledged long ago, feedback due in 60 days; 2: to acknowledge, due in 2 days;
    # 3: to acknowledge, due in 6 days; 4: closed, no due date.
    Report.objects.filter(number=1).update(
        received_at=now - dt.timedelta(days=30), acknowledged_at=now
    )
    Report.objects.filter(number=2).update(received_at=now - dt.timedelta(days=5))
    Report.objects.filter(number=3).update(received_at=now - dt.timedelta(days=1))
    Report.objects.filter(number=4).update(status="closed", close_reason="actioned")
    assert numbers(client.get("/staff/desk/narcotics/?sort=due")) == [2, 3, 1]

    Report.objects.filter(number=1).update(last_reporter_activity_at=now + dt.timedelta(hours=1))
    assert numbers(client.get("/staff/desk/narcotics/?sort=activity"))[:1] == [1]
