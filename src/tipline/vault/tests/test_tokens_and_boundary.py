"""One-time tokens, and the rule that only the vault touches PyNaCl."""

import re
from pathlib import Path

from tipline import vault

SOURCE = Path(__file__).resolve().parents[2]


def test_tokens_are_unique_and_stored_only_as_digests() -> None:
    tokens = {vault.new_token() for _ in range(100)}
    assert len(tokens) == 100
    token = tokens.pop()
    assert len(token) >= 43
    assert vault.token_digest(token) == vault.token_digest(token)
    assert token not in vault.token_digest(token)


def test_nothing_outside_the_vault_imports_pynacl() -> None:
    pattern = re.compile(r"^\s*(import nacl|from nacl)", re.MULTILINE)
    offenders = [
        str(path.relative_to(SOURCE))
        for path in SOURCE.rglob("*.py")
        if "vault" not in path.relative_to(SOURCE).parts[:1]
        and pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
