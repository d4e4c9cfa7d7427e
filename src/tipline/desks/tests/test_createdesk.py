"""`tipline createdesk`: its help names every language the installation has, and a language
it does not have is refused with a clear error, making nothing."""

import io

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command, load_command_class

from tipline.desks.models import Desk

pytestmark = pytest.mark.django_db


def createdesk_help() -> str:
    command = load_command_class("tipline.reports", "createdesk")
    return command.create_parser("tipline", "createdesk").format_help()


def test_help_lists_every_language_of_the_installation() -> None:
    text = " ".join(createdesk_help().split())  # argparse wraps its lines
    for code, name in [
        ("en", "English"),
        ("ur", "Urdu"),
        ("zh-hans", "Simplified Chinese"),
        ("ps", "Pashto"),
        ("fa", "Persian"),
    ]:
        assert f"{code} ({name})" in text
    assert len(settings.LANGUAGES) == 5


def test_help_follows_the_installations_languages(settings: object) -> None:
    settings.LANGUAGES = [*settings.LANGUAGES, ("de", "Deutsch")]  # type: ignore[attr-defined]
    assert "de (German)" in " ".join(createdesk_help().split())


def test_every_installed_language_is_accepted() -> None:
    call_command(
        "createdesk", "border", "--name", "Border", "--languages", "ur,ps,fa", stdout=io.StringIO()
    )
    assert Desk.objects.get().languages == ["ur", "ps", "fa"]


def test_an_unknown_language_is_refused_clearly_and_makes_nothing() -> None:
    with pytest.raises(CommandError) as refused:
        call_command("createdesk", "border", "--name", "Border", "--languages", "en,ps,klingon")
    assert str(refused.value) == (
        "unknown language klingon; this installation has en, ur, zh-hans, ps, fa"
    )
    assert not Desk.objects.exists()
