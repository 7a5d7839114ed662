"""The small data model shared by every stage.

Stages pass these frozen records to each other; the gettext catalog itself is
polib's ``POFile``/``POEntry`` (our conventions on it live in ``catalog/conventions.py``).
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, slots=True, kw_only=True)
class Article:
    """One English source article, ``source/<slug>.md``."""

    slug: str
    """File stem and URL name, ``[a-z0-9-]+``."""
    title: str
    """Headline from the front matter (a translatable segment)."""
    author: str
    """Byline from the front matter (a translatable segment: names are transliterated)."""
    date: datetime.date
    """Publication date; rendered per language through CLDR, never translated."""
    language: str
    """Language code of the source text, normally ``en``."""
    body: str
    """CommonMark body after the front matter, exactly as in the file."""
    body_line: int
    """1-based line number in the file where ``body`` starts."""
    path: Path
    """Where the article was read from."""


class SegmentKind(enum.StrEnum):
    """What a translatable unit is; shown to translators as an extracted comment."""

    TITLE = "title"
    BYLINE = "byline"
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    LIST_ITEM = "list item"
    QUOTE = "quote"
    TABLE_CELL = "table cell"
    IMAGE_ALT = "image alt text"
    IMAGE_TITLE = "image title"
    HTML_TEXT = "html text"
    """Text a reader sees inside raw HTML (a summary, a caption), inner markup intact."""
    TITLE_ATTRIBUTE = "title attribute"
    """The ``title`` of a raw HTML element (a tooltip, an embed's caption)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Segment:
    """One translatable unit of an article, inline Markdown markup intact."""

    kind: SegmentKind
    """What the unit is (title, paragraph, table cell, ...)."""
    text: str
    """Source text as the parser gives it; becomes the msgid."""
    context: str | None = None
    """msgctxt, set only where the same text needs a distinct translation."""
    line: int
    """1-based line in the source file where the unit starts."""

    @property
    def key(self) -> tuple[str | None, str]:
        """Identity in a catalog: (msgctxt, msgid), as gettext has it."""
        return (self.context, self.text)


class Severity(enum.StrEnum):
    """How bad a review finding is; ``error`` fails the review gate (exit 3)."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """One problem review found in one catalog entry; collected, never raised."""

    code: str
    """Stable check id, e.g. ``glossary-term``, ``number-mismatch``."""
    severity: Severity
    article: str
    """Article slug (or catalog stem)."""
    lang: str
    msgid: str
    msgctxt: str | None = None
    msgstr: str = ""
    line: int | None = None
    """1-based line of the entry in the PO file."""
    path: Path | None = None
    """The PO file."""
    message: str
    hint: str = ""
    span: tuple[int, int] | None = None
    """Offsets in ``msgstr`` of the problem, for highlighting; None when not local."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Term:
    """One glossary entry: an English name or term and its fixed spellings."""

    english: str
    """Canonical English form, e.g. ``Pakistan People's Party``."""
    acronym: str | None = None
    """Short form treated as the same term, e.g. ``PPP``."""
    kind: str
    """person, place, organisation, publication, term or keep-latin (kept in Latin letters)."""
    note: str = ""
    """Guidance for translators."""
    case_sensitive: bool = False
    spellings: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """lang -> (canonical, *accepted variants)."""
    line: int = 0
    """1-based line in glossary.csv, for error messages."""

    def canonical(self, lang: str) -> str | None:
        """The agreed spelling in ``lang``, or None when the glossary has none."""
        forms = self.spellings.get(lang)
        return forms[0] if forms else None
