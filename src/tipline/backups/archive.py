"""One backup file: `manifest.json`, `database.json`, `files/...` and, when the operator
gives a passphrase, `installation_secret.json`, in a tar.

The database travels as Django fixture JSON (`dumpdata`): it restores on SQLite or
PostgreSQL alike, whichever the backup came from. Report content stays as it is stored:
encrypted to its recipients and reporter; the files are copied as the encrypted bytes on
disk. What the backup holds readable is what the database holds readable (routing columns,
accounts with their Argon2id hashes, wrapped keys and TOTP secrets, the audit log), so keep
backups as carefully as the database itself.

The installation secret (which opens the installation's identity, the keys it shares with
partners under: `tipline.sharing.identity`) lives outside the database and is never in a
backup as it is. With a passphrase (`--passphrase-file`) it travels wrapped under a key
derived from that passphrase (`vault.wrap_installation_secret`: Argon2id, then
XChaCha20-Poly1305, bound to the identity's public keys), so that a seized backup alone
opens nothing of the identity, and a restore given the passphrase brings it back; without
one it is left out, and a restored installation cannot share until the secret file is put
back by hand.
"""

import base64
import io
import json
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction

from tipline import vault
from tipline.accounts.models import StaffUser
from tipline.audit.actions import record
from tipline.reports.models import Report
from tipline.sharing import identity as sharing_identity

FORMAT = "tipline-backup"
VERSION = 1
SECRET_MEMBER = "installation_secret.json"  # noqa: S105 - a member's name, not a secret
SECRET_FORMAT = "tipline-installation-secret"  # noqa: S105 - a format's name
MAX_SECRET_MEMBER_BYTES = 4096
# Rebuilt by migrate, or meaningless on another server.
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "admin.logentry"]


class RestoreRefused(Exception):
    """The backup cannot be restored here; the message says why. Nothing was changed."""


class BackupRefused(Exception):
    """No backup was written; the message says why."""


@dataclass(frozen=True)
class Restored:
    manifest: dict[str, object]
    # Whether the restored installation's identity opens with the secret it now has: when
    # not, it cannot share until the secret file is put back (`secret_path`).
    identity_opens: bool
    secret_path: Path


def write_backup(target: Path, *, passphrase: str | None = None) -> dict[str, object]:
    """Write a backup of the database and the encrypted files to `target`, with the
    installation secret wrapped under `passphrase` when one is given."""
    wrapped_secret = _wrapped_secret(passphrase) if passphrase is not None else None
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
            "installation_secret": "wrapped" if wrapped_secret else "not included",
        }
        with tarfile.open(target, "w") as archive:
            _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=2).encode())
            archive.add(dump.name, arcname="database.json")
            if wrapped_secret:
                _add_bytes(archive, SECRET_MEMBER, wrapped_secret)
            for path in files:
                archive.add(path, arcname=f"files/{path.relative_to(files_root).as_posix()}")
    return manifest


def _wrapped_secret(passphrase: str) -> bytes:
    """`installation_secret.json`: the secret wrapped under the passphrase, checked first to
    open the identity (a backup never carries a secret that does not)."""
    try:
        vault.check_backup_passphrase(passphrase)
    except vault.MalformedSecret as error:
        raise BackupRefused(str(error)) from None
    identity = sharing_identity.ensure_identity()
    try:
        secret = sharing_identity.installation_secret()
    except sharing_identity.IdentityUnavailable as error:
        raise BackupRefused(f"the installation secret cannot be read: {error}") from None
    if not sharing_identity.opens_identity(secret):
        raise BackupRefused("the installation secret does not open this installation's identity")
    keys = {
        "signing_public_key": bytes(identity.signing_public_key),
        "encryption_public_key": bytes(identity.encryption_public_key),
    }
    return json.dumps(
        {
            "format": SECRET_FORMAT,
            "version": 1,
            **{name: vault.encode_key(key) for name, key in keys.items()},
            "wrapped": base64.b64encode(
                vault.wrap_installation_secret(secret, passphrase, **keys)
            ).decode("ascii"),
        },
        indent=2,
    ).encode("ascii")


def restore_backup(
    source: Path, *, passphrase: str | None = None, without_secret: bool = False
) -> Restored:
    """Bring a backup back into an empty data folder and database, and its installation
    secret with it when the backup carries one (`passphrase` opens it; `without_secret`
    restores without it). Everything is checked, the passphrase included, before anything
    is changed."""
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
        secret = None if without_secret else _unwrapped_secret(archive, passphrase)
        with tempfile.TemporaryDirectory() as folder:
            archive.extract("database.json", folder, filter="data")
            with transaction.atomic():
                # The identity `tipline restore`'s migrate made here gives way to the
                # backup's (the database is empty: nobody paired with it).
                sharing_identity.discard_unused_identity()
                call_command("loaddata", str(Path(folder) / "database.json"), verbosity=0)
                record(
                    "backup.restored",
                    actor=None,
                    reports=int(manifest["reports"]),  # type: ignore[call-overload]
                    installation_secret="restored" if secret else "not restored",
                )
                if secret is not None:
                    _keep_secret(secret)
        files_root.mkdir(parents=True, exist_ok=True)
        for member in members:
            archive.extract(member, files_root, filter="data")
    try:
        opens = sharing_identity.opens_identity(sharing_identity.installation_secret())
    except sharing_identity.IdentityUnavailable:
        opens = False
    return Restored(manifest, opens, sharing_identity.secret_path())


def _unwrapped_secret(archive: tarfile.TarFile, passphrase: str | None) -> bytes | None:
    """The backup's installation secret, unwrapped with the passphrase; None when the
    backup carries none."""
    try:
        member = archive.getmember(SECRET_MEMBER)
    except KeyError:
        return None
    if passphrase is None:
        raise RestoreRefused(
            "this backup carries the installation secret under a passphrase: give it with "
            "--passphrase-file (or restore with --without-installation-secret; the "
            "installation then cannot share until its secret file is put back)"
        )
    handle = archive.extractfile(member) if member.size <= MAX_SECRET_MEMBER_BYTES else None
    try:
        data = json.loads(handle.read()) if handle else None
        if not isinstance(data, dict) or data.get("format") != SECRET_FORMAT:
            raise ValueError("not a wrapped installation secret")
        keys = {
            name: base64.b64decode(data[name], validate=True)
            for name in ("signing_public_key", "encryption_public_key")
        }
        blob = base64.b64decode(data["wrapped"], validate=True)
    except (KeyError, TypeError, ValueError) as error:
        raise RestoreRefused(f"the backup's {SECRET_MEMBER} is damaged: {error}") from None
    try:
        return vault.unwrap_installation_secret(blob, passphrase, **keys)
    except vault.DecryptionError:
        raise RestoreRefused(
            "the passphrase does not open the backup's installation secret; nothing was changed"
        ) from None


def _keep_secret(secret: bytes) -> None:
    try:
        sharing_identity.keep_restored_secret(secret)
    except sharing_identity.IdentityUnavailable:
        raise RestoreRefused(
            "the backup's installation secret does not open the identity in its database"
        ) from None
    except OSError as error:
        raise RestoreRefused(
            f"the installation secret could not be written to "
            f"{sharing_identity.secret_path()}: {error}; nothing was changed"
        ) from None


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
