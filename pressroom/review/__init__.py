"""Review stage: translation catalogs -> :class:`~pressroom.model.Finding` list.

Input: ``translations/<lang>/<slug>.po`` (translated and fuzzy entries; obsolete ones
are history and are skipped), the glossary and the per-language facts. Output: every
problem found, collected and never raised, each with a stable code (see
``docs/review.md``), a severity, the entry (msgid, msgctxt, line) and, where the
problem is local, the span of the translation to highlight.

The checks are pure functions of (source, translation, language, glossary), one
module per family; :func:`check_entry` runs them all on one pair and is what the tests
and the benchmark exercise; :func:`review` adds catalog reading, ``# noqa: code``
silencing and worker processes. The modules:

- :mod:`~pressroom.review.codes`: the check codes and severities, ``Problem``, settings
- :mod:`~pressroom.review.masking`: URLs, code and placeholders told apart from prose
- :mod:`~pressroom.review.terms`, :mod:`~pressroom.review.numbers`,
  :mod:`~pressroom.review.markup`, :mod:`~pressroom.review.script`,
  :mod:`~pressroom.review.punctuation`, :mod:`~pressroom.review.spacing`,
  :mod:`~pressroom.review.length`: the checks, by family
- :mod:`~pressroom.review.findings`: every check on every entry of a parsed catalog
- :mod:`~pressroom.review.runner`: which catalogs (the project's, or any PO files), read
  through ``catalog.io``, in which processes
- :mod:`~pressroom.review.report`: text, JSON and HTML reports; the review gate
"""

from .codes import (
    CODES,
    DEFAULT_LENGTH_RATIO,
    DEFAULT_LENGTH_TOLERANCE,
    ENTRY_CHECKS,
    Problem,
    ReviewSettings,
)
from .findings import check_entry, review_catalog
from .length import MIN_LENGTH_FOR_RATIO, check_identical, check_length
from .markup import InlineMarkup, check_entities, check_markup, check_placeholders, check_tags, inline_markup
from .numbers import Number, check_numbers, extract_numbers
from .punctuation import check_end_punctuation
from .report import (
    finding_location,
    finding_to_dict,
    format_html,
    format_json,
    format_text,
    has_errors,
    summarize,
)
from .runner import PARALLEL_MIN_CATALOGS, catalog_language, load_glossary, review, review_files
from .script import check_script
from .spacing import check_bidi_controls, check_double_space
from .terms import check_glossary_terms

__all__ = [
    "CODES",
    "DEFAULT_LENGTH_RATIO",
    "DEFAULT_LENGTH_TOLERANCE",
    "ENTRY_CHECKS",
    "MIN_LENGTH_FOR_RATIO",
    "PARALLEL_MIN_CATALOGS",
    "InlineMarkup",
    "Number",
    "Problem",
    "ReviewSettings",
    "catalog_language",
    "check_bidi_controls",
    "check_double_space",
    "check_end_punctuation",
    "check_entities",
    "check_entry",
    "check_glossary_terms",
    "check_identical",
    "check_length",
    "check_markup",
    "check_numbers",
    "check_placeholders",
    "check_script",
    "check_tags",
    "extract_numbers",
    "finding_location",
    "finding_to_dict",
    "format_html",
    "format_json",
    "format_text",
    "has_errors",
    "inline_markup",
    "load_glossary",
    "review",
    "review_catalog",
    "review_files",
    "summarize",
]
