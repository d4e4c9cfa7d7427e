"""The documented commands for scripts: createdesk, createstaff, bootstrap."""

import io
import re

import pytest
from django.core.management import CommandError, call_command

from tipline import vault
from tipline.accounts.models import StaffUser
from tipline.desks.models import Desk
from tipline.desks.selectors import recipients_of
from tipline.testing.fixtures import STRONG_PASSWORD

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def stdin(monkeypatch: pytest.MonkeyPatch):
    def feed(text: str) -> None:
        monkeypatch.setattr("sys.stdin", io.StringIO(text))

    return feed


def test_createdesk_then_createstaff_makes_a_recipient(stdin) -> None:
    assert "Created desk 'narcotics'" in run(
        "createdesk", "narcotics", "--name", "Narcotics", "--languages", "en,ur"
    )
    stdin(STRONG_PASSWORD + "\n")
    output = run(
        "createstaff", "alice", "--role", "analyst", "--desk", "narcotics", "--password-stdin"
    )
    assert "otpauth://totp/Tipline%3Aalice?secret=" in output
    code = re.search(r"^    ([A-Z2-7]{4}(?:-[A-Z2-7]{4}){7})$", output, re.MULTILINE)
    assert code, output
    user = StaffUser.objects.get(username="alice")
    assert vault.unlock_with_recovery_code(user.key_record, code.group(1))
    assert vault.unlock_with_password(user.key_record, STRONG_PASSWORD)
    assert recipients_of(Desk.objects.get(slug="narcotics")) == [user]


def test_createstaff_not_recipient(stdin) -> None:
    run("createdesk", "arms", "--name", "Arms")
    stdin(STRONG_PASSWORD + "\r\n")
    run(
        "createstaff",
        "sam",
        "--role",
        "supervisor",
        "--desk",
        "arms",
        "--not-recipient",
        "--password-stdin",
    )
    assert recipients_of(Desk.objects.get(slug="arms")) == []
    assert StaffUser.objects.get(username="sam").check_password(STRONG_PASSWORD)


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (["--desk", "nowhere"], STRONG_PASSWORD, "no desk 'nowhere'"),
        ([], "\n", "password is empty"),
        ([], "short\n", "too short"),
    ],
)
def test_createstaff_errors_are_clear(stdin, args: list[str], password: str, message: str) -> None:
    stdin(password)
    with pytest.raises(CommandError, match=message):
        run("createstaff", "bob", "--role", "analyst", "--password-stdin", *args)
    assert not StaffUser.objects.exists()


def test_createstaff_without_a_terminal_needs_password_stdin(stdin) -> None:
    stdin("")
    with pytest.raises(CommandError, match="--password-stdin"):
        run("createstaff", "bob", "--role", "analyst")


def test_createdesk_errors_are_clear() -> None:
    with pytest.raises(CommandError, match="unknown language"):
        run("createdesk", "x", "--name", "X", "--languages", "klingon")
    assert not Desk.objects.exists()


def test_bootstrap_prints_a_link_until_an_administrator_exists(stdin) -> None:
    output = run("bootstrap", "--url", "http://127.0.0.1:8000")
    assert re.search(r"http://127\.0\.0\.1:8000/staff/invitation/[\w-]{43}/", output)
    stdin(STRONG_PASSWORD + "\n")
    run("createstaff", "root", "--role", "administrator", "--password-stdin")
    assert "An administrator exists" in run("bootstrap")


def test_migrations_match_the_models() -> None:
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()
