"""Writing systems: which script a character belongs to, and folding what varies in it.

Input: text in any of our languages. Output: script labels for letters and runs of
letters, and a *folded* form of a text in which the spellings that differ only by
keyboard, font or typing habit compare equal:

* Arabic script (Urdu, Persian): Arabic vs Persian yeh (ي ى ی ې) and kaf (ك ڪ ک), the
  heh forms (ه ہ ۀ ة ۃ ە), alef with hamza or wasla (أ إ ٱ), tatweel, harakat and
  other diacritics (the Persian ezafe kasra, the Urdu superscript alef of اعلیٰ), ZWNJ
  and ZWJ. Urdu ے, ھ, ں, ٹ, ڈ and آ are kept: swapping them is a real misspelling.
* Sinhala: ZWJ and ZWNJ (used in yansaya and rakaransaya conjuncts, and the other
  way round by some keyboards).
* Everywhere: Unicode NFC, bidi controls removed, hyphens, brackets and quotes become
  spaces, runs of spaces collapse.

Folding never changes which letters are there in a way a reader would call a
different spelling; it is for comparing, never for writing back.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator

LANG_SCRIPTS = {
    "en": "Latn",
    "ur": "Arab",
    "fa": "Arab",
    "ar": "Arab",
    "ps": "Arab",
    "sd": "Arab",
    "si": "Sinh",
    "hi": "Deva",
    "ne": "Deva",
    "ta": "Taml",
    "bn": "Beng",
}
"""Script of a language code, for when no project configuration is at hand."""

_SCRIPT_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0041, 0x005A, "Latn"),
    (0x0061, 0x007A, "Latn"),
    (0x00C0, 0x024F, "Latn"),
    (0x1E00, 0x1EFF, "Latn"),
    (0x0370, 0x03FF, "Grek"),
    (0x0400, 0x04FF, "Cyrl"),
    (0x0600, 0x06FF, "Arab"),
    (0x0750, 0x077F, "Arab"),
    (0x08A0, 0x08FF, "Arab"),
    (0xFB50, 0xFDFF, "Arab"),
    (0xFE70, 0xFEFF, "Arab"),
    (0x0900, 0x097F, "Deva"),
    (0x0980, 0x09FF, "Beng"),
    (0x0B80, 0x0BFF, "Taml"),
    (0x0D80, 0x0DFF, "Sinh"),
)

BIDI_CONTROLS = frozenset("\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
"""LRM, RLM, ALM, LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI."""

BIDI_NAMES = {
    "\u200e": "LRM",
    "\u200f": "RLM",
    "\u061c": "ALM",
    "\u202a": "LRE",
    "\u202b": "RLE",
    "\u202c": "PDF",
    "\u202d": "LRO",
    "\u202e": "RLO",
    "\u2066": "LRI",
    "\u2067": "RLI",
    "\u2068": "FSI",
    "\u2069": "PDI",
}

ARABIC_LETTERS = (
    "\u0620-\u063f\u0641-\u064a\u066e\u066f\u0671-\u06d3\u06d5\u06ee\u06ef\u06fa-\u06fc\u06ff"
    "\u0750-\u077f\u08a0-\u08c9"
)
"""Regex class body: Arabic-script letters (no marks, digits or punctuation)."""
SINHALA_CHARS = "\u0d80-\u0dff"
"""Regex class body: the Sinhala block, letters and vowel signs."""

_ARABIC_FOLD = str.maketrans(
    {
        "\u064a": "\u06cc",  # ي Arabic yeh -> ی
        "\u0649": "\u06cc",  # ى alef maksura
        "\u06d0": "\u06cc",  # ې
        "\u0643": "\u06a9",  # ك Arabic kaf -> ک
        "\u06aa": "\u06a9",  # ڪ swash kaf
        "\u06c1": "\u0647",  # ہ Urdu heh goal -> ه
        "\u06c0": "\u0647",  # ۀ heh with yeh above
        "\u06c2": "\u0647",  # ۂ
        "\u0629": "\u0647",  # ة teh marbuta
        "\u06c3": "\u0647",  # ۃ teh marbuta goal
        "\u06d5": "\u0647",  # ە ae
        "\u0623": "\u0627",  # أ
        "\u0625": "\u0627",  # إ
        "\u0671": "\u0627",  # ٱ
        "\u0672": "\u0627",
        "\u0673": "\u0627",
    }
)
_DROP = re.compile(
    "[\u0640\u064b-\u065f\u0670\u06d6-\u06ed\u200b\u200c\u200d\u2060\ufeff"
    + "".join(sorted(BIDI_CONTROLS))
    + "]"
)
_SEPARATORS = re.compile(r"[\s\u00a0\-\u2010-\u2015\u2212()\[\]{}\"'«»“”‘’]+")


def script_of(char: str) -> str:
    """ISO 15924 code of one character's script: ``Latn``, ``Arab``, ``Sinh`` ... or ``Zyyy``.

    ``Zyyy`` (common) covers digits, punctuation, spaces and marks shared by scripts.
    """
    code = ord(char)
    for low, high, script in _SCRIPT_RANGES:
        if low <= code <= high:
            if script == "Arab" and not char.isalpha() and unicodedata.category(char) != "Mn":
                return "Zyyy"  # Arabic comma, full stop, digits: shared punctuation
            return script
    return "Zyyy"


def iter_script_runs(text: str) -> Iterator[tuple[str, int, int]]:
    """Yield ``(script, start, end)`` for each run of letters of one script.

    Characters of the common script (spaces, digits, punctuation) end a run; marks
    and joiners stay with the letters around them.
    """
    start = -1
    current = ""
    for index, char in enumerate(text):
        script = script_of(char)
        if script == "Zyyy" and char in "\u200c\u200d":
            continue
        if script == current and script != "Zyyy":
            continue
        if current and current != "Zyyy":
            yield current, start, index
        current = script
        start = index
    if current and current != "Zyyy":
        yield current, start, len(text)


_LETTER_CLASSES = {
    "Latn": "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff",
    "Arab": ARABIC_LETTERS + "\u064b-\u065f\u0670\u06d6-\u06ed",
    "Sinh": SINHALA_CHARS,
    "Deva": "\u0900-\u097f",
    "Beng": "\u0980-\u09ff",
    "Taml": "\u0b80-\u0bff",
    "Grek": "\u0370-\u03ff",
    "Cyrl": "\u0400-\u04ff",
}
_FOREIGN_PATTERNS: dict[str, re.Pattern[str]] = {}
_OWN_PATTERNS: dict[str, re.Pattern[str]] = {}
_ANY_FOREIGN: dict[str, re.Pattern[str]] = {}


def foreign_runs(text: str, script: str) -> list[tuple[str, int, int]]:
    """Runs of letters of scripts other than ``script``: ``(script, start, end)``; fast (one regex)."""
    pattern = _FOREIGN_PATTERNS.get(script)
    if pattern is None:
        others = [(name, letters) for name, letters in _LETTER_CLASSES.items() if name != script]
        body = "|".join(f"(?P<{name}>[{letters}]+)" for name, letters in others)
        pattern = _FOREIGN_PATTERNS[script] = re.compile(body)
        _ANY_FOREIGN[script] = re.compile("[" + "".join(letters for _, letters in others) + "]")
    if not _ANY_FOREIGN[script].search(text):
        return []  # the common case, one scan with a single character class
    return [(str(found.lastgroup), found.start(), found.end()) for found in pattern.finditer(text)]


def has_own_letters(text: str, script: str, start: int = 0, end: int | None = None) -> bool:
    """Whether ``text[start:end]`` has a letter of ``script``."""
    pattern = _OWN_PATTERNS.get(script)
    if pattern is None:
        letters = _LETTER_CLASSES.get(script, "A-Za-z")
        pattern = _OWN_PATTERNS[script] = re.compile(f"[{letters}]")
    return pattern.search(text, start, len(text) if end is None else end) is not None


@functools.lru_cache(maxsize=4096)
def fold(text: str, script: str) -> str:
    """Text with script-internal variation removed, for comparing spellings.

    Latin text is case-folded; Arabic and Sinhala text keeps its letters (see the
    module docstring for what is unified). Offsets are not preserved.
    """
    text = unicodedata.normalize("NFC", text)
    if script == "Arab":
        text = text.translate(_ARABIC_FOLD)
    elif script == "Latn":
        text = text.casefold()
    text = _DROP.sub("", text)
    return _SEPARATORS.sub(" ", text).strip()


def has_letters_of(text: str, script: str) -> bool:
    """Whether ``text`` has at least one letter of ``script``."""
    return any(script_of(char) == script for char in text if char.isalpha())


def foreign_letters(text: str, script: str) -> list[tuple[str, int, int]]:
    """Runs of letters in ``text`` that are not of ``script``: ``(script, start, end)``."""
    return [run for run in iter_script_runs(text) if run[0] != script]
