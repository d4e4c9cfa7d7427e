"""This installation's identity: made once, unlocked with the secret kept outside the
database (see `tipline.vault.installation`)."""

import os
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction

from tipline import vault

from .models import Identity

SECRET_FILE_NAME = "installation_secret"  # noqa: S105 - a file name, not a secret


def secret_path() -> Path:
    configured = os.environ.get("TIPLINE_INSTALLATION_SECRET_FILE")
    return Path(configured) if configured else Path(settings.DATA_DIR) / SECRET_FILE_NAME


class IdentityUnavailable(Exception):
    """The installation secret is missing or does not open the stored identity (a database
    restored without its data folder's `installation_secret`)."""


def installation_secret(*, create: bool = False) -> bytes:
    """The 32-byte secret that wraps the identity's private keys; made with the identity."""
    path = secret_path()
    if not path.exists() and not create:
        raise IdentityUnavailable(f"{path} is missing; restore it from where it was kept")
    if not path.exists():
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(vault.new_installation_secret().hex() + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process made it first; use theirs
        finally:
            temporary.unlink()
    return bytes.fromhex(path.read_text(encoding="ascii").strip())


def ensure_identity() -> Identity:
    """The identity row, made with new keys the first time (`tipline migrate` calls this)."""
    existing = Identity.objects.first()
    if existing is not None:
        return existing
    record = vault.create_installation_identity(installation_secret(create=True))
    try:
        with transaction.atomic():
            return Identity.objects.create(
                name=settings.INSTALLATION_NAME,
                signing_public_key=record.signing_public_key,
                encryption_public_key=record.encryption_public_key,
                wrapped_private_keys=record.wrapped_private_keys,
            )
    except IntegrityError:  # pragma: no cover - two first starts at once
        return Identity.objects.get()


def unlocked_identity() -> vault.InstallationIdentity:
    identity = ensure_identity()
    try:
        return vault.unlock_installation_identity(record_of(identity), installation_secret())
    except vault.DecryptionError as error:
        raise IdentityUnavailable("the installation secret does not open the identity") from error


def record_of(identity: Identity) -> vault.InstallationKeyRecord:
    return vault.InstallationKeyRecord(
        signing_public_key=bytes(identity.signing_public_key),
        encryption_public_key=bytes(identity.encryption_public_key),
        wrapped_private_keys=bytes(identity.wrapped_private_keys),
    )


def opens_identity(secret: bytes) -> bool:
    """Whether `secret` opens the stored identity (there is one to open)."""
    identity = Identity.objects.first()
    if identity is None:
        return False
    try:
        vault.unlock_installation_identity(record_of(identity), secret)
    except vault.DecryptionError:
        return False
    return True


def discard_unused_identity() -> None:
    """Before a restore into an empty installation: the identity `tipline migrate` made
    there (nobody paired with it yet) gives way to the one in the backup."""
    Identity.objects.all().delete()


def keep_restored_secret(secret: bytes) -> Path:
    """After a restore: make `secret` this installation's secret, once it is known to open
    the restored identity. Replaces the file atomically (mode 0600); `OSError` when it
    cannot be written (a read-only TIPLINE_INSTALLATION_SECRET_FILE)."""
    if not opens_identity(secret):
        raise IdentityUnavailable("the backup's secret does not open the restored identity")
    path = secret_path()
    temporary = path.with_name(f".{path.name}.{os.getpid()}.restore")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secret.hex() + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return path


def fingerprint_of(signing_key: bytes, encryption_key: bytes) -> str:
    return vault.key_fingerprint(signing_key, encryption_key)
