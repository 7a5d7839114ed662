"""Glossary stage: ``glossary.csv`` -> :class:`Glossary`; term matching per script.

Input: the project's ``glossary.csv`` (schema in ``docs/glossary.md``)::

    english,acronym,kind,case_sensitive,ur,fa,si,note
    Pakistan People's Party,PPP,organisation,no,پاکستان پیپلز پارٹی|پیپلز پارٹی,...

Output: a :class:`Glossary` (``terms``) that finds terms in English text
(``match_source``), tells whether a translation spells a term the agreed way
(``target_contains``, script-folded and tolerant of attached affixes), and writes the
``glossary:`` notes ``extract`` puts in front of translators. ``reader``:
:func:`check_glossary` collects every problem in the file; :func:`read_glossary` raises
the first as a :class:`~pressroom.errors.GlossaryError`. ``suggest``: names the
glossary lacks.
"""

from .reader import check_glossary, parse_glossary, read_glossary
from .suggest import Suggestion, suggest_terms
from .terms import (
    ARABIC_PREFIXES,
    ARABIC_SUFFIXES,
    FIXED_COLUMNS,
    KEEP_LATIN,
    KINDS,
    LAST_COLUMN,
    SINHALA_SUFFIXES,
    Glossary,
    GlossaryProblem,
    SourceMatch,
)

__all__ = [
    "ARABIC_PREFIXES",
    "ARABIC_SUFFIXES",
    "FIXED_COLUMNS",
    "KEEP_LATIN",
    "KINDS",
    "LAST_COLUMN",
    "SINHALA_SUFFIXES",
    "Glossary",
    "GlossaryProblem",
    "SourceMatch",
    "Suggestion",
    "check_glossary",
    "parse_glossary",
    "read_glossary",
    "suggest_terms",
]
