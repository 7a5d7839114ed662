"""What a draft run planned, reports while it runs, and did."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..cluster import WorkerLoad


@dataclass(frozen=True, slots=True, kw_only=True)
class PlannedEntry:
    """One entry a run fills (``--dry-run`` lists these)."""

    lang: str
    slug: str
    path: Path
    line: int
    msgctxt: str | None
    msgid: str
    how: str
    """``machine`` (to decode), ``memory`` (reused from ``origin``) or ``refresh``."""
    origin: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Progress:
    """Reported to the caller after every batch."""

    lang: str
    sentences_done: int
    sentences_total: int
    entries_done: int
    entries_total: int


@dataclass(frozen=True, slots=True, kw_only=True)
class DraftFailure:
    """An entry the run could not draft (a decoder error); the run went on without it."""

    path: Path
    line: int
    msgid: str
    reason: str
    """The decoder's error message."""


@dataclass(slots=True, kw_only=True)
class DraftReport:
    """What a run did (or, with ``dry_run``, would do)."""

    planned: list[PlannedEntry] = field(default_factory=list)
    drafted: int = 0
    """Entries filled by the model."""
    memory: int = 0
    """Entries filled from the translation memory."""
    decoded: int = 0
    """Sentences sent to the model (repairs included)."""
    cached: int = 0
    """Sentences answered by the draft cache."""
    batches: int = 0
    glossary_enforced: int = 0
    glossary_failed: int = 0
    markup_flagged: int = 0
    skipped_plural: int = 0
    cut: int = 0
    """Drafts holding a sentence too long for the model, cut into pieces (noted on the entry)."""
    kept: int = 0
    """Drafts not written because their entry changed on disk meanwhile; the disk version won."""
    failed: list[DraftFailure] = field(default_factory=list)
    """Entries the model could not draft; each is noted in the catalog and left untranslated."""
    written: list[Path] = field(default_factory=list)
    packages: dict[str, str] = field(default_factory=dict)
    """lang -> ``name version`` of the package used."""
    seconds: float = 0.0
    """Wall time of the whole run."""
    decode_seconds: float = 0.0
    """Time spent inside ``translate_batch``; the rest is this module's overhead."""
    workers: dict[str, WorkerLoad] = field(default_factory=dict)
    """Per cluster worker: batches, sentences and busy seconds (empty when run here)."""
