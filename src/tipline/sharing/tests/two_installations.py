"""Two real installations on loopback: two data folders, two databases, two `tipline serve`,
each with its `tipline schedule` (which retries the outbox). Staff actions run through
`tipline shell` with the same action functions the pages call."""

import base64
import os
import re
import signal
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO
from urllib.parse import parse_qs, urlparse

from tipline.testing.fixtures import STRONG_PASSWORD
from tipline.testing.server import ServerProcess, free_port, tipline_command


class Installation:
    def __init__(
        self,
        folder: Path,
        name: str,
        desk: str,
        database_url: str = "",
        *,
        port: int | None = None,
        empty: bool = False,
    ) -> None:
        """A new installation with `desk` and its analyst; `empty`: nothing at all yet (a
        new server to restore a backup into), on `port` if given (the old one's address)."""
        folder.mkdir(parents=True, exist_ok=True)
        self.folder, self.name, self.desk = folder, name, desk
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tipline.settings",
            "TIPLINE_DATA_DIR": str(folder),
            "TIPLINE_INSTALLATION_NAME": name,
            "TIPLINE_SITE_URL": self.url,
            "TIPLINE_SHARING_RETRY_SECONDS": "1",
        }
        self.env.pop("DATABASE_URL", None)
        self.env.pop("TIPLINE_BROKER_URL", None)
        if database_url:
            self.env["DATABASE_URL"] = database_url
        self.log: IO[str] = open(folder / "server.log", "a")  # noqa: SIM115 - closed in stop()
        self.server: ServerProcess | None = None
        self.schedule: subprocess.Popen[bytes] | None = None
        # Each account's TOTP key (hex), as its authenticator app would hold it.
        self.totp: dict[str, str] = {}
        if empty:
            return
        self.run("migrate", "-v0")
        self.run("createdesk", desk, "--name", f"{desk} desk", "--languages", "en,ur")
        self.create_staff(f"analyst-{desk}", "analyst", desk)

    def create_staff(self, username: str, role: str, desk: str = "") -> str:
        """`tipline createstaff`; returns the TOTP key it printed (as hex)."""
        out = self.run(
            "createstaff",
            username,
            "--role",
            role,
            *(["--desk", desk] if desk else []),
            "--password-stdin",
            stdin=STRONG_PASSWORD + "\n",
        )
        uri = re.search(r"otpauth://\S+", out)
        assert uri, out
        secret = parse_qs(urlparse(uri.group(0)).query)["secret"][0]
        self.totp[username] = base64.b32decode(secret + "=" * (-len(secret) % 8)).hex()
        return self.totp[username]

    def run(self, *args: str, stdin: str | None = None) -> str:
        done = subprocess.run(
            [tipline_command(), *args],
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout

    def python(self, code: str) -> str:
        return self.run("shell", "-c", code)

    def start(self) -> None:
        self.server = ServerProcess(self.env, self.port, self.log)
        self.server.wait_until_ready()
        self.start_schedule()

    def start_schedule(self) -> None:
        self.schedule = subprocess.Popen(
            [tipline_command(), "schedule"],
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill_schedule(self) -> None:
        if self.schedule is not None and self.schedule.poll() is None:
            os.killpg(self.schedule.pid, signal.SIGKILL)
            self.schedule.wait(timeout=30)

    def stop(self) -> None:
        self.kill_schedule()
        if self.server is not None and self.server.process.poll() is None:
            self.server.stop()
        self.server = None

    def close(self) -> None:
        self.stop()
        self.log.close()


STAFF = """
from tipline import vault
from tipline.accounts.models import StaffUser
from tipline.reports import conversation
from tipline.reports.models import Attachment, Report
from tipline.sharing import actions, selectors
from tipline.sharing.models import Partner, Share, ReceivedShare
user = StaffUser.objects.get(username="analyst-{desk}")
key = vault.unlock_with_password(user.key_record, {password!r})
"""


def staff_code(installation: Installation, body: str) -> str:
    return STAFF.format(desk=installation.desk, password=STRONG_PASSWORD) + body


def wait_for(check: Callable[[], bool], seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.5)
    raise AssertionError("waited in vain")


def fingerprint_of(installation: Installation) -> str:
    """What the installation's administrator reads out (from `tipline partnercard`)."""
    done = subprocess.run(
        [tipline_command(), "partnercard"],
        env=installation.env,
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )
    return done.stderr.split("this installation's fingerprint: ", 1)[1].splitlines()[0]


def pair(a: Installation, b: Installation, folder: Path) -> None:
    for one, other in [(a, b), (b, a)]:
        card = folder / f"{uuid.uuid4()}.json"
        card.write_text(one.run("partnercard", "--url", one.url))
        other.run("addpartner", str(card), "--fingerprint", fingerprint_of(one))


def databases(how_many: int = 2) -> Iterator[tuple[str, ...]]:
    """Databases for installations: SQLite files in their data folders (""), or, in the
    suite's PostgreSQL run (TIPLINE_TEST_ON_URL=1), databases made on that server for the
    test and dropped after it."""
    url = os.environ.get("TIPLINE_TEST_DATABASE_URL", "")
    if os.environ.get("TIPLINE_TEST_ON_URL") != "1" or not url.startswith("postgres"):
        yield ("",) * how_many
        return
    import psycopg

    base, _, _ = url.rpartition("/")
    names = [f"tipline_pair_{os.getpid()}_{uuid.uuid4().hex[:8]}" for _ in range(how_many)]
    with psycopg.connect(url, autocommit=True) as connection:
        for name in names:
            connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield tuple(f"{base}/{name}" for name in names)
    finally:
        with psycopg.connect(url, autocommit=True) as connection:
            for name in names:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
