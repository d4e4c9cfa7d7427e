"""Make the web fonts of the reporter pages from the OFL sources Debian ships.

    make fonts                              (writes src/tipline/web/static/web/fonts/)
    .venv/bin/python tools/make_fonts.py [--source-dir DIR] [--check]

Urdu is drawn in Noto Nastaliq Urdu; no phone may be made to download the whole font
(570 KiB as TrueType, 148 KiB as WOFF2) to read a page. Two WOFF2 subsets, made with
fontTools and brotli, both without hinting (phones and Chromium on Linux and Android do not
use it; it was a fifth of the subset):

- `nastaliq-urdu.woff2`, the body face of Urdu pages: the letters, marks, digits and
  punctuation of Urdu (URDU below), with every layout feature, so that words join and marks
  sit as in the full font. Only the Regular weight: bold text is emboldened by the browser,
  which saves a second download of the same size on every first Urdu page.
- `nastaliq-urdu-name.woff2`: only the word "اردو", for the language switch on pages in
  other languages (about 1 KiB instead of the body face).

The same code points are the `unicode-range` of the `@font-face` rules in `web/site.css`
(`--check` holds that too). The output is byte for byte the same on every run (fontTools
keeps the source's timestamps; brotli is deterministic), so `--check` compares the committed
files with what this script makes now: CI runs it (web/tests/test_fonts.py).
"""

import argparse
import re
import sys
import tempfile
from pathlib import Path

from fontTools import subset

REPOSITORY = Path(__file__).resolve().parents[1]
FONTS = REPOSITORY / "src" / "tipline" / "web" / "static" / "web" / "fonts"
STYLESHEET = REPOSITORY / "src" / "tipline" / "web" / "static" / "web" / "site.css"
DEBIAN_FONTS = Path("/usr/share/fonts/truetype/noto")  # fonts-noto-core
SOURCE = "NotoNastaliqUrdu-Regular.ttf"

# What Urdu text needs. Letters: the Arabic letters Urdu uses (also the Arabic kaf and yeh
# that Arabic keyboards type), the Urdu letters (tteh, peh, tcheh, ddal, rreh, jeh, keheh,
# gaf, noon ghunna, heh doachashmee, heh goal, yeh barree...), tatweel;
# marks: harakat, hamza above and below, noon ghunna, superscript alef, the honorific signs;
# digits: Western, Arabic-Indic and Urdu (Extended Arabic-Indic); punctuation: the font's
# ASCII punctuation, Urdu comma, semicolon, question mark and full stop, Arabic percent and
# separators, guillemets and quotes; the joiners and direction marks; the dotted circle
# shaping draws under a lone mark.
URDU = (
    (0x0020, 0x0021),
    (0x0028, 0x0029),
    (0x002B, 0x003A),
    (0x00A0, 0x00A0),
    (0x00AB, 0x00AB),
    (0x00BB, 0x00BB),
    (0x060C, 0x060C),
    (0x0610, 0x0614),
    (0x061B, 0x061B),
    (0x061F, 0x061F),
    (0x0621, 0x063A),
    (0x0640, 0x0656),
    (0x0658, 0x0658),
    (0x0660, 0x066C),
    (0x0670, 0x0670),
    (0x0679, 0x0679),
    (0x067E, 0x067E),
    (0x0686, 0x0686),
    (0x0688, 0x0688),
    (0x0691, 0x0691),
    (0x0698, 0x0698),
    (0x06A9, 0x06A9),
    (0x06AF, 0x06AF),
    (0x06BA, 0x06BA),
    (0x06BE, 0x06BE),
    (0x06C0, 0x06C3),
    (0x06CC, 0x06CC),
    (0x06D2, 0x06D4),
    (0x06F0, 0x06F9),
    (0x200C, 0x200F),
    (0x2018, 0x2019),
    (0x201C, 0x201D),
    (0x25CC, 0x25CC),
)
URDU_NAME = "اردو"

FACES = {
    "nastaliq-urdu.woff2": [code for low, high in URDU for code in range(low, high + 1)],
    "nastaliq-urdu-name.woff2": sorted({ord(letter) for letter in URDU_NAME}),
}


def unicode_range(codes: list[int]) -> str:
    """The CSS `unicode-range` for these code points, as runs (U+0621-063A, U+0679)."""
    runs: list[tuple[int, int]] = []
    for code in sorted(codes):
        if runs and code == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], code)
        else:
            runs.append((code, code))
    return ", ".join(
        f"U+{low:04X}" if low == high else f"U+{low:04X}-{high:04X}" for low, high in runs
    )


def make_face(source: Path, codes: list[int], target: Path) -> None:
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]  # Nastaliq's joining and mark placement need them all
    options.hinting = False
    options.desubroutinize = True
    options.name_IDs = ["*"]  # keep the copyright, licence and font names
    options.notdef_outline = True
    font = subset.load_font(str(source), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=codes)
    subsetter.subset(font)
    subset.save_font(font, str(target), options)


def declared_ranges(stylesheet: str) -> dict[str, str]:
    """Each @font-face's font file and its unicode-range, as written in the stylesheet."""
    found = {}
    for rule in re.findall(r"@font-face\s*{([^}]*)}", stylesheet):
        url = re.search(r'url\("fonts/([^"]+)"\)', rule)
        declared = re.search(r"unicode-range:\s*([^;]+);", rule)
        if url:
            found[url.group(1)] = " ".join(declared.group(1).split()) if declared else ""
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source-dir", type=Path, default=DEBIAN_FONTS)
    parser.add_argument(
        "--check", action="store_true", help="compare with the committed files; write nothing"
    )
    arguments = parser.parse_args()
    source = arguments.source_dir / SOURCE
    if not source.exists():
        print(f"{source} is missing: apt-get install fonts-noto-core", file=sys.stderr)
        return 2
    problems = []
    declared = declared_ranges(STYLESHEET.read_text())
    with tempfile.TemporaryDirectory() as scratch:
        for name, codes in FACES.items():
            made = Path(scratch) / name
            make_face(source, codes, made)
            if declared.get(name) != unicode_range(codes):
                problems.append(
                    f"site.css: the @font-face of {name} needs "
                    f"unicode-range: {unicode_range(codes)};"
                )
            committed = FONTS / name
            if arguments.check:
                if not committed.exists() or committed.read_bytes() != made.read_bytes():
                    problems.append(
                        f"{committed.relative_to(REPOSITORY)} is not what "
                        "tools/make_fonts.py makes: run `make fonts`"
                    )
            else:
                committed.write_bytes(made.read_bytes())
                print(f"{committed.relative_to(REPOSITORY)}: {committed.stat().st_size} bytes")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
