"""Checks that every word a person reads is translatable, and every catalogue complete.

`untranslated_strings(template)` reads a template the way Django does (its own lexer), puts
a placeholder where each `{{ variable }}` and `{% tag %}` stands and blanks what sits inside
`{% blocktranslate %}`, `{% comment %}` and `{% translate %}`, then parses the HTML that
remains: text between tags, and the attributes a person reads or hears (alt, title,
placeholder, aria-label, value of buttons), must not contain a letter. Reporter and staff
tests both use it, each over its own templates.

`catalogue_problems(language)` asks msgfmt (GNU gettext) for the catalogue's statistics:
untranslated or fuzzy entries are problems, and the committed .mo must be what msgfmt makes
of the .po.
"""

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings
from django.template.base import Lexer, TokenType
from django.utils.translation import to_locale

# A space: it never joins two words, and a tag keeps parsing when a block tag stands inside it
# (`<tr{% if old %} class="old"{% endif %}>`).
PLACEHOLDER = " "
LETTER = re.compile(r"[^\W\d_]")
READ_ATTRIBUTES = {"alt", "title", "placeholder", "aria-label", "aria-description", "label"}
SILENT_ELEMENTS = {"style", "script"}
BLOCKS_THAT_HIDE = {
    "blocktranslate": "endblocktranslate",
    "blocktrans": "endblocktrans",
    "comment": "endcomment",
}


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._silent = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SILENT_ELEMENTS:
            self._silent += 1
        read = set(READ_ATTRIBUTES)
        if tag == "input" and dict(attrs).get("type") in {"submit", "button", "reset"}:
            read.add("value")
        self.found += [value for name, value in attrs if name in read and value]

    def handle_endtag(self, tag: str) -> None:
        if tag in SILENT_ELEMENTS and self._silent:
            self._silent -= 1

    def handle_data(self, data: str) -> None:
        if not self._silent:
            self.found.append(data)


def _template_as_html(source: str) -> str:
    pieces = []
    hiding_until = None
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents.split() else ""
            if hiding_until is None and name in BLOCKS_THAT_HIDE:
                hiding_until = BLOCKS_THAT_HIDE[name]
            elif name == hiding_until:
                hiding_until = None
            pieces.append(PLACEHOLDER)
        elif token.token_type == TokenType.TEXT and hiding_until is None:
            pieces.append(token.contents)
        else:
            pieces.append(PLACEHOLDER)
    return "".join(pieces)


def untranslated_strings(template: Path) -> list[str]:
    """The visible pieces of text in `template` that stand outside any translation tag."""
    parser = _VisibleText()
    parser.feed(_template_as_html(template.read_text(encoding="utf-8")))
    parser.close()
    texts = (" ".join(text.replace(PLACEHOLDER, " ").split()) for text in parser.found)
    return [text for text in texts if LETTER.search(text)]


def catalogue_path(language: str) -> Path:
    return Path(settings.LOCALE_PATHS[0]) / to_locale(language) / "LC_MESSAGES" / "django.po"


def catalogue_problems(language: str) -> list[str]:
    """Untranslated or fuzzy entries in the language's catalogue, or a stale .mo."""
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "msgfmt (gettext) is not installed; make test installs it"
    po = catalogue_path(language)
    result = subprocess.run(
        [msgfmt, "--check-format", "--statistics", "-o", "-", str(po)],
        capture_output=True,
        check=False,
    )
    problems = []
    if result.returncode != 0:
        problems.append(result.stderr.decode(errors="replace").strip())
    statistics = result.stderr.decode(errors="replace")
    for kind in ("fuzzy", "untranslated"):
        counted = re.search(rf"(\d+) {kind}", statistics)
        if counted and int(counted.group(1)):
            problems.append(f"{po}: {counted.group(0)} (msgfmt --statistics)")
    if result.returncode == 0 and result.stdout != po.with_suffix(".mo").read_bytes():
        problems.append(f"{po.with_suffix('.mo')} is stale: run `tipline compilemessages`")
    return problems
