"""No stranger keeps a named person out, over real HTTP against `tipline serve`.

60 wrong tries on one name from 6 addresses trip the name-wide count; the owner's right
password and code (or right recovery) from a seventh address still go in, an address that
failed is still made to wait, and the holder and the administrators hear of it once.
"""

import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message as Email
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from tipline.accounts.actions import NewStaff, create_staff
from tipline.audit.models import AuditEvent
from tipline.desks.actions import create_desk
from tipline.notifications.tests.test_notifications import Inbox
from tipline.reports.tests.test_crash_safety import database_url
from tipline.testing.fixtures import STRONG_PASSWORD, totp_code
from tipline.testing.server import ServerProcess, free_port
from tipline.throttling.tests.test_serve_gate import Browser

ATTACKERS = [f"127.0.0.{number}" for number in range(20, 26)]  # six addresses
OWNER = "127.0.0.30"


@dataclass
class Served:
    port: int
    owner: NewStaff
    inbox: Inbox


@pytest.fixture
def served(tmp_path: Path, settings: object) -> Iterator[Served]:
    data = tmp_path / "data"
    settings.FILES_DIR = data / "files"  # type: ignore[attr-defined]
    desk = create_desk(slug="arms", name="Arms", acting_user=None)
    owner = create_staff(
        username="rahim",
        password=STRONG_PASSWORD,
        role="analyst",
        email="rahim@agency.example",
        desks=[desk],
        acting_user=None,
    )
    create_staff(
        username="ada",
        password=STRONG_PASSWORD,
        role="administrator",
        email="ada@agency.example",
        acting_user=None,
    )
    inbox = Inbox()
    smtp_port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    env = {
        **os.environ,
        "TIPLINE_DATA_DIR": str(data),
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "tipline.settings",
        "TIPLINE_EMAIL_HOST": "127.0.0.1",
        "TIPLINE_EMAIL_PORT": str(smtp_port),
    }
    env.pop("TIPLINE_REDIS_URL", None)
    env.pop("TIPLINE_BROKER_URL", None)
    port = free_port()
    with (tmp_path / "server.log").open("w") as log:
        server = ServerProcess(env, port, log)
        server.wait_until_ready()
        try:
            yield Served(port, owner, inbox)
        finally:
            server.stop()
            controller.stop()


def try_ten_times(port: int, address: str, path: str, fields: dict[str, str]) -> None:
    """Ten wrong tries at once: the server checks the first few (400), then slows (429)."""
    for _ in range(10):
        status = Browser(port, address).submit(path, fields)[0]
        assert status in (400, 429, 503), status


def flood(port: int, path: str, fields: dict[str, str]) -> None:
    """60 wrong tries on one name, 10 from each of 6 addresses, all at once."""
    threads = [
        threading.Thread(target=try_ten_times, args=(port, address, path, fields))
        for address in ATTACKERS
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)


def told(inbox: Inbox, phrase: str) -> list[Email]:
    time.sleep(1)  # the notices go out after their commit, on the server's job thread
    return [email for email in inbox.received if phrase in email.get_payload(decode=True).decode()]  # type: ignore[union-attr]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_sixty_wrong_passwords_from_six_addresses_leave_the_owner_in(served: Served) -> None:
    port, name = served.port, served.owner.user.username
    flood(port, "/staff/signin/", {"username": name, "password": "wrong password!!"})
    assert AuditEvent.objects.filter(action="signin.password_failed").count() >= 30
    # The name-wide count has tripped: a source that failed waits, even with the right one.
    status, _, _ = Browser(port, ATTACKERS[0]).submit(
        "/staff/signin/", {"username": name, "password": STRONG_PASSWORD}
    )
    assert status == 429

    owner = Browser(port, OWNER)
    status, _, _ = owner.submit("/staff/signin/", {"username": name, "password": STRONG_PASSWORD})
    assert status == 302
    status, _, response = owner.submit(
        "/staff/signin/code/", {"code": totp_code(served.owner.device.key)}
    )
    assert status == 302 and response.getheader("Location") == "/staff/"
    assert owner.request("GET", "/staff/desk/arms/")[0] == 200

    [event] = AuditEvent.objects.filter(action="signin.name_under_attack")
    assert event.detail == {"staff": name, "kind": "password"}
    notices = told(served.inbox, "Many wrong passwords were tried for the account rahim")
    readers = sorted(email["To"] for email in notices)
    assert readers == ["ada@agency.example", "rahim@agency.example"]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_sixty_wrong_recoveries_from_six_addresses_leave_the_owner_able_to_recover(
    served: Served,
) -> None:
    port, name, device = served.port, served.owner.user.username, served.owner.device
    new_password = "chosen after forgetting it"
    wrong = {
        "username": name,
        "recovery_code": "A" * 32,
        "code": totp_code(device.key, step_offset=20),  # ten minutes away: never right now
        "new_password": new_password,
        "new_password_again": new_password,
    }
    flood(port, "/staff/recover/", wrong)
    # Wrong codes in recovery need no password: the account-wide code count trips first
    # (and then holds every address that failed), told once.
    [event] = AuditEvent.objects.filter(action="signin.name_under_attack")
    assert event.detail == {"staff": name, "kind": "code"}

    right = {**wrong, "recovery_code": served.owner.recovery_code, "code": totp_code(device.key)}
    status, page, _ = Browser(port, OWNER).submit("/staff/recover/", right)
    assert status == 200, page[:2000]
    assert AuditEvent.objects.filter(action="staff.recovered").count() == 1
    assert len(told(served.inbox, "second-factor codes were tried for the account rahim")) == 2
    assert len(told(served.inbox, "recovery code of the account rahim was used")) == 2
