"""The gate in process: which views derive, a full gate answers 503 before the body, and
a body that is too large for its form is refused before it is read."""

import pytest
from django.test import Client
from django.urls import resolve

from tipline.reports.models import Report
from tipline.testing.fixtures import DeskWithRecipient
from tipline.throttling import gate as admission
from tipline.throttling.gate import LocalGate


@pytest.mark.parametrize(
    ("path", "expensive"),
    [
        ("/en/report/narcotics/smuggling/", True),
        ("/en/receipt/", True),
        ("/en/receipt/message/", True),
        ("/staff/signin/", True),
        ("/staff/recover/", True),
        ("/staff/invitation/abc/", True),
        ("/staff/signin/code/", False),
        ("/staff/desk/narcotics/report/1/note/", False),
    ],
)
def test_the_views_that_pay_for_argon2id_pass_the_gate(path: str, expensive: bool) -> None:
    view = resolve(path).func
    assert bool(getattr(view, "admission_expensive", False)) is expensive


@pytest.fixture
def full_gate() -> object:
    full = LocalGate(slots=1, wait_seconds=0, queue=0)
    assert full.enter()  # someone else holds the only slot
    admission.use_gate(full)
    yield full
    admission.use_gate(None)


@pytest.mark.django_db
def test_a_full_gate_answers_503_with_retry_after_and_stores_nothing(
    full_gate: LocalGate, desk_with_recipient: DeskWithRecipient, files_dir: object
) -> None:
    from tipline.reports.tests.helpers import send_report

    category = desk_with_recipient.desk.categories.get(slug="smuggling")
    response = send_report(Client(), category)
    assert response.status_code == 503
    assert response["Retry-After"] == str(admission.RETRY_AFTER_SECONDS)
    assert "Nothing was stored" in response.content.decode()
    assert not Report.objects.exists()
    full_gate.leave()
    assert send_report(Client(), category).status_code == 200


@pytest.mark.django_db
def test_a_gate_with_room_in_its_queue_waits_then_answers_busy(
    desk_with_recipient: DeskWithRecipient,
) -> None:
    """Not overloaded (the queue has room): the body is read, then no slot comes: 503."""
    held = LocalGate(slots=1, wait_seconds=0, queue=5)
    assert held.enter()
    admission.use_gate(held)
    try:
        response = Client().post("/en/receipt/", {"receipt": "1" * 20})
        assert response.status_code == 503
        assert held.waiting == 0 and held.busy_slots == 1
    finally:
        admission.use_gate(None)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/staff/signin/", "/en/receipt/", "/staff/signin/code/"])
def test_a_large_body_to_a_small_form_is_refused_unread(path: str) -> None:
    body = b"x" * (admission.SMALL_FORM_LIMIT + 1)
    response = Client().generic("POST", path, body, content_type="multipart/form-data; boundary=b")
    assert response.status_code == 413
    assert "does not take that much" in response.content.decode()


@pytest.mark.django_db
def test_a_database_that_cannot_answer_gets_busy_not_a_server_error(
    monkeypatch: pytest.MonkeyPatch, desk_with_recipient: DeskWithRecipient, files_dir: object
) -> None:
    """ "Too many clients", no free pooled connection, "database is locked": 503, not 500."""
    from django.db import OperationalError

    from tipline.reports import submission
    from tipline.reports.tests.helpers import send_report

    def overloaded(*args: object, **kwargs: object) -> None:
        raise OperationalError("sorry, too many clients already")

    monkeypatch.setattr(submission, "store_report", overloaded)
    response = send_report(Client(), desk_with_recipient.desk.categories.get(slug="smuggling"))
    assert response.status_code == 503
    assert response["Retry-After"] == str(admission.RETRY_AFTER_SECONDS)
    assert not Report.objects.exists()


def test_a_request_that_would_wait_past_its_limit_is_refused_at_the_door() -> None:
    gate = LocalGate(slots=1, wait_seconds=1, queue=8)
    gate.holds.add(0.6)  # a slot is held 0.6 s
    assert gate.enter()  # the one slot is busy
    assert not gate.overloaded()  # the next one waits about 0.6 s: it may wait
    gate.waiting = 1  # one is waiting already: the next would wait about 1.2 s
    assert gate.overloaded()
    gate.waiting = 0
    gate.leave()
    assert not gate.overloaded()  # a free slot: never refused


def test_hold_times_follow_the_newest_holds() -> None:
    holds = admission.HoldTimes()
    assert holds.expected_wait(10, 2) == 0  # nothing known yet: no one refused for it
    holds.add(1.0)
    assert holds.seconds == 1.0
    for _ in range(30):
        holds.add(0.1)
    assert holds.seconds < 0.11
    assert holds.expected_wait(3, 2) == pytest.approx(4 * holds.seconds / 2)
