"""The words of a text as search sees them, the same for what was written and what is typed.

Reporters write Urdu, Persian and Pashto with whichever keyboard they have: Arabic yeh,
kaf and heh, or the Persian and Urdu letters that look alike, with or without vowel marks,
kashida or a zero-width non-joiner. Folding maps each family of look-alike letters to one
(Arabic, Pashto and alef-maksura yeh to Farsi yeh; Arabic kaf to keheh; heh goal, heh
doachashmee, teh marbuta to heh; hamza and madda carriers to their bare letter),
removes every combining mark (Arabic harakat, Latin accents), Eastern digits become ASCII,
and Latin letters lower-case (Roman Urdu is matched as typed, spellings differ). Chinese is
written without spaces: a run of Han characters gives its characters and their bigrams, so
"白色面包车" is found by "面包车" (面包, 包车) or "面包".
"""

import re
import unicodedata

# Look-alike letters that keyboards of the region produce for the same letter.
FOLDED = str.maketrans(
    {
        "\u064a": "\u06cc",  # Arabic yeh
        "\u0649": "\u06cc",  # alef maksura
        "\u06d0": "\u06cc",  # Pashto yeh
        "\u06cd": "\u06cc",  # Pashto yeh with tail
        "\u0626": "\u06cc",  # yeh with hamza (when NFKD keeps it)
        "\u0643": "\u06a9",  # Arabic kaf
        "\u06c1": "\u0647",  # Urdu heh goal
        "\u06be": "\u0647",  # heh doachashmee
        "\u0629": "\u0647",  # teh marbuta
        "\u06c0": "\u0647",  # heh with yeh above
        "\u06c2": "\u0647",  # heh goal with hamza
        "\u0623": "\u0627",  # أ
        "\u0625": "\u0627",  # إ
        "\u0622": "\u0627",  # آ
        "\u0671": "\u0627",  # ٱ
        "\u0624": "\u0648",  # ؤ
        "\u0640": None,  # tatweel (kashida)
        "\u200c": None,  # zero-width non-joiner: "می‌خواهم" and "میخواهم" alike
        "\u200d": None,
    }
)
WORD = re.compile(r"\w+")
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
# Words this long are not words a person searches by (and bound a report's tokens).
LONGEST_WORD = 40
MOST_WORDS = 5000


def fold(text: str) -> str:
    """The text with look-alike letters, marks, digits and case folded (see the module)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(FOLDED))
    kept = []
    for character in decomposed:
        if unicodedata.category(character) == "Mn":
            continue
        if character.isdigit() and not character.isascii():
            digit = unicodedata.digit(character, None)
            kept.append(str(digit) if digit is not None else character)
            continue
        kept.append(character)
    return unicodedata.normalize("NFC", "".join(kept)).translate(FOLDED).casefold()


def words(text: str) -> list[str]:
    """The distinct words of a text, folded, in order of first appearance; Chinese as
    characters and bigrams. At most `MOST_WORDS`."""
    found: dict[str, None] = {}
    for word in WORD.findall(fold(text)):
        for part in _split_han(word):
            if len(part) <= LONGEST_WORD:
                found.setdefault(part, None)
        if len(found) >= MOST_WORDS:
            break
    return list(found)[:MOST_WORDS]


def _split_han(word: str) -> list[str]:
    if not HAN.search(word):
        return [word]
    parts: list[str] = []
    position = 0
    for run in HAN.finditer(word):
        if run.start() > position:
            parts.append(word[position : run.start()])
        han = run.group()
        parts.extend(han)
        parts.extend(han[i : i + 2] for i in range(len(han) - 1))
        position = run.end()
    if position < len(word):
        parts.append(word[position:])
    return parts
