"""A database made by the previous release opens under this one: migrated, its reports read.

The previous release's own code is taken from git (`git archive`) into a temporary folder
and run in a process of its own, on the engine the suite runs on (SQLite, or PostgreSQL in
CI), to make an installation as an agency has it: two desks, a reporter's report in Urdu
with a photo, and that report shared with the other desk. This release then migrates the
same database in place (`tipline migrate`), and its staff and the reporter read everything
back: the moves of this release (the report room keeping its `intake` tables, a report's
channel filled from where it came) must lose nothing.
"""

import json
import os
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

# The release before the report room moved out of `intake` (stop 35 on main).
PREVIOUS_RELEASE = "b93340109acea5c791472daa4cbd76f1fa49a955"
REPOSITORY = Path(__file__).resolve().parents[3]
MARKER = "کشتی سفید ہے، جیٹی پر رات تین بجے کریٹ اترتے ہیں"

MAKE_INSTALLATION = """
import json, django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0, interactive=False)
from tipline.intake.models import Report
from tipline.sharing import outbox
from tipline.sharing.tests.helpers import TwoDesks
from tipline.sharing.tests.test_share_between_desks import share_a_report
from tipline.testing.fixtures import STRONG_PASSWORD
from tipline.intake.tests.helpers import receipt_from, send_report
from tipline.intake.tests.samples import jpeg_with_gps
from django.test import Client
from tipline import jobs

desks = TwoDesks()
original, share = share_a_report(desks, description=MARKER)
jobs.wait_for_in_process_jobs()  # the outbox delivers on its own thread, as it runs
outbox.deliver_due()
category = desks.sender.desk.categories.get(slug="drug-trafficking")
answer = send_report(Client(), category, language="ur", description=MARKER + " 2",
                     files=[("jetty.jpg", jpeg_with_gps())])
jobs.wait_for_in_process_jobs()
print(json.dumps({
    "password": STRONG_PASSWORD,
    "receipt": receipt_from(answer),
    "reports": sorted((r.desk.slug, r.number) for r in Report.objects.all()),
}))
"""

READ_BACK = """
import json, sys, django
django.setup()
from django.test import Client
from tipline import vault
from tipline.accounts.models import StaffUser
from tipline.reports import conversation
from tipline.reports.attachments import read_attachment
from tipline.reports.models import Attachment, Channel, Report

made = json.loads(sys.argv[1])
found = {}
for report in Report.objects.select_related("desk").order_by("desk__slug", "number"):
    analyst = StaffUser.objects.get(username="analyst-" + report.desk.slug)
    key = vault.unlock_with_password(analyst.key_record, made["password"])
    opened = conversation.open_as_staff(report, analyst, key)
    photos = [
        read_attachment(opened.report_key, report.id, a.id)[:2] == b"\\xff\\xd8"
        for a in Attachment.objects.filter(report=report)
    ]
    found[f"{report.desk.slug}/{report.number}"] = {
        "description": conversation.read_content(opened)["description"],
        "channel": report.channel,
        "photos_read": photos,
    }
page = Client().post("/ur/receipt/", {"receipt": made["receipt"]})
shown = page.content.decode()
found["reporter_reads"] = page.status_code == 200 and (made["marker"] + " 2") in shown
from tipline import jobs
jobs.wait_for_in_process_jobs()
print(json.dumps(found, ensure_ascii=False))
"""


def previous_release(into: Path) -> Path:
    """The previous release's source tree, from git."""
    archive = subprocess.run(
        ["git", "-C", str(REPOSITORY), "archive", "--format=tar", PREVIOUS_RELEASE, "src"],
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into / "src"


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[str]:
    """A database of the suite's engine, new and empty; dropped afterwards."""
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        yield f"sqlite:///{tmp_path / 'data' / 'tipline.sqlite3'}"
        return
    base = settings.DATABASES["default"]
    name = f"tipline_upgrade_{uuid.uuid4().hex[:12]}"
    server = {"host": base["HOST"], "port": base["PORT"], "user": base["USER"]}
    with psycopg.connect(**server, dbname="postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield f"postgres://{base['USER']}@{base['HOST']}:{base['PORT']}/{name}"
    with psycopg.connect(**server, dbname="postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(source: Path, scratch: Path, url: str, script: str, *args: str) -> str:
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("TIPLINE_", "DJANGO_"))},
        "PYTHONPATH": str(source),
        "DJANGO_SETTINGS_MODULE": "tipline.settings",
        "TIPLINE_DATA_DIR": str(scratch / "data"),
        "DATABASE_URL": url,
        "TIPLINE_ALLOWED_HOSTS": "testserver",
        # The suite's collected static files: pages name them through the manifest.
        "TIPLINE_STATIC_ROOT": str(settings.STATIC_ROOT),
    }
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=scratch,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return done.stdout.strip().splitlines()[-1]


@pytest.mark.slow
def test_a_database_made_by_the_previous_release_is_migrated_and_read(
    tmp_path: Path, empty_database: str
) -> None:
    (tmp_path / "data").mkdir()
    old_source = previous_release(tmp_path / "previous")
    url = empty_database
    made = json.loads(run(old_source, tmp_path, url, f"MARKER = {MARKER!r}\n" + MAKE_INSTALLATION))
    assert made["reports"] == [["customs", 1], ["narcotics", 1], ["narcotics", 2]]

    this_release = REPOSITORY / "src"
    run(
        this_release,
        tmp_path,
        url,
        "import django; django.setup(); "
        "from django.core.management import call_command; "
        "call_command('migrate', verbosity=0, interactive=False); print('migrated')",
    )
    read = json.loads(
        run(this_release, tmp_path, url, READ_BACK, json.dumps({**made, "marker": MARKER}))
    )

    assert read["narcotics/1"]["description"] == "Crates at the jetty"
    assert read["narcotics/1"]["channel"] == "web"
    assert read["customs/1"]["description"] == MARKER  # the share, filed on the other desk
    assert read["customs/1"]["channel"] == "shared"
    assert read["narcotics/2"]["description"] == MARKER + " 2"
    assert read["narcotics/2"]["photos_read"] == [True]
    assert read["customs/1"]["photos_read"] and all(read["customs/1"]["photos_read"])
    assert read["reporter_reads"] is True
