"""The ``number-mismatch`` check, and reading numbers in any digit system and scale.

``10,000``, ``۱۰٬۰۰۰`` and ``10 ہزار`` are the same number: digits are read in the
Latin, Arabic-Indic, Extended Arabic-Indic, Devanagari and Sinhala systems, with
their separators, and a scale word (thousand, lakh, crore, هزار, ලක්ෂ ...) after a
number adds its scaled value.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .codes import Problem
from .masking import mask_non_prose

_ANY_DIGIT = re.compile(r"\d")
_DIGITS = str.maketrans(
    {
        **{chr(0x0660 + i): str(i) for i in range(10)},  # Arabic-Indic
        **{chr(0x06F0 + i): str(i) for i in range(10)},  # Extended Arabic-Indic
        **{chr(0x0966 + i): str(i) for i in range(10)},  # Devanagari
        **{chr(0x0DE6 + i): str(i) for i in range(10)},  # Sinhala Lith
        "\u066b": ".",  # ARABIC DECIMAL SEPARATOR
        "\u066c": ",",  # ARABIC THOUSANDS SEPARATOR
    }
)
_NATIVE_DIGIT = re.compile("[\u0660-\u066c\u06f0-\u06f9\u0966-\u096f\u0de6-\u0def]")
_DIGIT_STRING = re.compile(r"\d+(?:[.,/]\d+)*")
_VERSION = re.compile(r"(?<![\d.])\d+(?:[./]\d+){2,}[A-Za-z0-9]*")
_NUMBER = re.compile(r"(?<![\d.])(\d{1,3}(?:,\d{3})+|\d+)(?:[.](\d+))?(?![\d])")
_NUMBER_FA = re.compile(r"(?<![\d./])(\d{1,3}(?:,\d{3})+|\d+)(?:[./](\d+))?(?![\d/])")
_SCALES = {
    "thousand": 3, "million": 6, "billion": 9, "trillion": 12, "lakh": 5, "crore": 7,
    "هزار": 3, "ہزار": 3, "لاکھ": 5, "کروڑ": 7, "ارب": 9, "کھرب": 11, "ملین": 6, "بلین": 9,
    "میلیون": 6, "میلیارد": 9, "بیلیون": 9,
    "දහස": 3, "දහසක්": 3, "දහස්": 3, "ලක්ෂ": 5, "මිලියන": 6, "බිලියන": 9, "කෝටි": 7,
}  # fmt: skip
_SCALE_AFTER = re.compile(r"\s*(" + "|".join(sorted(_SCALES, key=len, reverse=True)) + r")", re.I)
_RANGE_BETWEEN = re.compile(r"^\s*(?:to|and|-|–|—|تا|سے|و|සිට|ත්|අතර|දක්වා)\s*$", re.I)
_NUMBER_WORDS = re.compile(
    r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen"
    r"|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
    r"|hundreds?|thousands?|millions?|billions?|dozens?|twice|half|single|first|second|third)\b",
    re.I,
)


_WORDS_1_12 = {
    "ur": "ایک دو تین چار پانچ چھ سات آٹھ نو دس گیارہ بارہ",
    "fa": "یک دو سه چهار پنج شش هفت هشت نه ده یازده دوازده",
    "si": "එක දෙක තුන හතර පහ හය හත අට නවය දහය එකොළහ දොළහ",
}
_WORD_PATTERNS = {
    lang: {
        str(value): re.compile(
            rf"(?<![\w\u200c]){re.escape(word)}(?![\w\u200c])" if lang != "si" else re.escape(word)
        )
        for value, word in enumerate(words.split(), start=1)
    }
    for lang, words in _WORDS_1_12.items()
}
"""A small number of the source may be written as a word in the translation (``7`` = ``سات``)."""


@dataclass(slots=True)
class Number:
    values: set[str]
    """Canonical decimal strings: ``10000``, ``6.75``; one per stated scale."""
    text: str
    start: int
    end: int


def _canonical(whole: str, fraction: str) -> str:
    whole = whole.replace(",", "").lstrip("0") or "0"
    fraction = fraction.rstrip("0")
    return f"{whole}.{fraction}" if fraction else whole


def _scaled(value: str, exponent: int) -> str:
    """``value`` times 10**exponent, as a canonical string (exact, no floats)."""
    whole, _, fraction = value.partition(".")
    digits = whole + fraction
    point = len(whole) + exponent
    if point > len(digits):
        digits += "0" * (point - len(digits))
    return _canonical(digits[:point], digits[point:])


def extract_numbers(text: str, *, persian_slash: bool = False) -> list[Number]:
    """Numbers in ``text`` in any digit system, with their values at each stated scale.

    ``10,000``, ``۱۰٬۰۰۰`` and ``10 ہزار`` all carry the value 10000; a scale word after
    the second number of a range applies to the first (``۱۰ تا ۲۰ هزار``). Link URLs and
    code spans are ignored.
    """
    if not _ANY_DIGIT.search(text):
        return []
    plain = _plain(text)
    pattern = _NUMBER_FA if persian_slash else _NUMBER
    numbers: list[Number] = []
    for found in pattern.finditer(plain):
        whole, fraction = found.groups()
        value = (
            whole
            if not fraction and "," not in whole and whole[0] != "0"
            else _canonical(whole, fraction or "")
        )
        number = Number({value}, found.group(0), found.start(), found.end())
        scale = _SCALE_AFTER.match(plain, found.end())  # anchored: one position, cheap
        if scale:
            exponent = _SCALES[scale.group(1).lower()]
            number.values.add(_scaled(value, exponent))
            if numbers and _RANGE_BETWEEN.match(plain[numbers[-1].end : found.start()]):
                previous = numbers[-1]
                previous.values.update({_scaled(v, exponent) for v in list(previous.values)})
        numbers.append(number)
    return numbers


def _plain(text: str) -> str:
    """``text`` as numbers are read: non-prose masked, digits Latin, version numbers blanked."""
    plain = mask_non_prose(text)
    if _NATIVE_DIGIT.search(plain):
        plain = plain.translate(_DIGITS)
    if _VERSION.search(plain):  # 2.5.1, ۲/۵/۱, 10.0.0.1: identifiers, not quantities
        plain = _VERSION.sub(lambda found: " " * len(found.group(0)), plain)
    return plain


@functools.lru_cache(maxsize=4096)
def _source_digit_strings(source: str) -> list[str]:
    return sorted(_DIGIT_STRING.findall(_plain(source))) if _ANY_DIGIT.search(source) else []


@functools.lru_cache(maxsize=4096)
def _source_numbers(source: str) -> list[Number]:
    """extract_numbers for a msgid, shared by its three translations (never mutated)."""
    return extract_numbers(source)


def check_numbers(source: str, target: str, lang: str) -> list[Problem]:
    """Numbers of the source appear in the translation, in any digit system or scale."""
    if not _ANY_DIGIT.search(target):
        if not _ANY_DIGIT.search(source):
            return []
    elif sorted(_DIGIT_STRING.findall(_plain(target))) == _source_digit_strings(source):
        return []  # the same numbers written the same way (any digit system): nothing to weigh
    source_numbers = _source_numbers(source)
    target_numbers = extract_numbers(target, persian_slash=lang == "fa")
    if not source_numbers and not target_numbers:
        return []
    used = [False] * len(target_numbers)
    missing = []
    for number in source_numbers:
        for index, candidate in enumerate(target_numbers):
            if not used[index] and number.values & candidate.values:
                used[index] = True
                break
        else:
            missing.append(number)
    words = _WORD_PATTERNS.get(lang)
    if missing and words:
        missing = [n for n in missing if not any(v in words and words[v].search(target) for v in n.values)]
    problems = []
    if missing:
        shown = ", ".join(number.text for number in missing)
        problems.append(
            Problem(
                code="number-mismatch",
                message=f"number{'s' if len(missing) > 1 else ''} {shown} of the source "
                f"{'are' if len(missing) > 1 else 'is'} missing from the translation",
                hint="write every number of the source (any digit system; 10,000 may be 10 ہزار)",
            )
        )
    extra = [number for index, number in enumerate(target_numbers) if not used[index]]
    if extra and not _NUMBER_WORDS.search(source):
        first = extra[0]
        problems.append(
            Problem(
                code="number-mismatch",
                message=f"number {', '.join(n.text for n in extra)} is not in the source",
                hint="check for a mistyped or invented number",
                span=(first.start, first.end),
            )
        )
    return problems
