"""The ``glossary-term`` check: names and terms spelled as ``glossary.csv`` says.

Every glossary term found in the source must appear in the translation in one of
its agreed spellings; the finding highlights the most similar stretch of the
translation, the likely misspelling.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

from .codes import Problem

if TYPE_CHECKING:
    from ..glossary import Glossary


def check_glossary_terms(source: str, target: str, lang: str, glossary: Glossary) -> list[Problem]:
    """Every glossary term of the source is in the translation, spelled as the glossary says."""
    problems = []
    for term, full in glossary.source_terms(source):
        forms = term.spellings.get(lang, ())
        if forms and _has_word(target, forms[0]):
            continue  # the canonical spelling as a word of its own: no folding needed
        if glossary.target_contains(lang, target, term, full=full):
            continue
        forms = term.spellings.get(lang, ())
        also = f" (also accepted: {', '.join(forms[1:])})" if len(forms) > 1 else ""
        problems.append(
            Problem(
                code="glossary-term",
                message=f"{term.english!r} is not spelled {forms[0]} as the glossary says",
                hint=f"use {forms[0]}{also}; see glossary.csv line {term.line}",
                span=_closest(forms[0], target),
            )
        )
    return problems


def _has_word(text: str, word: str) -> bool:
    """Whether ``word`` occurs in ``text`` with no letter glued to either side."""
    start = text.find(word)
    while start >= 0:
        end = start + len(word)
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        if not _in_word(before) and not _in_word(after) and after not in _JOINERS:
            return True
        start = text.find(word, start + 1)
    return False


_JOINERS = "\u200c\u200d"  # ZWNJ, ZWJ: the word continues


def _in_word(char: str) -> bool:
    """A letter, or a combining mark (a vowel sign, a virama) that belongs to one."""
    return char.isalpha() or unicodedata.category(char)[0] == "M"


def _closest(spelling: str, target: str) -> tuple[int, int] | None:
    """Where in ``target`` a misspelling of ``spelling`` most likely is, for highlighting."""
    from rapidfuzz import fuzz

    if not target or not spelling:
        return None
    found = fuzz.partial_ratio_alignment(spelling, target, score_cutoff=60)
    if found is None:
        return None
    start, end = int(found.dest_start), int(found.dest_end)
    return (start, end) if end > start else None
