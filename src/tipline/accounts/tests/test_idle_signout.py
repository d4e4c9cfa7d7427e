"""Sign-out that explains itself: the sign-in page says the session ended because it was
idle (or at its hard limit), and a reply or note sent as it ended comes back in its form
after the same person signs in again, having been kept sealed (nothing readable at rest)."""

import time
from io import BytesIO

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from tipline.accounts.actions import create_staff
from tipline.accounts.unsent import UNSENT_COOKIE
from tipline.casework.tests.helpers import report_in
from tipline.reports.models import Message, Note
from tipline.testing.fixtures import STRONG_PASSWORD, DeskWithRecipient, sign_in

pytestmark = pytest.mark.django_db

MARKER = "MARKER-white-van-سفید-وین"


def idle(client: Client) -> None:
    session = client.session
    session["tipline.last_seen"] = int(time.time()) - 31 * 60
    session.save()


@pytest.fixture
def case(desk_with_recipient: DeskWithRecipient, files_dir: object) -> str:
    report, _code = report_in(desk_with_recipient, description="Boats at the jetty")
    return f"/staff/desk/narcotics/report/{report.number}/"


def signed_in(setup: DeskWithRecipient, offset: int = 0) -> Client:
    client = Client()
    sign_in(client, setup.analyst, setup.device, step_offset=offset)
    return client


def test_the_sign_in_page_says_the_session_was_idle(desk_with_recipient: DeskWithRecipient) -> None:
    client = signed_in(desk_with_recipient)
    idle(client)
    response = client.get("/staff/desk/narcotics/", follow=True)
    body = response.content.decode()
    assert "You were signed out because this session was not used for 30 minutes." in body
    assert 'id="unsent-kept"' not in body


def test_the_sign_in_page_says_when_the_hard_limit_ended_it(
    desk_with_recipient: DeskWithRecipient,
) -> None:
    client = signed_in(desk_with_recipient)
    session = client.session
    session["tipline.signed_in_at"] = int(time.time()) - 9 * 3600
    session.save()
    body = client.get("/staff/desk/narcotics/", follow=True).content.decode()
    assert "a session lasts at most 8 hours" in body


def test_the_sign_in_page_speaks_urdu_about_it(desk_with_recipient: DeskWithRecipient) -> None:
    body = (
        Client(headers={"Accept-Language": "ur"})
        .get("/staff/signin/?expired=idle")
        .content.decode()
    )
    assert "30 منٹ" in body and "You were signed out" not in body


def test_a_note_sent_as_the_session_ended_comes_back_after_sign_in(
    desk_with_recipient: DeskWithRecipient, case: str
) -> None:
    client = signed_in(desk_with_recipient)
    idle(client)
    response = client.post(f"{case}note/", {"text": MARKER})
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/signin/?expired=idle&next=")
    assert not Note.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert 'id="unsent-kept"' in page
    # Kept sealed: no session holds the text, decoded or not.
    for session in Session.objects.all():
        assert MARKER not in str(session.get_decoded()) and MARKER not in session.session_data

    sign_in(client, desk_with_recipient.analyst, desk_with_recipient.device, step_offset=1)
    body = client.get(case).content.decode()
    assert 'id="unsent-back"' in body
    assert MARKER in body.split('id="id_note_text"')[1].split("</textarea>")[0]
    again = client.get(case).content.decode()
    assert MARKER not in again and 'id="unsent-back"' not in again
    assert not Note.objects.exists()  # unsent until the person sends it


def test_a_reply_comes_back_with_its_feedback_box_and_without_its_files(
    desk_with_recipient: DeskWithRecipient, case: str
) -> None:
    client = signed_in(desk_with_recipient)
    idle(client)
    photo = BytesIO(b"\xff\xd8\xff" + b"MARKER-FILE" * 100)
    photo.name = "jetty.jpg"
    messages_before = Message.objects.count()
    response = client.post(
        f"{case}reply/", {"text": MARKER, "feedback": "on", "attachments": photo}
    )
    assert response.status_code == 302
    assert Message.objects.count() == messages_before
    sign_in(client, desk_with_recipient.analyst, desk_with_recipient.device, step_offset=1)
    body = client.get(case).content.decode()
    assert MARKER in body.split('id="id_reply_text"')[1].split("</textarea>")[0]
    assert "choose them again" in body
    feedback = (
        body.split('name="feedback"')[0].rsplit("<input", 1)[1]
        + body.split('name="feedback"')[1].split(">")[0]
    )
    assert "checked" in feedback


def test_another_person_signing_in_on_that_browser_gets_nothing(
    desk_with_recipient: DeskWithRecipient, case: str
) -> None:
    client = signed_in(desk_with_recipient)
    idle(client)
    client.post(f"{case}note/", {"text": MARKER})
    colleague = create_staff(
        username="colleague",
        password=STRONG_PASSWORD,
        role="analyst",
        desks=[desk_with_recipient.desk],
        acting_user=None,
    )
    sign_in(client, colleague.user, colleague.device)
    assert MARKER not in client.get(case).content.decode()


def test_a_wrong_cookie_opens_nothing_and_breaks_nothing(
    desk_with_recipient: DeskWithRecipient, case: str
) -> None:
    client = signed_in(desk_with_recipient)
    idle(client)
    client.post(f"{case}note/", {"text": MARKER})
    client.cookies[UNSENT_COOKIE] = "AAAA" * 11
    sign_in(client, desk_with_recipient.analyst, desk_with_recipient.device, step_offset=1)
    response = client.get(case)
    assert response.status_code == 200
    assert MARKER not in response.content.decode()


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("status/", {"status": "closed", "close_reason": "x"}),  # no text: nothing to keep
        ("note/", {"text": "   "}),
        ("note/", {"text": "x" * 20_001}),
    ],
)
def test_nothing_is_kept_from_other_forms_or_bad_text(
    desk_with_recipient: DeskWithRecipient, case: str, path: str, data: dict[str, str]
) -> None:
    client = signed_in(desk_with_recipient)
    idle(client)
    response = client.post(f"{case}{path}", data)
    assert UNSENT_COOKIE not in response.cookies
    assert 'id="unsent-kept"' not in client.get(response["Location"]).content.decode()


def test_signing_out_drops_the_cookie(desk_with_recipient: DeskWithRecipient) -> None:
    client = signed_in(desk_with_recipient)
    assert client.post("/staff/signout/").cookies[UNSENT_COOKIE].value == ""


def test_text_posted_without_the_forms_token_is_not_kept(
    desk_with_recipient: DeskWithRecipient, case: str
) -> None:
    client = signed_in(desk_with_recipient)
    idle(client)
    forged = Client(enforce_csrf_checks=True)
    forged.cookies = client.cookies
    response = forged.post(f"{case}note/", {"text": MARKER})
    assert response.status_code == 302  # signed out all the same
    assert UNSENT_COOKIE not in response.cookies
