"""Backup and restore round trip: everything opens again after a restore on an empty data
folder; bad or unsafe backups are refused without changing anything."""

import io
import shutil
import tarfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from tipline import vault
from tipline.accounts.models import StaffUser
from tipline.audit.models import AuditEvent
from tipline.intake import conversation
from tipline.intake.attachments import read_attachment
from tipline.intake.models import Report
from tipline.intake.tests.helpers import receipt_from, send_report
from tipline.intake.tests.samples import jpeg_with_gps
from tipline.testing.fixtures import STRONG_PASSWORD, DeskWithRecipient


def run(*args: object) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_round_trip_restores_reports_files_keys_and_audit(files_dir: Path, tmp_path: Path) -> None:
    setup = DeskWithRecipient()
    code = receipt_from(
        send_report(
            Client(),
            setup.desk.categories.get(slug="smuggling"),
            description="Diesel moved at night",
            files=[("tanker.jpg", jpeg_with_gps())],
        )
    )
    report = Report.objects.get()
    opened = conversation.open_as_staff(report, setup.analyst, setup.private_key)
    conversation.add_staff_reply(opened, author=setup.analyst, text="Which road?")
    events_before = AuditEvent.objects.count()
    backup = tmp_path / "tipline.backup"

    assert "1 reports, 1 files" in run("backup", str(backup))
    contents = backup.read_bytes()
    assert b"Diesel moved at night" not in contents and b"Which road?" not in contents

    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(files_dir)
    files_dir.mkdir()
    assert not Report.objects.exists()

    assert "Restored 1 reports and 1 files" in run("restore", str(backup))
    again = conversation.open_as_reporter(code)
    assert again is not None
    assert conversation.read_content(again)["description"] == "Diesel moved at night"
    assert conversation.read_conversation(again)[-1].text == "Which road?"
    attachment = again.report.attachments.get()
    assert read_attachment(again.report_key, again.report.id, attachment.id)[:3] == b"\xff\xd8\xff"
    analyst = StaffUser.objects.get(username=setup.analyst.username)
    key = vault.unlock_with_password(analyst.key_record, STRONG_PASSWORD)
    assert conversation.read_content(conversation.open_as_staff(again.report, analyst, key))
    assert AuditEvent.objects.count() == events_before + 1
    assert AuditEvent.objects.filter(action="backup.restored").exists()


@pytest.mark.django_db
def test_restore_refuses_a_data_folder_that_is_not_empty(
    desk_with_recipient: DeskWithRecipient, files_dir: Path, tmp_path: Path
) -> None:
    backup = tmp_path / "b.tar"
    run("backup", str(backup))
    with pytest.raises(CommandError, match="not empty"):
        run("restore", str(backup))


@pytest.mark.django_db
def test_restore_refuses_what_is_not_a_backup(files_dir: Path, tmp_path: Path) -> None:
    junk = tmp_path / "junk.tar"
    junk.write_bytes(b"not a tar at all")
    with pytest.raises(CommandError, match="not a Tipline backup"):
        run("restore", str(junk))
    other = tmp_path / "other.tar"
    with tarfile.open(other, "w") as archive:
        info = tarfile.TarInfo("manifest.json")
        payload = b'{"format": "something-else"}'
        info.size = len(payload)
        archive.addfile(info, io.BytesIO(payload))
    with pytest.raises(CommandError, match="not a Tipline backup"):
        run("restore", str(other))
    assert not StaffUser.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_backup_that_tries_to_write_outside_the_folder_is_refused(
    files_dir: Path, tmp_path: Path
) -> None:
    setup = DeskWithRecipient()
    backup = tmp_path / "evil.tar"
    run("backup", str(backup))
    with tarfile.open(backup, "a") as archive:
        info = tarfile.TarInfo("files/../../escaped.txt")
        info.size = 4
        archive.addfile(info, io.BytesIO(b"evil"))
    call_command("flush", interactive=False, verbosity=0)
    with pytest.raises(CommandError, match="unsafe entry"):
        run("restore", str(backup))
    assert not (files_dir.parent / "escaped.txt").exists()
    assert not StaffUser.objects.filter(username=setup.analyst.username).exists()  # nothing loaded
