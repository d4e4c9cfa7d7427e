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
        return vault.unlock_installation_identity(
            vault.InstallationKeyRecord(
                signing_public_key=bytes(identity.signing_public_key),
                encryption_public_key=bytes(identity.encryption_public_key),
                wrapped_private_keys=bytes(identity.wrapped_private_keys),
            ),
            installation_secret(),
        )
    except vault.DecryptionError as error:
        raise IdentityUnavailable("the installation secret does not open the identity") from error


def fingerprint_of(signing_key: bytes, encryption_key: bytes) -> str:
    return vault.key_fingerprint(signing_key, encryption_key)
