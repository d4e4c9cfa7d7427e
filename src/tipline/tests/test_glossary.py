"""Every catalogue says one thing with one word: docs/glossary.md's table, held over every
message whose English names the thing, and its "Never" words found nowhere."""

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils.translation import to_locale

GLOSSARY = Path(settings.SOURCE_DIR).parent.parent / "docs" / "glossary.md"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\{[^}]*\}\}")


def _tables() -> tuple[dict[str, dict[str, list[str]]], list[tuple[str, str]], set[str]]:
    """The glossary's words (English -> language -> accepted forms), its "Never" words
    (language, word) and the messages where the English word is a verb."""
    text = GLOSSARY.read_text(encoding="utf-8")
    words_part, never_part = text.split("## Never")
    never_part, verbs_part = never_part.split("## Not the noun")
    rows = [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in words_part.splitlines()
        if line.startswith("|") and not line.startswith("| ---")
    ]
    languages = rows[0][1:]
    words = {
        row[0]: {
            language: [form.strip() for form in cell.split("/")]
            for language, cell in zip(languages, row[1:], strict=True)
            if cell
        }
        for row in rows[1:]
    }
    never = [
        (cells[0], cells[1])
        for line in never_part.splitlines()
        if line.startswith("|") and not line.startswith(("| ---", "| language"))
        for cells in [[cell.strip() for cell in line.strip().strip("|").split("|")]]
    ]
    verbs = set(re.findall(r'"([^"]+)"', verbs_part))
    return words, never, verbs


def _catalogue(language: str) -> dict[str, str]:
    """English -> translation, from the compiled catalogue (plural forms: each form)."""
    path = Path(settings.LOCALE_PATHS[0]) / to_locale(language) / "LC_MESSAGES" / "django.mo"
    with open(path, "rb") as compiled:
        entries = gettext.GNUTranslations(compiled)._catalog  # type: ignore[attr-defined]
    found: dict[str, str] = {}
    for key, value in entries.items():
        english = key[0] if isinstance(key, tuple) else key
        if english:
            found[f"{english}\x00{key[1] if isinstance(key, tuple) else ''}"] = value
    return found


WORDS, NEVER, VERBS = _tables()
LANGUAGES = sorted({language for by_language in WORDS.values() for language in by_language})


def test_the_glossary_reads_as_a_table() -> None:
    assert set(WORDS) == {"report", "reporter", "desk", "receipt code"}
    assert WORDS["desk"]["zh-hans"] == ["受理台"]
    assert WORDS["receipt code"]["fa"] == ["کد رسید", "کدهای رسید"]
    assert ("zh-hans", "工作台") in NEVER
    assert "Report serious crime, safely" in VERBS


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_thing_has_one_word_in_the_catalogue(language: str) -> None:
    strays = []
    for key, translation in _catalogue(language).items():
        english = PLACEHOLDER.sub(" ", key.split("\x00")[0])
        if english in VERBS:
            continue
        for thing, by_language in WORDS.items():
            forms = by_language.get(language)
            named = re.search(rf"\b{thing}(s|'s)?\b", english, re.IGNORECASE)
            if forms and named and not any(form in translation for form in forms):
                strays.append(f"{thing}: {english!r} -> {translation!r}")
    assert strays == []


@pytest.mark.parametrize(("language", "word"), NEVER)
def test_the_words_the_glossary_refuses_are_nowhere(language: str, word: str) -> None:
    assert [t for t in _catalogue(language).values() if word in t] == []
