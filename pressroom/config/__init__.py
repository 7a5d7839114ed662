"""The schema of ``workflow.toml``: every key, its type and its allowed values.

Input: the configuration merged from ``defaults.toml`` and a project's
``workflow.toml`` (plain TOML data), and the text of ``workflow.toml`` for line
numbers. Output: nothing, or a :class:`~pressroom.errors.ConfigError` such as
``workflow.toml:3: [render] jobs must be an integer from 0 to 1024, not "many"``.

The stages read their tables (``project.section("render")``) after this check, so
they can trust types: one schema here instead of an ``int()`` in every reader. An
unknown key is an error with a "did you mean" hint (difflib), so a typo never
silently falls back to a default. Paths are confined to the project; values that end
up in CSS (font names, page size) or in file names (package names) are restricted
to what cannot escape their place.
"""

from .lines import key_lines, line_of
from .rules import LANG_CODE
from .schema import (
    COMPUTE_TYPES,
    CONFIG_NAME,
    ENGINES,
    OUTPUT_FORMATS,
    PACKAGE_NAME,
    PAGE_SIZE,
    PDF_VARIANTS,
    SCHEMA,
    SEARCHABLE_MODES,
    validate_config,
)

PREVIEW_PORT = 8000
"""``workflow.py serve``'s port; here so the CLI reads it without loading rendering."""
PREVIEW_INTERVAL = 1.0
"""Seconds between ``serve``'s looks for changed files."""

__all__ = [
    "COMPUTE_TYPES",
    "CONFIG_NAME",
    "ENGINES",
    "LANG_CODE",
    "OUTPUT_FORMATS",
    "PACKAGE_NAME",
    "PAGE_SIZE",
    "PDF_VARIANTS",
    "SCHEMA",
    "SEARCHABLE_MODES",
    "key_lines",
    "line_of",
    "validate_config",
]
