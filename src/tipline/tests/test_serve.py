"""`tipline serve` runs gunicorn, answers, and writes nothing about the client."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def migrated_data_folder(folder: Path) -> tuple[dict[str, str], Path]:
    """An environment for `tipline` on a fresh, migrated SQLite data folder, and the command."""
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tipline.settings",
        "TIPLINE_DATA_DIR": str(folder),
    }
    environment.pop("DATABASE_URL", None)
    tipline = Path(sys.executable).with_name("tipline")
    subprocess.run([str(tipline), "migrate", "-v0"], env=environment, check=True, timeout=120)
    return environment, tipline


@pytest.mark.slow
def test_serve_answers_and_logs_no_trace_of_the_client(tmp_path: Path) -> None:
    port = free_port()
    environment, tipline = migrated_data_folder(tmp_path)
    server = subprocess.Popen(
        [str(tipline), "serve", "--port", str(port)],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        body = b""
        for _ in range(100):
            try:
                request = urllib.request.Request(
                    f"http://127.0.0.1:{port}/",
                    headers={"User-Agent": "UA-MARKER-51", "Referer": "http://REF-MARKER-52/"},
                )
                with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - a fixed http:// URL on loopback
                    body = response.read()
                    headers = response.headers
                break
            except OSError:
                time.sleep(0.1)
        assert b"Report serious crime" in body
        assert headers["Server"] == "gunicorn"
        assert "default-src 'none'" in headers["Content-Security-Policy"]
        for missing in ("/no-such-page", "/staff/invitation/TOKEN-MARKER-53/"):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}{missing}", timeout=5)
            except urllib.error.HTTPError as error:
                assert error.code == 404
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    assert "serving on http://127.0.0.1" in output
    for trace in ("127.0.0.1 ", "UA-MARKER-51", "REF-MARKER-52", "TOKEN-MARKER-53", '"GET '):
        assert trace not in output.replace(f"http://127.0.0.1:{port}/", ""), output


@pytest.mark.slow
def test_serve_runs_the_periodic_jobs_in_a_process_that_ends_with_it(tmp_path: Path) -> None:
    port = free_port()
    environment, tipline = migrated_data_folder(tmp_path)
    server = subprocess.Popen(
        [str(tipline), "serve", "--port", str(port)], env=environment, start_new_session=True
    )
    try:
        for _ in range(200):  # ready: gunicorn's signal handlers are in place
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        schedule = []
        for _ in range(100):
            found = subprocess.run(
                ["pgrep", "-P", str(server.pid), "-f", "tipline schedule"],
                capture_output=True,
                text=True,
            )
            schedule = [int(pid) for pid in found.stdout.split() if pid.strip()]
            if schedule:
                break
            time.sleep(0.1)
        assert schedule, "the schedule process did not start"
    finally:
        server.terminate()
        server.wait(timeout=30)
    for _ in range(200):
        try:
            os.kill(schedule[0], 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        pytest.fail("the schedule process outlived the server")
