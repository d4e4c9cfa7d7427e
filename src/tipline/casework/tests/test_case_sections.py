"""The case page at a glance: every action returns to its own section with a one-line
confirmation for screen readers (or says it was not done), a reply sent twice within a
minute asks first, and "next unread report" goes on to the next report this analyst has not
read."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from tipline.accounts.actions import create_staff
from tipline.casework.models import Label
from tipline.casework.replies import LAST_REPLY
from tipline.reports import conversation
from tipline.reports.models import Message, Report
from tipline.reports.receipts import Receipt
from tipline.testing.fixtures import STRONG_PASSWORD, DeskWithRecipient, sign_in

from .helpers import report_in

pytestmark = pytest.mark.django_db
CASE = "/staff/desk/narcotics/report/1/"


@pytest.fixture
def work(
    desk_with_recipient: DeskWithRecipient, files_dir: object
) -> tuple[Client, DeskWithRecipient, str]:
    _, code = report_in(desk_with_recipient, description="Crates at the jetty")
    client = Client()
    sign_in(client, desk_with_recipient.analyst, desk_with_recipient.device)
    return client, desk_with_recipient, code


def section_top(page: str, section: str) -> str:
    """The start of the element with id `section`: where the confirmation must be."""
    assert page.count(f'id="{section}"') == 1, section
    return page.split(f'id="{section}"', 1)[1][:700]


def lands_with(client: Client, response: object, section: str, line: str) -> str:
    """The action answered with a redirect to its section's anchor; the page shows `line`
    there once, as a status for screen readers, and not on the next visit."""
    assert response.status_code == 302, response  # type: ignore[attr-defined]
    location = response["Location"]  # type: ignore[index]
    assert location.endswith(f"#{section}"), location
    page = client.get(location.split("#")[0]).content.decode()
    assert f'<p class="notice confirmation" role="status">{line}</p>' in section_top(page, section)
    assert page.count(line) == 1
    assert line not in client.get(CASE).content.decode()
    return page


def test_each_action_returns_to_its_section_and_says_it_was_done(
    work: tuple[Client, DeskWithRecipient, str],
) -> None:
    client, setup, _ = work
    label = Label.objects.create(desk=setup.desk, name="Border")
    lands_with(client, client.post(CASE + "reply/", {"text": "Thank you."}), "reply", "Reply sent.")
    lands_with(client, client.post(CASE + "note/", {"text": "Check"}), "notes", "Note added.")
    lands_with(
        client, client.post(CASE + "status/", {"status": "in_triage"}), "handling", "Status set."
    )
    lands_with(
        client,
        client.post(CASE + "assign/", {"assignee": str(setup.analyst.pk)}),
        "handling",
        f"Assigned to {setup.analyst.username}.",
    )
    lands_with(
        client,
        client.post(CASE + "assign/", {"assignee": ""}),
        "handling",
        "Nobody is assigned now.",
    )
    lands_with(
        client, client.post(CASE + "labels/", {"labels": [label.id]}), "handling", "Labels set."
    )
    lands_with(client, client.post(CASE + "title/", {"title": "Jetty"}), "title", "Title set.")
    lands_with(client, client.post(CASE + "title/", {"title": ""}), "title", "Title removed.")
    today = timezone.localdate().isoformat()
    lands_with(
        client,
        client.post(
            "/staff/outcomes/desk/narcotics/report/1/record/",
            {"kind": "arrests", "occurred_on": today, "count": "2"},
        ),
        "outcomes",
        "Outcome recorded.",
    )
    second, _ = report_in(setup, description="A van at the border every night")
    lands_with(
        client,
        client.post(CASE + "triage/link/", {"other": second.number, "kind": "related"}),
        "triage",
        "Reports linked.",
    )


def test_forms_post_to_their_own_section(work: tuple[Client, DeskWithRecipient, str]) -> None:
    """A form's address carries its section, so that a page answered with errors (not a
    redirect) opens there too."""
    client, setup, _ = work
    Label.objects.create(desk=setup.desk, name="Border")
    page = client.get(CASE).content.decode()
    for action, section in [
        ("reply", "reply"),
        ("note", "notes"),
        ("status", "handling"),
        ("assign", "handling"),
        ("labels", "handling"),
        ("title", "title"),
    ]:
        assert f'action="{CASE}{action}/#{section}"' in page
    contents = page.split('id="contents-heading"')[1].split("</nav>")[0]
    for section in ("report", "triage", "conversation", "reply", "sharing", "notes", "outcomes"):
        assert f'href="#{section}"' in contents
        assert f'id="{section}"' in page


def test_an_action_not_done_says_so_in_its_section(
    work: tuple[Client, DeskWithRecipient, str],
) -> None:
    client, _, _ = work
    response = client.post(CASE + "status/", {"status": "closed"})
    assert response.status_code == 400
    top = section_top(response.content.decode(), "handling")
    assert '<p class="warning confirmation" role="alert">The status was not changed.</p>' in top
    response = client.post(CASE + "note/", {"text": "  "})
    assert "The note was not added." in section_top(response.content.decode(), "notes")
    response = client.post(CASE + "reply/", {"text": ""})
    assert "The reply was not sent." in section_top(response.content.decode(), "reply")
    # Refusals that come back by a redirect say so in their section too.
    response = client.post(CASE + "triage/link/", {"other": 1, "kind": "related"})
    assert response["Location"].endswith("#triage")
    page = client.get(CASE).content.decode()
    assert 'role="alert">A report cannot be linked to itself.</p>' in section_top(page, "triage")
    response = client.post("/staff/sharing/desk/narcotics/report/1/back/", {"text": ""})
    assert response["Location"].endswith("#sharing")
    assert 'role="alert">' in section_top(client.get(CASE).content.decode(), "sharing")


def replies_sent() -> list[str]:
    return [m.text for m in Message.objects.filter(author__isnull=False)]


def test_the_same_reply_twice_within_a_minute_asks_before_sending(
    work: tuple[Client, DeskWithRecipient, str],
) -> None:
    client, _, code = work
    text = "Thank you. Which jetty?"
    assert client.post(CASE + "reply/", {"text": text}).status_code == 302
    assert Message.objects.filter(author__isnull=False).count() == 1
    # Nothing of the reply is kept readable in the session: a keyed digest only.
    kept = client.session[LAST_REPLY]
    assert text not in str(kept) and set(kept) == {"report", "digest", "at"}

    again = client.post(CASE + "reply/", {"text": text})
    assert again.status_code == 200
    page = again.content.decode()
    question = section_top(page, "reply")
    assert "You sent this same reply a minute ago. Send it again?" in question
    assert '<button type="submit" name="again" value="on">Send it again</button>' in page
    assert text in page  # the form comes back with the text, unsent
    assert Message.objects.filter(author__isnull=False).count() == 1

    # A different reply goes at once; the same one goes when confirmed.
    assert client.post(CASE + "reply/", {"text": "And when?"}).status_code == 302
    assert client.post(CASE + "reply/", {"text": "And when?", "again": "on"}).status_code == 302
    assert Message.objects.filter(author__isnull=False).count() == 3
    opened = conversation.open_as_reporter(Receipt.read(code))
    assert opened is not None
    assert [m.text for m in conversation.read_conversation(opened)[1:]] == [
        text,
        "And when?",
        "And when?",
    ]


def test_the_same_reply_after_a_minute_goes_without_asking(
    work: tuple[Client, DeskWithRecipient, str],
) -> None:
    client, _, _ = work
    client.post(CASE + "reply/", {"text": "Thank you."})
    session = client.session
    last = session[LAST_REPLY]
    last["at"] = (timezone.now() - dt.timedelta(seconds=61)).timestamp()
    session[LAST_REPLY] = last
    session.save()
    assert client.post(CASE + "reply/", {"text": "Thank you."}).status_code == 302
    assert Message.objects.filter(author__isnull=False).count() == 2


def next_from(client: Client, number: int) -> str:
    response = client.get(f"/staff/desk/narcotics/report/{number}/next-unread/")
    assert response.status_code == 302
    return str(response["Location"])


def test_next_unread_report_goes_down_the_inbox_then_round(
    work: tuple[Client, DeskWithRecipient, str],
) -> None:
    client, setup, _ = work
    for text in ("Second report", "Third report", "Fourth report"):
        report_in(setup, description=text)
    page = client.get("/staff/desk/narcotics/report/3/").content.decode()
    link = 'href="/staff/desk/narcotics/report/3/next-unread/"'
    assert page.index(link) < page.index('id="handling"')  # at the top of the case
    # Down the inbox (newest first): 2, then 1, then round to the newest, 4.
    assert next_from(client, 3) == "/staff/desk/narcotics/report/2/"
    client.get("/staff/desk/narcotics/report/2/")
    assert next_from(client, 2) == "/staff/desk/narcotics/report/1/"
    client.get("/staff/desk/narcotics/report/1/")
    assert next_from(client, 1) == "/staff/desk/narcotics/report/4/"
    # A reporter writing again makes a read report unread for this analyst.
    _, code = report_in(setup, description="Fifth report")
    client.get("/staff/desk/narcotics/report/4/")
    client.get("/staff/desk/narcotics/report/5/")
    opened = conversation.open_as_reporter(Receipt.read(code))
    assert opened is not None
    conversation.add_reporter_message(opened, text="One more thing.")
    assert next_from(client, 4) == "/staff/desk/narcotics/report/5/"
    client.get("/staff/desk/narcotics/report/5/")
    # All read: back to the inbox, which says so.
    location = next_from(client, 5)
    assert location == "/staff/desk/narcotics/#top"
    inbox = client.get("/staff/desk/narcotics/").content.decode()
    assert 'role="status">No unread report left on this desk.</p>' in inbox


def test_next_unread_skips_reports_this_analyst_cannot_open(
    desk_with_recipient: DeskWithRecipient, files_dir: object
) -> None:
    setup = desk_with_recipient
    report_in(setup, description="Before the newcomer")
    newcomer = create_staff(
        username="newcomer",
        password=STRONG_PASSWORD,
        role="analyst",
        desks=[setup.desk],
        acting_user=None,
    )
    report_in(setup, description="After the newcomer")
    report_in(setup, description="After the newcomer, again")
    client = Client()
    sign_in(client, newcomer.user, newcomer.device)
    client.get("/staff/desk/narcotics/report/3/")
    # Report 1 was sealed before the newcomer came: never "next" for them.
    assert next_from(client, 3) == "/staff/desk/narcotics/report/2/"
    client.get("/staff/desk/narcotics/report/2/")
    assert next_from(client, 2).endswith("#top")
    assert Report.objects.count() == 3


def test_the_case_page_shows_handling_before_the_report(
    work: tuple[Client, DeskWithRecipient, str],
) -> None:
    """Status, assignment, labels and deadlines come first in the page (a phone shows them
    first; a wide screen puts them in a column beside the report)."""
    client, setup, _ = work
    Label.objects.create(desk=setup.desk, name="Border")
    page = client.get(CASE).content.decode()
    order = [
        page.index('id="handling"'),
        page.index(f'action="{CASE}status/'),
        page.index(f'action="{CASE}assign/'),
        page.index(f'action="{CASE}labels/'),
        page.index('id="report"'),
        page.index('id="conversation"'),
    ]
    assert order == sorted(order)
    assert re.search(r'class="deadlines">.*Acknowledge by', page)
    assert page.index('class="deadlines"') < page.index('id="report"')
