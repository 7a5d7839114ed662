"""Catalog stage: segments <-> gettext PO files.

Input: source articles (through ``source`` and ``segment``) and the existing catalogs.
Output: ``translations/templates/<slug>.pot`` and ``translations/<lang>/<slug>.po``,
updated with GNU ``msgmerge`` semantics and written in the exact form GNU ``msgcat``
gives them, plus the conventions every later stage reads from entries (machine
drafts, memory matches, unreviewed drafts, ``noqa`` comments) and statistics.

polib's ``POFile``/``POEntry`` is the model. The modules, in the order data flows:

- :mod:`~pressroom.catalog.io`: the one PO reader and the canonical (msgcat) writer, with
  :mod:`~pressroom.catalog.charset` (declared charsets, NUL bytes),
  :mod:`~pressroom.catalog.syntax` (GNU's lexical checks) and
  :mod:`~pressroom.catalog.canonical` (the fast path for msgcat-canonical text)
- :mod:`~pressroom.catalog.conventions`: what our flags and translator comments mean
- :mod:`~pressroom.catalog.merge`: msgmerge's rules for carrying translations over
- :mod:`~pressroom.catalog.template`: template entries, headers, reproducible dates
- :mod:`~pressroom.catalog.extract`: extract, with its state file of content hashes
- :mod:`~pressroom.catalog.stats`: counts by state for ``workflow.py status``
"""

from .conventions import (
    FUZZY,
    GLOSSARY_NOTE,
    MACHINE_DRAFT,
    MACHINE_DRAFT_NOTE,
    MEMORY_MATCH,
    NOQA,
    REVIEWED,
    UNREVIEWED,
    fuzzy_reason,
    is_fuzzy,
    is_machine_draft,
    is_memory_match,
    is_unreviewed,
    machine_draft_info,
    mark_draft,
    mark_fuzzy,
    mark_memory_match,
    mark_unreviewed,
    msgstr_sha,
    noqa_codes,
    settle_reviewed,
    translations,
)
from .extract import CatalogChange, ExtractReport, Glossary, extract
from .extract_state import STATE_PATH
from .io import format_catalog, format_catalogs, read_catalog, write_catalog, write_catalogs
from .merge import SIMILARITY_THRESHOLD, MergeCounts, merge_entries
from .stats import CatalogStats, catalog_slugs, catalog_stats, count_entries, count_words

__all__ = [
    "FUZZY",
    "GLOSSARY_NOTE",
    "MACHINE_DRAFT",
    "MACHINE_DRAFT_NOTE",
    "MEMORY_MATCH",
    "NOQA",
    "REVIEWED",
    "SIMILARITY_THRESHOLD",
    "STATE_PATH",
    "UNREVIEWED",
    "CatalogChange",
    "CatalogStats",
    "ExtractReport",
    "Glossary",
    "MergeCounts",
    "catalog_slugs",
    "catalog_stats",
    "count_entries",
    "count_words",
    "extract",
    "format_catalog",
    "format_catalogs",
    "fuzzy_reason",
    "is_fuzzy",
    "is_machine_draft",
    "is_memory_match",
    "is_unreviewed",
    "machine_draft_info",
    "mark_draft",
    "mark_fuzzy",
    "mark_memory_match",
    "mark_unreviewed",
    "merge_entries",
    "msgstr_sha",
    "noqa_codes",
    "read_catalog",
    "settle_reviewed",
    "translations",
    "write_catalog",
    "write_catalogs",
]
