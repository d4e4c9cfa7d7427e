"""Staff are told that something arrived, and when deadlines near; never what it says.
Delivered to a real SMTP server (aiosmtpd) on loopback; once through the in-process jobs,
once through Celery on the machine's Redis."""

import datetime as dt
import time
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message as Email

import pytest
from aiosmtpd.controller import Controller
from django.test import Client
from django.utils import timezone

from tipline import jobs
from tipline.notifications import messages
from tipline.reports.models import Report
from tipline.reports.tests.helpers import receipt_from, send_report
from tipline.testing.fixtures import DeskWithRecipient
from tipline.testing.server import free_port

SECRET = "Crates of rifles at the north jetty"


class Inbox:
    def __init__(self) -> None:
        self.received: list[Email] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.received.append(message_from_bytes(envelope.content))  # type: ignore[attr-defined]
        return "250 OK"

    def wait_for(self, count: int, seconds: float = 15) -> list[Email]:
        deadline = time.monotonic() + seconds
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.received


@pytest.fixture
def smtp(settings: object) -> Iterator[Inbox]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"  # type: ignore[attr-defined]
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port  # type: ignore[attr-defined]
    settings.EMAIL_ENABLED = True  # type: ignore[attr-defined]
    settings.SITE_URL = "https://tips.example.org"  # type: ignore[attr-defined]
    yield inbox
    controller.stop()


@pytest.fixture
def setup(files_dir: object) -> DeskWithRecipient:
    setup = DeskWithRecipient()
    setup.analyst.email = "analyst@agency.example"
    setup.analyst.save()
    return setup


def body(email: Email) -> str:
    return email.get_payload(decode=True).decode()  # type: ignore[union-attr]


@pytest.mark.django_db(transaction=True)
def test_a_new_report_and_a_new_message_are_announced_without_content(
    smtp: Inbox, setup: DeskWithRecipient
) -> None:
    code = receipt_from(
        send_report(
            Client(), setup.desk.categories.get(slug="arms-trafficking"), description=SECRET
        )
    )
    jobs.wait_for_in_process_jobs()
    [email] = smtp.wait_for(1)
    assert email["To"] == "analyst@agency.example"
    assert email["Subject"] == "[Tipline] New report at Narcotics desk"
    assert "(Arms trafficking)" in body(email)
    assert "https://tips.example.org/staff/desk/narcotics/" in body(email)
    report = Report.objects.get()
    for secret in (SECRET, str(report.id), f"#{report.number}", code.replace(" ", "")):
        assert secret not in email.as_string()

    Client().post("/en/receipt/message/", {"receipt": code, "text": SECRET})
    jobs.wait_for_in_process_jobs()
    second = smtp.wait_for(2)[1]
    assert second["Subject"] == "[Tipline] New message at Narcotics desk"
    assert SECRET not in second.as_string()


@pytest.mark.django_db(transaction=True)
def test_a_desk_can_keep_the_category_out_of_e_mails(smtp: Inbox, setup: DeskWithRecipient) -> None:
    setup.desk.notifications_name_category = False
    setup.desk.save()
    send_report(Client(), setup.desk.categories.get(slug="arms-trafficking"))
    jobs.wait_for_in_process_jobs()
    [email] = smtp.wait_for(1)
    assert "Arms" not in email.as_string()
    assert "A new report arrived at Narcotics desk." in body(email)


@pytest.mark.django_db(transaction=True)
def test_a_report_that_rolled_back_is_not_announced(smtp: Inbox, setup: DeskWithRecipient) -> None:
    send_report(Client(), setup.desk.categories.get(slug="corruption"), description="")  # refused
    jobs.wait_for_in_process_jobs()
    assert smtp.received == []


@pytest.mark.django_db(transaction=True)
def test_daily_reminders_count_what_is_due_and_late(smtp: Inbox, setup: DeskWithRecipient) -> None:
    category = setup.desk.categories.get(slug="corruption")
    for _ in range(3):
        send_report(Client(), category)
    jobs.wait_for_in_process_jobs()
    smtp.received.clear()
    Report.objects.filter(number=1).update(received_at=timezone.now() - dt.timedelta(days=8))
    Report.objects.filter(number=2).update(received_at=timezone.now() - dt.timedelta(days=6))
    Report.objects.filter(number=3).update(acknowledged_at=timezone.now())
    assert messages.deadline_reminders() == 1
    text = body(smtp.wait_for(1)[0])
    assert "- acknowledgement late: 1" in text and "- acknowledgement due soon: 1" in text


@pytest.mark.django_db(transaction=True)
def test_no_e_mail_without_a_mail_server(setup: DeskWithRecipient, settings: object) -> None:
    settings.EMAIL_ENABLED = False  # type: ignore[attr-defined]
    send_report(Client(), setup.desk.categories.get(slug="corruption"))
    jobs.wait_for_in_process_jobs()
    assert messages.report_arrived(Report.objects.get().id) == 0


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_through_celery_on_redis(smtp: Inbox, setup: DeskWithRecipient, settings: object) -> None:
    """Production mode: the web side enqueues on Redis, a Celery worker sends the e-mail."""
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379 (CI and the project's machines have one)")
    from celery.contrib.testing.worker import start_worker

    from tipline.celery import app

    settings.BROKER_URL = url  # type: ignore[attr-defined]
    app.conf.broker_url = url
    app.conf.result_backend = None
    with start_worker(app, perform_ping_check=False, pool="solo", shutdown_timeout=30):
        send_report(Client(), setup.desk.categories.get(slug="money-laundering"))
        [email] = smtp.wait_for(1, seconds=30)
    assert email["Subject"] == "[Tipline] New report at Narcotics desk"
    assert "(Money laundering)" in body(email)
