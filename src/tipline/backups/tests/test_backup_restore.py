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
from tipline.reports import conversation
from tipline.reports.attachments import read_attachment
from tipline.reports.models import Report
from tipline.reports.receipts import Receipt
from tipline.reports.tests.helpers import receipt_from, send_report
from tipline.reports.tests.samples import jpeg_with_gps
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
    again = conversation.open_as_reporter(Receipt.read(code))
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


def run_both(*args: object) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def own_secret_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This test's installation secret, in a file of its own (the data folder's is shared by
    the whole run), and a passphrase cost a test can afford."""
    from tipline.testing.fixtures import FAST_COST
    from tipline.vault import passphrase

    path = tmp_path / "installation_secret"
    monkeypatch.setenv("TIPLINE_INSTALLATION_SECRET_FILE", str(path))
    monkeypatch.setattr(passphrase, "BACKUP_PASSPHRASE_COST", FAST_COST)
    return path


PASSPHRASE = "the ferry leaves at seven sharp"


def fresh_identity() -> object:
    """This installation's identity, made under the test's own secret file."""
    from tipline.sharing.identity import discard_unused_identity, ensure_identity

    discard_unused_identity()
    return ensure_identity()


def passphrase_file(tmp_path: Path, text: str = PASSPHRASE) -> Path:
    path = tmp_path / f"passphrase-{len(text)}"
    path.write_text(text + "\n", encoding="utf-8")
    return path


def empty_the_installation(files_dir: Path, secret: Path) -> None:
    """As on a new server: no files, no installation secret, and a database in which
    migrations just made a new identity (under a new secret)."""
    secret.unlink()
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(files_dir)
    files_dir.mkdir()


@pytest.mark.django_db(transaction=True)
def test_a_backup_with_a_passphrase_brings_the_identity_back_and_it_receives_a_share(
    files_dir: Path, tmp_path: Path, own_secret_file: Path
) -> None:
    from tipline.sharing.identity import unlocked_identity
    from tipline.sharing.models import ReceivedShare
    from tipline.sharing.tests.helpers import TwoDesks
    from tipline.sharing.tests.partner_kit import FakePartner, post

    identity = fresh_identity()
    TwoDesks()
    partner = FakePartner(name="Border Agency")
    keys = (bytes(identity.signing_public_key), bytes(identity.encryption_public_key))  # type: ignore[attr-defined]
    secret_text = own_secret_file.read_text()
    backup = tmp_path / "tipline.backup"
    out, _ = run_both("backup", str(backup), "--passphrase-file", str(passphrase_file(tmp_path)))
    assert "wrapped under the passphrase" in out
    # A seized backup alone opens nothing of the identity: the secret is not in it.
    contents = backup.read_bytes()
    secret = bytes.fromhex(secret_text.strip())
    assert secret_text.strip().encode() not in contents and secret not in contents
    with tarfile.open(backup) as archive:
        assert "installation_secret.json" in archive.getnames()

    empty_the_installation(files_dir, own_secret_file)
    wrong = passphrase_file(tmp_path, "not the passphrase it was written with")
    with pytest.raises(CommandError, match="passphrase does not open"):
        run_both("restore", str(backup), "--passphrase-file", str(wrong))
    assert not StaffUser.objects.exists()  # nothing was restored
    assert own_secret_file.read_text() != secret_text  # migrate's new one, untouched

    call_command("flush", interactive=False, verbosity=0)
    out, err = run_both("restore", str(backup), "--passphrase-file", str(passphrase_file(tmp_path)))
    assert "sharing works as before" in out and err == ""
    assert own_secret_file.read_text() == secret_text
    assert own_secret_file.stat().st_mode & 0o777 == 0o600
    restored = unlocked_identity()
    assert (restored.signing_public_key, restored.encryption_public_key) == keys
    # The restored installation takes a share from its partner again.
    response = post(partner.package(partner.share_payload()))
    assert response.status_code == 200, response.content
    assert ReceivedShare.objects.get().sender_name == "Border Agency"


@pytest.mark.django_db(transaction=True)
def test_a_backup_that_carries_the_secret_is_restored_only_with_its_passphrase_or_without_it(
    files_dir: Path, tmp_path: Path, own_secret_file: Path
) -> None:
    fresh_identity()
    DeskWithRecipient()
    backup = tmp_path / "tipline.backup"
    run_both("backup", str(backup), "--passphrase-file", str(passphrase_file(tmp_path)))
    empty_the_installation(files_dir, own_secret_file)
    with pytest.raises(CommandError, match="give it with --passphrase-file"):
        run_both("restore", str(backup))
    assert not StaffUser.objects.exists()
    call_command("flush", interactive=False, verbosity=0)
    out, err = run_both("restore", str(backup), "--without-installation-secret")
    assert "Restored 0 reports" in out
    assert "does not open" in err and str(own_secret_file) in err


@pytest.mark.django_db
def test_a_backup_without_a_passphrase_says_the_secret_is_not_in_it(
    desk_with_recipient: DeskWithRecipient, files_dir: Path, tmp_path: Path
) -> None:
    backup = tmp_path / "b.tar"
    _, err = run_both("backup", str(backup))
    assert "is not in this backup" in err
    with tarfile.open(backup) as archive:
        assert "installation_secret.json" not in archive.getnames()
    with pytest.raises(CommandError, match="at least 16 characters"):
        run_both(
            "backup", str(backup), "--passphrase-file", str(passphrase_file(tmp_path, "short"))
        )
