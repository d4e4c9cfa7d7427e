"""DESIGN.md guarantee 4: nothing acknowledged is lost, nothing half-written is visible.

A real `tipline serve` (two workers) runs on this test's database while reporters submit
over HTTP, some with a photo; at random moments the whole server is killed with SIGKILL, then
started again, several times. Afterwards every receipt the server acknowledged must open its
report with all its content and files, and every report in the database must be whole: its
key sealed to the recipient, its content and every attachment decrypting to the end.
"""

import http.client
import os
import random
import threading
import time
from pathlib import Path

import pytest
from django.db import connection

from tipline.reports import conversation
from tipline.reports.attachments import read_attachment
from tipline.reports.models import Report
from tipline.reports.receipts import Receipt
from tipline.testing.fixtures import DeskWithRecipient
from tipline.testing.reporter_client import Reporter
from tipline.testing.server import ServerProcess, free_port

from .samples import jpeg_with_gps

KILLS = 5
REPORTERS = 4
SEED = 20261122


def database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user, host, port = settings["USER"], settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432
    return f"postgres://{user}@{host}:{port}/{settings['NAME']}"


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_every_acknowledged_report_survives_sigkill(
    real_receipt_cost: None, tmp_path: Path, settings: object
) -> None:
    data = tmp_path / "data"
    settings.FILES_DIR = data / "files"  # type: ignore[attr-defined]
    setup = DeskWithRecipient()
    env = {
        **os.environ,
        "TIPLINE_DATA_DIR": str(data),
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "tipline.settings",
    }
    rng = random.Random(SEED)
    photo = jpeg_with_gps()
    acknowledged: list[tuple[str, str, bool]] = []
    lock = threading.Lock()
    log = (tmp_path / "server.log").open("w")
    port = free_port()

    for round_number in range(KILLS):
        server = ServerProcess(env, port, log, "--workers", "2")
        server.wait_until_ready()
        stop = threading.Event()

        def report_until_stopped(
            reporter_number: int, round_number: int = round_number, stop: threading.Event = stop
        ) -> None:
            reporter = Reporter(port, "/en/report/narcotics/drug-trafficking/", timeout=20)
            sent = 0
            while not stop.is_set():
                description = f"crash round {round_number} reporter {reporter_number} #{sent}"
                with_photo = sent % 2 == 0
                try:
                    status, receipt, _ = reporter.submit(
                        description, photo=photo if with_photo else None
                    )
                except (OSError, http.client.HTTPException):
                    return  # the server died under us: this one was never acknowledged
                if status == 200 and receipt:
                    with lock:
                        acknowledged.append((receipt, description, with_photo))
                sent += 1

        reporters = [
            threading.Thread(target=report_until_stopped, args=(n,)) for n in range(REPORTERS)
        ]
        before = len(acknowledged)
        for thread in reporters:
            thread.start()
        # Kill at a random moment once this round has reporters going (on a loaded machine
        # the first answers of a fresh server take a while): mid-derivation, mid-commit, ...
        deadline = time.monotonic() + 60
        while len(acknowledged) == before and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(rng.uniform(0.2, 3.0))
        server.kill()
        stop.set()
        for thread in reporters:
            thread.join(timeout=30)
    log.close()

    # One more start after the last kill: the server must come up on what was left.
    with open(tmp_path / "server-after.log", "w") as after_log:
        server = ServerProcess(env, port, after_log)
        server.wait_until_ready()
        server.stop()

    assert len(acknowledged) >= 10, "the test must have driven real submissions"
    for receipt, description, with_photo in acknowledged:
        opened = conversation.open_as_reporter(Receipt.read(receipt))
        assert opened is not None, f"acknowledged receipt lost: {description}"
        assert conversation.read_content(opened)["description"] == description
        assert opened.report.attachments.count() == (1 if with_photo else 0)

    for report in Report.objects.all():
        assert report.seals.count() == 1, "a report without its sealed key"
        opened = conversation.open_as_staff(report, setup.analyst, setup.private_key)
        assert conversation.read_content(opened)["description"].startswith("crash round")
        for attachment in report.attachments.all():
            assert (
                read_attachment(opened.report_key, report.id, attachment.id)[:3] == b"\xff\xd8\xff"
            )
    print(
        f"{KILLS} SIGKILLs, {len(acknowledged)} acknowledged reports, all intact; "
        f"{Report.objects.count()} reports stored in all"
    )
