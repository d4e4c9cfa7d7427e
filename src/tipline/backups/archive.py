"""One backup file: `manifest.json`, `database.json` and `files/...`, in a tar.

The database travels as Django fixture JSON (`dumpdata`): it restores on SQLite or
PostgreSQL alike, whichever the backup came from. Report content stays as it is stored:
encrypted to its recipients and reporter; the files are copied as the encrypted bytes on
disk. What the backup holds readable is what the database holds readable (routing columns,
accounts with their Argon2id hashes, wrapped keys and TOTP secrets, the audit log), so keep
backups as carefully as the database itself.
"""

import io
import json
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction

from tipline.accounts.models import StaffUser
from tipline.audit.actions import record
from tipline.intake.models import Report

FORMAT = "tipline-backup"
VERSION = 1
# Rebuilt by migrate, or meaningless on another server.
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "admin.logentry"]


class RestoreRefused(Exception):
    """The backup cannot be restored here; the message says why. Nothing was changed."""


def write_backup(target: Path) -> dict[str, object]:
    """Write a backup of the database and the encrypted files to `target`."""
    files_root = Path(settings.FILES_DIR) / "reports"
    files = sorted(p for p in files_root.rglob("*") if p.is_file()) if files_root.exists() else []
    with tempfile.NamedTemporaryFile("w+", suffix=".json", encoding="utf-8") as dump:
        call_command("dumpdata", exclude=EXCLUDED, output=dump.name, verbosity=0)
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "created_at": datetime.now(UTC).isoformat(),
            "made_on": connection.vendor,
            "reports": Report.objects.count(),
            "files": len(files),
        }
        with tarfile.open(target, "w") as archive:
            _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=2).encode())
            archive.add(dump.name, arcname="database.json")
            for path in files:
                archive.add(path, arcname=f"files/{path.relative_to(files_root).as_posix()}")
    return manifest


def restore_backup(source: Path) -> dict[str, object]:
    """Bring a backup back into an empty data folder and database."""
    if Report.objects.exists() or StaffUser.objects.exists():
        raise RestoreRefused("the database is not empty: restore needs an empty data folder")
    files_root = Path(settings.FILES_DIR) / "reports"
    if files_root.exists() and any(files_root.iterdir()):
        raise RestoreRefused(f"{files_root} is not empty: restore needs an empty data folder")
    try:
        archive = tarfile.open(source, "r")  # noqa: SIM115 - closed by the `with` below
    except (OSError, tarfile.TarError) as error:
        raise RestoreRefused(f"{source} is not a Tipline backup: {error}") from None
    with archive:
        manifest = _manifest(archive)
        members = _checked_file_members(archive, files_root)
        with tempfile.TemporaryDirectory() as folder:
            archive.extract("database.json", folder, filter="data")
            with transaction.atomic():
                call_command("loaddata", str(Path(folder) / "database.json"), verbosity=0)
                record("backup.restored", actor=None, reports=int(manifest["reports"]))
        files_root.mkdir(parents=True, exist_ok=True)
        for member in members:
            archive.extract(member, files_root, filter="data")
    return manifest


def _checked_file_members(archive: tarfile.TarFile, files_root: Path) -> list[tarfile.TarInfo]:
    """The backup's files, each checked before anything is restored: the "data" filter
    refuses absolute paths, "..", links and device files (a crafted backup must not write
    outside the files folder)."""
    members = []
    for member in archive.getmembers():
        if not member.name.startswith("files/"):
            continue
        member.name = member.name.removeprefix("files/")
        try:
            tarfile.data_filter(member, str(files_root))
        except tarfile.FilterError as error:
            raise RestoreRefused(f"the backup holds an unsafe entry: {error}") from None
        if member.isfile():
            members.append(member)
    return members


def _manifest(archive: tarfile.TarFile) -> dict[str, object]:
    try:
        handle = archive.extractfile("manifest.json")
        manifest = json.loads(handle.read()) if handle else None
    except (KeyError, ValueError):
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise RestoreRefused("this file is not a Tipline backup")
    if manifest.get("version") != VERSION:
        raise RestoreRefused(f"backup format version {manifest.get('version')} is not known here")
    return manifest


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.now(UTC).timestamp())
    archive.addfile(info, io.BytesIO(data))
