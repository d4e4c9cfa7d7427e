"""Under a surge, expensive requests get 503 with Retry-After at once; nothing is stored."""

import pytest
from django.test import Client

from tipline.intake.models import Report
from tipline.testing.fixtures import DeskWithRecipient
from tipline.throttling import gate as admission
from tipline.throttling.gate import Gate, is_expensive


@pytest.mark.parametrize(
    ("method", "path", "expensive"),
    [
        ("POST", "/en/report/narcotics/smuggling/", True),
        ("POST", "/ur/receipt/", True),
        ("POST", "/zh-hans/receipt/message/", True),
        ("POST", "/staff/signin/", True),
        ("GET", "/en/report/narcotics/smuggling/", False),
        ("GET", "/en/receipt/", False),
        ("POST", "/staff/desk/narcotics/report/1/note/", False),
    ],
)
def test_which_requests_pay_for_argon2id(method: str, path: str, expensive: bool) -> None:
    from django.test import RequestFactory

    assert is_expensive(RequestFactory().generic(method, path)) is expensive


@pytest.mark.django_db
def test_a_full_gate_answers_503_with_retry_after_and_stores_nothing(
    monkeypatch: pytest.MonkeyPatch, desk_with_recipient: DeskWithRecipient, files_dir: object
) -> None:
    from tipline.intake.tests.helpers import send_report

    full = Gate(slots=1, wait_seconds=0)
    assert full.enter()  # someone else holds the only slot
    monkeypatch.setattr(admission, "_gate", full)
    category = desk_with_recipient.desk.categories.get(slug="smuggling")
    response = send_report(Client(), category)
    assert response.status_code == 503
    assert response["Retry-After"] == str(admission.RETRY_AFTER_SECONDS)
    assert "Nothing was stored" in response.content.decode()
    assert not Report.objects.exists()
    full.leave()
    assert send_report(Client(), category).status_code == 200


@pytest.mark.django_db
def test_a_database_that_cannot_answer_gets_busy_not_a_server_error(
    monkeypatch: pytest.MonkeyPatch, desk_with_recipient: DeskWithRecipient, files_dir: object
) -> None:
    """ "Too many clients", no free pooled connection, "database is locked": 503, not 500."""
    from django.db import OperationalError

    from tipline.intake import submission
    from tipline.intake.tests.helpers import send_report

    def overloaded(*args: object, **kwargs: object) -> None:
        raise OperationalError("sorry, too many clients already")

    monkeypatch.setattr(submission, "_commit", overloaded)
    response = send_report(Client(), desk_with_recipient.desk.categories.get(slug="smuggling"))
    assert response.status_code == 503
    assert response["Retry-After"] == str(admission.RETRY_AFTER_SECONDS)
    assert not Report.objects.exists()
