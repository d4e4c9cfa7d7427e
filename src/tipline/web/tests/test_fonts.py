"""The Urdu web fonts: made by tools/make_fonts.py from Debian's Noto Nastaliq Urdu, and
drawing every letter the Urdu pages show (docs/design.md, "What a reporter's phone
downloads")."""

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.conf.locale import LANG_INFO
from fontTools.ttLib import TTFont

from tipline.reports.default_categories import DEFAULT_CATEGORIES

REPOSITORY = Path(__file__).resolve().parents[4]
FONTS = REPOSITORY / "src" / "tipline" / "web" / "static" / "web" / "fonts"
STYLESHEET = REPOSITORY / "src" / "tipline" / "web" / "static" / "web" / "site.css"
DEBIAN_NASTALIQ = Path("/usr/share/fonts/truetype/noto/NotoNastaliqUrdu-Regular.ttf")
ARABIC_SCRIPT = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")


def drawn_by(font_file: str) -> set[int]:
    return set(TTFont(FONTS / font_file).getBestCmap())


def urdu_texts(node: Any) -> list[str]:
    """Every Urdu text of the shipped categories (names, questions, hints, answers)."""
    if isinstance(node, dict):
        found = [node["ur"]] if isinstance(node.get("ur"), str) else []
        return found + [text for value in node.values() for text in urdu_texts(value)]
    if isinstance(node, list):
        return [text for item in node for text in urdu_texts(item)]
    return []


def urdu_catalogue_texts() -> list[str]:
    catalogue = (REPOSITORY / "src/tipline/locale/ur/LC_MESSAGES/django.po").read_text()
    return re.findall(r'^msgstr(?:\[\d\])? "(.*)"$|^"(.*)"$', catalogue, re.MULTILINE)


@pytest.mark.slow
def test_committed_fonts_are_what_the_script_makes() -> None:
    """Reproducible: the committed WOFF2 files and the stylesheet's unicode-range are what
    the script makes now from Debian's font (its --check)."""
    if not DEBIAN_NASTALIQ.exists():
        pytest.skip("Debian's fonts-noto-core is not installed (make test installs it)")
    done = subprocess.run(
        [sys.executable, str(REPOSITORY / "tools" / "make_fonts.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr


def test_the_urdu_face_draws_every_letter_of_the_urdu_pages() -> None:
    texts = urdu_texts(DEFAULT_CATEGORIES)
    texts += [part for pair in urdu_catalogue_texts() for part in pair]
    letters = {ord(letter) for text in texts for letter in ARABIC_SCRIPT.findall(text)}
    assert len(letters) > 40  # the test reads real Urdu
    assert letters - drawn_by("nastaliq-urdu.woff2") == set()


def test_the_name_face_draws_the_name_of_urdu_and_nothing_else() -> None:
    names = {dict(settings.LANGUAGES)["ur"], LANG_INFO["ur"]["name_local"]}
    letters = {ord(letter) for name in names for letter in name}
    assert drawn_by("nastaliq-urdu-name.woff2") - {0x20, 0xA0} <= letters | {0x0}
    assert letters <= drawn_by("nastaliq-urdu-name.woff2")


def test_fonts_are_small_and_local_first() -> None:
    """WOFF2 subsets only (no TrueType, no whole font), each face tries the phone's own copy
    of Noto Nastaliq Urdu before it downloads anything."""
    assert sorted(path.name for path in FONTS.iterdir()) == [
        "OFL.txt",
        "nastaliq-urdu-name.woff2",
        "nastaliq-urdu.woff2",
    ]
    assert (FONTS / "nastaliq-urdu.woff2").stat().st_size < 100 * 1024
    assert (FONTS / "nastaliq-urdu-name.woff2").stat().st_size < 4 * 1024
    stylesheet = STYLESHEET.read_text()
    faces = re.findall(r"@font-face\s*{([^}]*)}", stylesheet)
    assert len(faces) == 2
    for face in faces:
        sources = re.search(r"src:([^;]*);", face)
        assert sources is not None
        assert sources.group(1).split()[0].startswith("local(")
        assert 'format("woff2")' in sources.group(1)
        assert "unicode-range:" in face
