"""The ``glossary-term`` check: names and terms spelled as ``glossary.csv`` says.

Every glossary term found in the source must appear in the translation in one of
its agreed spellings; the finding highlights the most similar stretch of the
translation, the likely misspelling.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .codes import Problem

if TYPE_CHECKING:
    from ..glossary import Glossary


def check_glossary_terms(source: str, target: str, lang: str, glossary: Glossary) -> list[Problem]:
    """Every glossary term of the source is in the translation, spelled as the glossary says."""
    problems = []
    for term, full in glossary.source_terms(source):
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
