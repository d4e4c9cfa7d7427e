"""The gate and the throttles against a real `tipline serve`, over real HTTP.

Sources are told apart by the client's loopback address (127.0.0.2, 127.0.0.3, ...): the
server sees each as its own source, as it would see different people.
"""

import http.client
import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

from tipline.accounts.actions import create_staff
from tipline.desks.actions import add_member
from tipline.reports.tests.test_crash_safety import database_url
from tipline.testing.fixtures import STRONG_PASSWORD, DeskWithRecipient, totp_code
from tipline.testing.reporter_client import Reporter
from tipline.testing.server import ServerProcess, free_port

CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
REPORT_PATH = "/en/report/narcotics/smuggling/"


class Browser:
    """One person at one address: a keep-alive connection and its cookies."""

    def __init__(self, port: int, address: str = "127.0.0.1") -> None:
        self.connection = http.client.HTTPConnection(
            "127.0.0.1", port, timeout=60, source_address=(address, 0)
        )
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, fields: dict[str, str] | None = None
    ) -> tuple[int, bytes, http.client.HTTPResponse]:
        from urllib.parse import urlencode

        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if fields is not None:
            body = urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = "null"
        self.connection.request(method, path, body, headers)
        response = self.connection.getresponse()
        content = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";")[0]
        return response.status, content, response

    def submit(
        self, path: str, fields: dict[str, str]
    ) -> tuple[int, bytes, http.client.HTTPResponse]:
        """GET the form (for its CSRF token), then POST it."""
        _, page, _ = self.request("GET", path)
        token = CSRF.search(page)
        return self.request(
            "POST",
            path,
            {**fields, "csrfmiddlewaretoken": token.group(1).decode() if token else ""},
        )


def open_receipt(port: int, receipt: str, address: str = "127.0.0.1") -> int:
    return Browser(port, address).submit("/en/receipt/", {"receipt": receipt})[0]


def sign_in(port: int, username: str, password: str, address: str = "127.0.0.1") -> int:
    """The password step: 302 to the code step when the password was right."""
    return Browser(port, address).submit(
        "/staff/signin/", {"username": username, "password": password}
    )[0]


@pytest.fixture
def served(
    tmp_path: Path, settings: object, real_receipt_cost: None
) -> Iterator[tuple[int, DeskWithRecipient, Path]]:
    data = tmp_path / "data"
    settings.FILES_DIR = data / "files"  # type: ignore[attr-defined]
    setup = DeskWithRecipient()
    env = {
        **os.environ,
        "TIPLINE_DATA_DIR": str(data),
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "tipline.settings",
        "TIPLINE_EXPENSIVE_CONCURRENCY": "1",
        "TIPLINE_BODY_IDLE_SECONDS": "3",
    }
    env.pop("TIPLINE_REDIS_URL", None)
    env.pop("TIPLINE_BROKER_URL", None)
    log_path = tmp_path / "server.log"
    port = free_port()
    with log_path.open("w") as log:
        server = ServerProcess(env, port, log)
        server.wait_until_ready()
        try:
            yield port, setup, log_path
        finally:
            server.stop()


def stalled_body(port: int, path: str) -> socket.socket:
    """Headers of a form with `Content-Length: 1000`, a few bytes of body, then nothing."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=60)
    sock.sendall(
        (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; "
            "boundary=xx\r\nContent-Length: 1000\r\nCookie: csrftoken="
            + "a" * 32
            + "\r\n\r\n--xx\r\n"
        ).encode()
    )
    return sock


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_stalled_bodies_hold_no_slot_and_are_cut_off(
    served: tuple[int, DeskWithRecipient, Path],
) -> None:
    port, setup, _ = served
    status, receipt, _ = Reporter(port, REPORT_PATH).submit("a first report")
    assert status == 200 and receipt
    stalled = [
        stalled_body(port, path) for path in ["/en/receipt/", REPORT_PATH, "/staff/signin/"] * 2
    ]
    time.sleep(0.5)  # they are in, holding whatever they hold
    started = time.monotonic()
    assert open_receipt(port, receipt) == 200
    assert sign_in(port, setup.analyst.username, STRONG_PASSWORD) == 302
    assert Reporter(port, REPORT_PATH).submit("a second report")[0] == 200
    for number, sock in enumerate(stalled):
        answer = sock.recv(200)
        assert answer.startswith(b"HTTP/1.1 408"), (number, answer)
        sock.close()
    assert time.monotonic() - started < 30


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_large_bodies_to_small_forms_are_refused_before_they_are_read(
    served: tuple[int, DeskWithRecipient, Path],
) -> None:
    port, _, _ = served
    for path in ["/staff/signin/", "/en/receipt/"]:
        sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        sock.sendall(
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; "
            f"boundary=xx\r\nContent-Length: {200 * 1024 * 1024}\r\n\r\n".encode()
        )
        answer = sock.recv(200)  # no byte of the 200 MB was sent
        assert answer.startswith(b"HTTP/1.1 413"), answer
        sock.close()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_no_token_or_reporter_path_reaches_the_log_whatever_the_error(
    served: tuple[int, DeskWithRecipient, Path],
) -> None:
    port, _, log_path = served
    marker = "TOKENMARKER71"
    browser = Browser(port)
    browser.request("POST", f"/staff/invitation/{marker}/", {"password": "x"})  # CSRF refused
    browser.request("GET", f"/en/report/{marker}/")  # 404 on the reporter side
    browser.request("GET", f"/staff/reset/{marker}/")  # 404 on the staff side
    browser.request("BREW", f"/en/receipt/?{marker}")  # 405
    stalled_body(port, f"/en/receipt/?{marker}").recv(100)  # 408
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sock.sendall(f"GET /{marker} HTTP/1.1\r\nHost: 127.0.0.1\r\nBad header\r\n\r\n".encode())
    sock.recv(100)
    time.sleep(0.5)
    log = log_path.read_text()
    assert marker not in log
    assert "/en/" not in log


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_small_leaks_stay_closed_over_real_http(
    served: tuple[int, DeskWithRecipient, Path],
) -> None:
    port, _, _ = served
    browser = Browser(port)
    # The reporter's CSRF cookie ends with the browser session: no lasting trace.
    status, _, response = browser.request("GET", "/en/receipt/")
    cookie = response.getheader("Set-Cookie") or ""
    assert status == 200 and cookie.startswith("csrftoken=")
    assert "expires" not in cookie.lower() and "max-age" not in cookie.lower()
    # Each page answers only its methods, before anything else runs.
    for method, path in [
        ("POST", "/"),
        ("POST", "/en/report/narcotics/"),
        ("POST", "/staff/"),
        ("PUT", "/en/receipt/"),
        ("DELETE", REPORT_PATH),
        ("BREW", "/staff/signin/"),
    ]:
        status, page, response = browser.request(method, path, {} if method == "POST" else None)
        assert status == 405, (method, path)
        assert response.getheader("Allow") and b"Nothing was stored" in page
        browser = Browser(port)  # a refusal closes the connection
    # Static files are for our own pages only.
    status, _, response = Browser(port).request("GET", "/static/web/site.css")
    assert status == 200 and response.getheader("Access-Control-Allow-Origin") is None


def signed_in_browser(port: int, username: str, key_hex: str, address: str) -> Browser:
    """A staff member through both steps, the code from their authenticator (first time:
    the code enrols the second factor)."""
    browser = Browser(port, address)
    status, _, response = browser.submit(
        "/staff/signin/", {"username": username, "password": STRONG_PASSWORD}
    )
    assert status == 302, status
    status, _, response = browser.submit("/staff/signin/code/", {"code": totp_code(key_hex)})
    assert status == 302 and response.getheader("Location") == "/staff/", status
    return browser


ARMS_CELL, NARCOTICS_CELL = (
    re.compile(rb'data-desk="arms"'),
    re.compile(rb'data-desk="narcotics"'),
)


def without_token(page: bytes, name: str) -> bytes:
    return CSRF.sub(b"", page).replace(name.encode(), b"NAME")


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_no_account_is_told_apart_or_another_desk_seen_over_real_http(
    served: tuple[int, DeskWithRecipient, Path],
) -> None:
    port, setup, _ = served
    # A real name under attack answers as a made-up one: same status, same page, never
    # "locked", at the first wrong password and once the throttle has closed (22 tries:
    # before, the 21st locked the real account for 15 minutes and said so).
    answers: dict[str, list[tuple[int, bytes]]] = {}
    for address, name in [("127.0.0.4", setup.analyst.username), ("127.0.0.5", "nobody-at-all")]:
        answers[name] = []
        for _ in range(22):
            status, page, _ = Browser(port, address).submit(
                "/staff/signin/", {"username": name, "password": "wrong password!!"}
            )
            answers[name].append((status, without_token(page, name)))
    real, unknown = answers.values()
    assert real == unknown
    assert {status for status, _ in real} == {400, 429}
    assert not any(b"locked" in page.lower() for _, page in real)

    # The audit log of a supervisor holds their desk's events only; the administrator's
    # holds the installation's, and the second-factor secrets are nowhere in the admin.
    arms = DeskWithRecipient(slug="arms")
    assert Reporter(port, REPORT_PATH).submit("a report to narcotics")[0] == 200
    assert Reporter(port, "/en/report/arms/smuggling/").submit("a report to arms")[0] == 200
    supervisor = create_staff(
        username="sue", password=STRONG_PASSWORD, role="supervisor", acting_user=None
    )
    add_member(setup.desk, supervisor.user, receives_reports=False, acting_user=None)
    browser = signed_in_browser(port, "sue", supervisor.device.key, "127.0.0.6")
    for query in ["?kind=report.received", f"?person={arms.analyst.username}"]:
        status, page, _ = browser.request("GET", "/staff/audit/" + query)
        assert status in (200, 400) and not ARMS_CELL.search(page), query
    assert NARCOTICS_CELL.search(browser.request("GET", "/staff/audit/")[1])
    administrator = create_staff(
        username="ada", password=STRONG_PASSWORD, role="administrator", acting_user=None
    )
    browser = signed_in_browser(port, "ada", administrator.device.key, "127.0.0.7")
    page = browser.request("GET", "/staff/audit/?kind=report.received")[1]
    assert ARMS_CELL.search(page) and NARCOTICS_CELL.search(page)
    status, page, _ = browser.request("GET", "/staff/admin/")
    assert status == 200 and b"totp" not in page.lower()
    assert browser.request("GET", "/staff/admin/otp_totp/totpdevice/")[0] == 404


FLOOD_SECONDS = 15


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_flood_from_one_source_keeps_no_one_else_out_and_not_even_itself_for_long(
    served: tuple[int, DeskWithRecipient, Path],
) -> None:
    port, setup, _ = served
    status, receipt, _ = Reporter(port, REPORT_PATH).submit("a report to come back to")
    assert status == 200 and receipt
    flooder = "127.0.0.9"
    stop = threading.Event()
    answers: list[int] = []

    def flood() -> None:
        # The real member's own name: the most hostile flood (made-up names are the same
        # to the server, which throttles by the name typed before looking it up).
        number = 0
        while not stop.is_set():
            number += 1
            answers.append(sign_in(port, setup.analyst.username, "wrong password!!", flooder))
            answers.append(open_receipt(port, f"{number:020d}", flooder))

    threads = [threading.Thread(target=flood) for _ in range(2)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(2)
        assert sign_in(port, setup.analyst.username, STRONG_PASSWORD, "127.0.0.2") == 302
        assert open_receipt(port, receipt, "127.0.0.3") == 200
        time.sleep(max(0, FLOOD_SECONDS - 2))
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=120)
    assert 429 in answers  # the flood was slowed
    assert 500 not in answers
    deadline = time.monotonic() + 65
    signed_in = reported = False
    while time.monotonic() < deadline and not (signed_in and reported):
        signed_in = (
            signed_in or sign_in(port, setup.analyst.username, STRONG_PASSWORD, flooder) == 302
        )
        reported = reported or open_receipt(port, receipt, flooder) == 200
        time.sleep(3)
    assert signed_in and reported, "the flooding source was still kept out after a minute"


REDIS_TEST_URL = "redis://127.0.0.1:6379/1"


def redis_is_there() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        return True
    except OSError:
        return False


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_servers_on_one_postgresql_and_one_redis_behave_as_one(
    tmp_path: Path, settings: object, real_receipt_cost: None
) -> None:
    if connection.vendor != "postgresql" or not redis_is_there():
        pytest.skip("needs PostgreSQL (TIPLINE_TEST_ON_URL) and Redis on 127.0.0.1:6379")
    import redis

    redis.Redis.from_url(REDIS_TEST_URL).flushdb()
    shared_folder = tmp_path / "shared"  # one data folder, as NFS would give both hosts
    settings.FILES_DIR = shared_folder / "files"  # type: ignore[attr-defined]
    DeskWithRecipient()
    env = {
        **os.environ,
        "TIPLINE_DATA_DIR": str(shared_folder),
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "tipline.settings",
        "TIPLINE_REDIS_URL": REDIS_TEST_URL,
        "TIPLINE_SECRET_KEY": "a-secret-key-both-hosts-share-" + "x" * 30,
    }
    ports = [free_port(), free_port()]
    with (tmp_path / "servers.log").open("w") as log:
        servers = [ServerProcess(env, port, log) for port in ports]
        try:
            for server in servers:
                server.wait_until_ready()
            one, other = ports
            status, receipt, _ = Reporter(one, REPORT_PATH).submit("sent through one host")
            assert status == 200 and receipt
            browser = Browser(other)
            status, page, _ = browser.submit("/en/receipt/", {"receipt": receipt})
            assert status == 200 and b"sent through one host" in page

            source = "127.0.0.9"
            for number in range(10):  # the per-source ladder's first step
                assert open_receipt(one, f"{number + 1:020d}", source) == 404
            status = open_receipt(other, receipt, source)
            assert status == 429  # felt on the other host, even for a right receipt
            assert open_receipt(other, receipt, "127.0.0.2") == 200  # another source is not
        finally:
            for server in servers:
                server.stop()
            redis.Redis.from_url(REDIS_TEST_URL).flushdb()
