"""Glossary terms in drafts: repair by a forced target prefix, then by substitution."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .jobs import Job
from .report import DraftReport
from .sentences import Unit

if TYPE_CHECKING:
    from ..glossary import Glossary


def _substitute(text: str, forms: Iterable[str], canonical: str) -> tuple[str, bool]:
    changed = False
    for form in sorted({f for f in forms if f}, key=len, reverse=True):
        pattern = re.compile(rf"(?<!\w){re.escape(form)}(?:['’]s|s)?(?!\w)", re.IGNORECASE)
        text, count = pattern.subn(canonical, text)
        changed = changed or count > 0
    return text, changed


def _missing_terms(lang: str, glossary: Glossary, source: str, draft: str) -> list[tuple[Any, bool]]:
    return [
        (term, full)
        for term, full in glossary.source_terms(source)
        if term.canonical(lang) and not glossary.target_contains(lang, draft, term)
    ]


def glossary_repairs(job: Job, lang: str, glossary: Glossary, draft: str) -> dict[int, Unit]:
    """Re-decode requests: the sentence holding a missing term, its spelling forced first."""
    repairs: dict[int, Unit] = {}
    for term, _ in _missing_terms(lang, glossary, job.entry.msgid, draft):
        canonical = term.canonical(lang)
        assert canonical is not None
        for index, part in enumerate(job.layout):
            if (
                isinstance(part, Unit)
                and index not in repairs
                and glossary.source_terms(part.text)
                and any(t is term for t, _ in glossary.source_terms(part.text))
            ):
                repairs[index] = Unit(part.text, prefix=canonical)
                job.repaired_terms.append((term, canonical))
                break
    return repairs


def finish_glossary(
    job: Job, lang: str, glossary: Glossary, draft: str, repaired: str | None, report: DraftReport
) -> str:
    """Keep a prefix repair that worked; substitute or report the terms still missing.

    A repaired draft is used only when it restores the markup and holds more of the
    glossary than the plain one.
    """
    source = job.entry.msgid
    if repaired is not None and len(_missing_terms(lang, glossary, source, repaired)) < len(
        _missing_terms(lang, glossary, source, draft)
    ):
        missing = {id(term) for term, _ in _missing_terms(lang, glossary, source, repaired)}
        for term, canonical in job.repaired_terms:
            if id(term) not in missing:
                job.notes.append(f"glossary: enforced {term.english} = {canonical} (target prefix)")
                report.glossary_enforced += 1
        draft = repaired
    for term, _ in _missing_terms(lang, glossary, source, draft):
        canonical = term.canonical(lang)
        assert canonical is not None
        draft, changed = _substitute(draft, glossary.english_forms(term), canonical)
        if changed and glossary.target_contains(lang, draft, term):
            job.notes.append(f"glossary: enforced {term.english} = {canonical} (substituted)")
            report.glossary_enforced += 1
        else:
            job.notes.append(f"glossary: could not enforce {term.english} = {canonical}")
            report.glossary_failed += 1
    return draft
