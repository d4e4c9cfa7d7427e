"""`tipline demo` makes a training desk in its own folder and serves it: the inbox shows the
synthetic reports, and a training analyst signs in with what the terminal printed."""

import base64
import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tipline.testing.fixtures import screenshot, totp_code
from tipline.testing.server import free_port, tipline_command

REPORTS = 6


def _wait_for(log: Path, text: str, process: subprocess.Popen[bytes], seconds: float) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        output = log.read_text(encoding="utf-8", errors="replace")
        if text in output:
            return output
        assert process.poll() is None, output
        time.sleep(0.5)
    raise TimeoutError(log.read_text(encoding="utf-8", errors="replace"))


@pytest.mark.slow
def test_demo_serves_a_training_inbox_an_analyst_can_sign_in_to(page: Page, tmp_path: Path) -> None:
    folder = tmp_path / "demo-data"
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "TIPLINE_DATA_DIR"}}
    env["DJANGO_SETTINGS_MODULE"] = "tipline.settings"
    log = tmp_path / "demo.log"
    with log.open("w") as sink:
        command = [tipline_command(), "demo", "--data-dir", str(folder), "--port", str(port)]
        process = subprocess.Popen(
            [*command, "--reports", str(REPORTS)],
            env=env,
            cwd=tmp_path,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        printed = _wait_for(log, "Tipline is serving", process, seconds=240)
        assert (folder / "tipline.sqlite3").exists()
        assert not (tmp_path / "data").exists()  # never the real installation's folder
        found = re.search(r"analyst-ur\s+analyst\s+password (\S+)\s+TOTP secret (\S+)", printed)
        assert found, printed
        password, secret = found.groups()
        key_hex = base64.b32decode(secret + "=" * (-len(secret) % 8)).hex()

        base = f"http://127.0.0.1:{port}"
        page.goto(f"{base}/staff/signin/")
        page.fill("#id_username", "analyst-ur")
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.fill("#id_code", totp_code(key_hex))
        page.click("button[type=submit]")
        assert "/signin" not in page.url, page.content()[:2000]
        page.goto(f"{base}/staff/desk/training/")
        assert page.locator("html").get_attribute("dir") == "rtl"  # the analyst's Urdu
        assert page.locator(".training-banner").inner_text() == "تربیت"  # TRAINING
        assert page.locator("table.inbox tbody tr").count() == REPORTS
        screenshot(page, "demo-training-inbox-ur")
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
