"""Review's vocabulary: every check code and its severity, a check's result, the settings.

Input: the ``[review]`` table of ``workflow.toml``. Output: :data:`CODES` (stable
codes, see ``docs/review.md``), :class:`Problem` (what a check returns before it
becomes a :class:`~pressroom.model.Finding`) and :class:`ReviewSettings`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..model import Severity

if TYPE_CHECKING:
    from ..project import Project

CODES: Mapping[str, Severity] = {
    "untranslated": Severity.ERROR,
    "missing-catalog": Severity.ERROR,
    "identical-to-source": Severity.ERROR,
    "glossary-term": Severity.ERROR,
    "number-mismatch": Severity.ERROR,
    "markup-mismatch": Severity.ERROR,
    "wrong-script": Severity.ERROR,
    "latin-text": Severity.INFO,
    "end-punctuation": Severity.WARNING,
    "double-space": Severity.WARNING,
    "bidi-control": Severity.WARNING,
    "length-ratio": Severity.WARNING,
}
"""Every check code and its severity; ``error`` fails the review gate (exit 3)."""
ENTRY_CHECKS = (
    "identical-to-source",
    "glossary-term",
    "number-mismatch",
    "markup-mismatch",
    "wrong-script",
    "latin-text",
    "end-punctuation",
    "double-space",
    "bidi-control",
    "length-ratio",
)
"""Checks run on every translated entry (untranslated ones get only ``untranslated``)."""
DEFAULT_LENGTH_RATIO = {"ur": 1.1, "fa": 1.0, "si": 1.15}
"""Expected len(translation)/len(source) per language; ``[review] length_ratio`` overrides."""
DEFAULT_LENGTH_TOLERANCE = 2.5
"""A ratio more than this factor away from the expected one is flagged."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem:
    """One check result on one (source, translation) pair, before it becomes a Finding."""

    code: str
    message: str
    hint: str = ""
    span: tuple[int, int] | None = None

    @property
    def severity(self) -> Severity:
        return CODES[self.code]


@dataclass(frozen=True, slots=True, kw_only=True)
class ReviewSettings:
    """Per-run settings, from the ``[review]`` table of the configuration."""

    length_ratio: Mapping[str, float]
    length_tolerance: float = DEFAULT_LENGTH_TOLERANCE

    @classmethod
    def from_project(cls, project: Project) -> ReviewSettings:
        table = project.section("review")
        ratios = dict(DEFAULT_LENGTH_RATIO)
        configured = table.get("length_ratio", {})
        if isinstance(configured, Mapping):
            ratios.update({str(k): float(v) for k, v in configured.items()})
        return cls(
            length_ratio=ratios,
            length_tolerance=float(table.get("length_tolerance", DEFAULT_LENGTH_TOLERANCE)),
        )
