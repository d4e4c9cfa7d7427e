"""One circuit, one source: `tipline serve` behind Tor's `HiddenServiceExportCircuitID
haproxy` reads the PROXY protocol, so each circuit is its own source for the throttles.

Tor writes, at the start of each stream to the service, a PROXY v1 line whose source is
`fc00:dead:beef:4dad::<circuit id>`; the test does the same over real sockets.
"""

import http.client
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from tipline.reports.tests.test_crash_safety import database_url
from tipline.testing.fixtures import DeskWithRecipient
from tipline.testing.reporter_client import Reporter
from tipline.testing.server import ServerProcess, free_port
from tipline.throttling.tests.test_serve_gate import REPORT_PATH, Browser


class CircuitConnection(http.client.HTTPConnection):
    """A connection as Tor makes it for one stream of circuit `circuit`: PROXY line first."""

    def __init__(self, port: int, circuit: int) -> None:
        super().__init__("127.0.0.1", port, timeout=60)
        self.circuit = circuit

    def connect(self) -> None:
        super().connect()
        assert self.sock is not None
        self.sock.sendall(
            f"PROXY TCP6 fc00:dead:beef:4dad::{self.circuit:x} ::1 {self.circuit} 80\r\n".encode()
        )


def on_circuit(port: int, circuit: int) -> Browser:
    browser = Browser(port)
    browser.connection = CircuitConnection(port, circuit)
    return browser


def open_receipt(browser: Browser, receipt: str) -> int:
    return browser.submit("/en/receipt/", {"receipt": receipt})[0]


@pytest.fixture
def served_behind_tor(tmp_path: Path, settings: object, real_receipt_cost: None) -> Iterator[int]:
    data = tmp_path / "data"
    settings.FILES_DIR = data / "files"  # type: ignore[attr-defined]
    DeskWithRecipient()
    env = {
        **os.environ,
        "TIPLINE_DATA_DIR": str(data),
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "tipline.settings",
        "TIPLINE_PROXY_PROTOCOL": "true",
    }
    env.pop("TIPLINE_REDIS_URL", None)
    env.pop("TIPLINE_BROKER_URL", None)
    port = free_port()
    with (tmp_path / "server.log").open("w") as log:
        server = ServerProcess(env, port, log)
        server.wait_until_ready()
        try:
            yield port
        finally:
            server.stop()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_one_circuits_wrong_receipts_do_not_refuse_another_circuits_right_one(
    served_behind_tor: int,
) -> None:
    port = served_behind_tor
    status, receipt, _ = Reporter(port, REPORT_PATH).submit("a report to come back to")
    assert status == 200 and receipt

    # Circuit 7 floods wrong receipts, all on one keep-alive connection (one Tor stream):
    # only the first request carries the PROXY line, and every one counts for circuit 7.
    flooder = on_circuit(port, 7)
    answers = [open_receipt(flooder, f"{number + 1:020d}") for number in range(14)]
    assert answers.count(404) == 10 and answers[-1] == 429

    # Circuit 8, on the same proxy address, is a source of its own: its right receipt is in.
    assert open_receipt(on_circuit(port, 8), receipt) == 200
    # Circuit 7 stays slowed, on a new stream too: the flood was counted against it.
    assert open_receipt(on_circuit(port, 7), receipt) == 429


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_proxy_line_from_an_address_not_allowed_is_refused(served_behind_tor: int) -> None:
    with socket.create_connection(("127.0.0.1", served_behind_tor), timeout=30) as sock:
        sock.sendall(
            b"PROXY TCP4 10.0.0.1 127.0.0.1 1234 80\r\n"
            b"GET /en/receipt/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        )
        assert sock.recv(100).startswith(b"HTTP/1.1 200")  # 127.0.0.1 is the allowed proxy
    outside = Browser(served_behind_tor, "127.0.0.2")
    outside.connection = CircuitConnection(served_behind_tor, 9)
    outside.connection.source_address = ("127.0.0.2", 0)
    # Anyone else who writes a PROXY line is refused: a client cannot name its own source.
    assert outside.request("GET", "/en/receipt/")[0] == 403
