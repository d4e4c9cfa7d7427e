"""Settings from the environment: loud on a bad value, secrets from files, generated once."""

import os
import stat
import threading
from pathlib import Path

import pytest

from tipline import environment as env


@pytest.mark.parametrize(
    ("raw", "value"), [("1", True), ("TRUE", True), ("off", False), ("", False)]
)
def test_flags_read_common_spellings(
    monkeypatch: pytest.MonkeyPatch, raw: str, value: bool
) -> None:
    monkeypatch.setenv("TIPLINE_X", raw)
    assert env.flag("TIPLINE_X") is value


def test_a_bad_flag_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIPLINE_DEBUG", "maybe")
    with pytest.raises(env.ConfigurationError, match="TIPLINE_DEBUG"):
        env.flag("TIPLINE_DEBUG")


@pytest.mark.parametrize("raw", ["eight", "1.5", "-3"])
def test_a_bad_integer_names_the_variable(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv("TIPLINE_WEB_WORKERS", raw)
    with pytest.raises(env.ConfigurationError, match="TIPLINE_WEB_WORKERS"):
        env.integer("TIPLINE_WEB_WORKERS", 1, minimum=1)


def test_secret_from_a_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "key"
    path.write_text("s" * 40 + "\n")
    monkeypatch.setenv("TIPLINE_SECRET_KEY_FILE", str(path))
    assert env.secret("TIPLINE_SECRET_KEY") == "s" * 40


def test_secret_errors_are_clear(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TIPLINE_SECRET_KEY", "short")
    with pytest.raises(env.ConfigurationError, match="at least 32"):
        env.secret("TIPLINE_SECRET_KEY")
    monkeypatch.setenv("TIPLINE_SECRET_KEY_FILE", str(tmp_path / "missing"))
    with pytest.raises(env.ConfigurationError, match="not both"):
        env.secret("TIPLINE_SECRET_KEY")
    monkeypatch.delenv("TIPLINE_SECRET_KEY")
    with pytest.raises(env.ConfigurationError, match="cannot read"):
        env.secret("TIPLINE_SECRET_KEY")


def test_generated_secret_is_private_and_stable(tmp_path: Path) -> None:
    first = env.secret_in_data_dir(tmp_path, "secret_key")
    assert env.secret_in_data_dir(tmp_path, "secret_key") == first
    mode = stat.S_IMODE(os.stat(tmp_path / "secret_key").st_mode)
    assert mode == 0o600


def test_processes_starting_together_agree_on_one_secret(tmp_path: Path) -> None:
    results: list[str] = []
    threads = [
        threading.Thread(target=lambda: results.append(env.secret_in_data_dir(tmp_path, "k")))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(results)) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k"]


def test_data_folder_is_created_private(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TIPLINE_DATA_DIR", str(tmp_path / "new" / "data"))
    folder = env.data_dir("TIPLINE_DATA_DIR", "./data")
    assert folder.is_dir()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_settings_default_to_sqlite_in_wal_mode() -> None:
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("the suite runs on another database")
    options = settings.DATABASES["default"]["OPTIONS"]
    assert "journal_mode=WAL" in options["init_command"]
    assert "synchronous=FULL" in options["init_command"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert settings.DEBUG is False
