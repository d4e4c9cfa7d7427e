"""Reading configuration from the environment: one place, loud on a bad value.

Every setting Tipline takes comes through these helpers, so a typo in a deployment fails at
start-up with a message naming the variable, never later with a strange behaviour. Secrets
can be given in a file (``NAME_FILE``), so that they stay out of the process environment
and unit files.
"""

import os
import secrets
from pathlib import Path

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class ConfigurationError(Exception):
    """An environment variable has a value Tipline cannot use."""


def text(name: str, default: str) -> str:
    return os.environ.get(name, default)


def flag(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigurationError(f"{name} must be true or false, not {raw!r}")


def integer(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise ConfigurationError(f"{name} must be at least {minimum}, not {value}")
    return value


def words(name: str, default: str) -> list[str]:
    """A comma-separated list, empty items dropped."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def secret(name: str) -> str | None:
    """A secret from ``NAME`` or from the file named by ``NAME_FILE``; None if neither is set."""
    value = os.environ.get(name)
    path = os.environ.get(f"{name}_FILE")
    if value and path:
        raise ConfigurationError(f"set {name} or {name}_FILE, not both")
    if path:
        try:
            value = Path(path).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise ConfigurationError(f"{name}_FILE: cannot read {path}: {error}") from None
    if value is not None and len(value) < 32 and name.endswith("SECRET_KEY"):
        raise ConfigurationError(f"{name} must be at least 32 characters long")
    return value or None


def data_dir(name: str, default: str) -> Path:
    """The data folder, created readable by its owner only."""
    path = Path(os.environ.get(name, default)).expanduser().resolve()
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        raise ConfigurationError(f"{name}: cannot create {path}: {error}") from None
    return path


def secret_in_data_dir(folder: Path, filename: str) -> str:
    """A secret generated on first run into the data folder (mode 0600) and read after.

    Written to a temporary file and linked into place, so that two processes starting at
    once agree on one secret and neither reads a half-written file.
    """
    path = folder / filename
    if not path.exists():
        temporary = folder / f".{filename}.{os.getpid()}.{secrets.token_hex(8)}.tmp"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_urlsafe(48) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process won the race; use its secret
        finally:
            temporary.unlink()
    value = path.read_text(encoding="utf-8").strip()
    if len(value) < 32:
        raise ConfigurationError(f"{path} holds no usable secret; delete it")
    return value
