"""`tipline demo` makes a training desk in its own folder and serves it: the inbox shows the
synthetic reports, a training analyst signs in with what the terminal printed, and files go
both ways as on a real desk (the demo's parent process cleans files while it builds the
reports; its forked web worker must still clean the reporters' files)."""

import base64
import os
import re
import signal
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tipline.reports.tests.samples import jpeg_with_gps, pdf_with_author
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


@dataclass(frozen=True)
class Demo:
    base: str
    folder: Path
    printed: str

    def sign_in(self, page: Page, username: str) -> None:
        found = re.search(
            rf"{re.escape(username)}\s+\w+\s+password (\S+)\s+TOTP secret (\S+)", self.printed
        )
        assert found, self.printed
        password, secret = found.groups()
        key_hex = base64.b32decode(secret + "=" * (-len(secret) % 8)).hex()
        page.goto(f"{self.base}/staff/signin/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.fill("#id_code", totp_code(key_hex))
        page.click("button[type=submit]")
        assert "/signin" not in page.url, page.content()[:2000]

    def files_of_newest_report(self) -> tuple[int, int]:
        """(number, attachments) of the training desk's newest report, from its database."""
        with sqlite3.connect(self.folder / "tipline.sqlite3") as database:
            number, report_id = database.execute(
                "SELECT number, id FROM intake_report ORDER BY number DESC LIMIT 1"
            ).fetchone()
            (files,) = database.execute(
                "SELECT count(*) FROM intake_attachment WHERE report_id = ?", (report_id,)
            ).fetchone()
        return int(number), int(files)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """One `tipline demo` process, as a trainer starts it, for the tests of this module."""
    tmp_path = tmp_path_factory.mktemp("demo")
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
        assert not (tmp_path / "data").exists()  # never the real installation's folder
        yield Demo(f"http://127.0.0.1:{port}", folder, printed)
        output = log.read_text(encoding="utf-8", errors="replace")
        assert "ChildProcessError" not in output, output
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


@pytest.mark.slow
def test_demo_serves_a_training_inbox_an_analyst_can_sign_in_to(page: Page, demo: Demo) -> None:
    assert (demo.folder / "tipline.sqlite3").exists()
    demo.sign_in(page, "analyst-ur")
    page.goto(f"{demo.base}/staff/desk/training/")
    assert page.locator("html").get_attribute("dir") == "rtl"  # the analyst's Urdu
    assert page.locator(".training-banner").inner_text() == "تربیت"  # TRAINING
    assert page.locator("table.inbox tbody tr").count() == REPORTS
    screenshot(page, "demo-training-inbox-ur")


@pytest.mark.slow
def test_training_desk_takes_files_from_reporter_and_analyst(
    page: Page, browser: Browser, demo: Demo, tmp_path: Path
) -> None:
    photo = tmp_path / "IMG_20261205_Ahmed_Khan_03001234567.jpg"
    photo.write_bytes(jpeg_with_gps())
    document = tmp_path / "harbour-plan.pdf"
    document.write_bytes(pdf_with_author())
    reporter = browser.new_context(java_script_enabled=False).new_page()

    reporter.goto(f"{demo.base}/en/report/training/drug-trafficking/")
    reporter.fill("textarea[name=description]", "Crates at the north jetty, photo attached.")
    reporter.check("input[name=q_how_known][value=saw]")
    reporter.set_input_files("input[name=attachments] >> nth=0", [str(photo)])
    reporter.click("button:has-text('Send report')")
    assert reporter.locator("#receipt-code").count() == 1, reporter.content()[:3000]
    code = reporter.inner_text("#receipt-code").strip()
    number, files = demo.files_of_newest_report()
    assert (number, files) == (REPORTS + 1, 1)

    demo.sign_in(page, "analyst-en")
    page.goto(f"{demo.base}/staff/desk/training/report/{number}/")
    assert page.locator("ul.files li").count() == 1
    assert "photo-1.jpg" in page.inner_text("ul.files")  # not the reporter's own name
    assert "Ahmed" not in page.content()
    page.fill("textarea[name=text]", "Thank you. Here is the plan of the harbour.")
    page.set_input_files("#reply-files", [str(document)])
    page.click("button:has-text('Send reply')")
    assert page.locator("ul.files li").count() == 2, page.content()[:3000]
    assert "harbour-plan.pdf" in page.inner_text("ul.files >> nth=1")  # staff names stay

    reporter.goto(f"{demo.base}/en/receipt/")
    reporter.fill("input[name=receipt]", code)
    reporter.press("input[name=receipt]", "Enter")
    assert "Here is the plan of the harbour." in reporter.content()
    reporter.fill("textarea[name=text]", "Another photo from today.")
    reporter.set_input_files("#more-files", [str(photo)])
    reporter.click("form[action$='/receipt/message/'] button[type=submit]")
    assert "Another photo from today." in reporter.content()
    screenshot(reporter, "demo-training-reporter-follow-up")
    assert demo.files_of_newest_report() == (number, 3)
    reporter.context.close()
