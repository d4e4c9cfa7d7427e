"""The shell compares fingerprints too: `tipline addpartner CARD --fingerprint "DIGITS"`
adds nothing without the digits, or with digits that are not the card's; `tipline
partnercard` prints this installation's own fingerprint beside its card."""

import io
import os
import subprocess
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tipline import vault
from tipline.sharing import cards
from tipline.sharing.models import Partner
from tipline.testing.server import tipline_command

pytestmark = pytest.mark.django_db


def partner_card(tmp_path: Path) -> tuple[Path, str]:
    """A card of another installation (its own keys), as a file, and its fingerprint."""
    secret = vault.new_installation_secret()
    identity = vault.unlock_installation_identity(
        vault.create_installation_identity(secret), secret
    )
    card = cards.Card(
        name="Border police",
        base_url="https://border.example",
        signing_key=identity.signing_public_key,
        encryption_key=identity.encryption_public_key,
        desks=[{"slug": "narcotics", "name": "Narcotics"}],
        languages=["en"],
    )
    path = tmp_path / "their-card.json"
    path.write_text(cards.card_json(card), encoding="utf-8")
    return path, card.fingerprint


def test_without_the_fingerprint_nothing_is_added(tmp_path: Path) -> None:
    path, _ = partner_card(tmp_path)
    with pytest.raises(CommandError, match="--fingerprint"):
        call_command("addpartner", str(path))
    assert not Partner.objects.exists()


@pytest.mark.parametrize(
    "wrong",
    [
        lambda right: right[:-1] + str((int(right[-1]) + 1) % 10),  # one digit off
        lambda right: " ".join(reversed(right.split())),  # the groups in another order
        lambda right: right.replace(" ", "")[:35],  # too short
        lambda right: "",
        lambda right: right.replace("0", "O"),  # letters that look like digits
    ],
)
def test_digits_that_are_not_the_cards_add_nothing(tmp_path: Path, wrong) -> None:  # type: ignore[no-untyped-def]
    path, right = partner_card(tmp_path)
    typed = wrong(right)
    if typed.replace(" ", "") == right.replace(" ", ""):
        typed = "1" * 40  # the card happened to have nothing to swap
    with pytest.raises(CommandError, match="nothing was added"):
        call_command("addpartner", str(path), "--fingerprint", typed)
    assert not Partner.objects.exists()


@pytest.mark.parametrize("spacing", ["groups", "dashes", "together"])
def test_the_cards_digits_add_the_partner(tmp_path: Path, spacing: str) -> None:
    path, right = partner_card(tmp_path)
    typed = {
        "groups": right,
        "dashes": right.replace(" ", "-"),
        "together": right.replace(" ", ""),
    }[spacing]
    out = io.StringIO()
    call_command("addpartner", str(path), "--fingerprint", typed, stdout=out)
    assert Partner.objects.get().name == "Border police"
    assert "added Border police" in out.getvalue()


def test_partnercard_prints_the_card_and_beside_it_this_installations_fingerprint() -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command("partnercard", "--url", "https://tips.example", stdout=out, stderr=err)
    card = cards.parse_card(out.getvalue())  # stdout is the card alone: `> our-card.json`
    assert f"this installation's fingerprint: {card.fingerprint}" in err.getvalue()
    assert card.fingerprint == cards.own_card("https://tips.example").fingerprint


def test_the_real_command_exits_non_zero_and_adds_nothing(tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    """As an administrator runs it: a shell's exit status."""
    path, _ = partner_card(tmp_path)
    data = tmp_path / "data"
    env = {
        **os.environ,
        "TIPLINE_DATA_DIR": str(data),
        "DJANGO_SETTINGS_MODULE": "tipline.settings",
    }
    env.pop("DATABASE_URL", None)
    subprocess.run([tipline_command(), "migrate", "-v", "0"], env=env, check=True, timeout=300)
    for extra in ([], ["--fingerprint", "12345 " * 8]):
        done = subprocess.run(
            [tipline_command(), "addpartner", str(path), *extra],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode != 0, done.stdout
    listed = subprocess.run(
        [tipline_command(), "shell", "-c",
         "from tipline.sharing.models import Partner; print(Partner.objects.count())"],
        env=env, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    assert listed.stdout.strip().splitlines()[-1] == "0"
