"""Rendering, publishing gate: whether one edition (article x language) may be published.

Input: the article's and the site's catalogs of one language and, once they are
complete, review's findings on them. Output: the :class:`Blocker` entries that hold
the edition back (untranslated, fuzzy, failing review), empty when it may be
published. Review is the last gate before publication.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..model import Finding, Severity
from ..project import Project
from ..site import SITE_SLUG

if TYPE_CHECKING:
    from ..glossary import Glossary

BLOCKER_PREVIEW = 5


@dataclass(frozen=True, slots=True, kw_only=True)
class Blocker:
    """One catalog entry that keeps a language from being published."""

    path: Path
    """The PO file."""
    line: int | None
    """1-based line of the entry (None: the catalog itself is missing)."""
    msgid: str
    reason: str
    """``untranslated``, ``fuzzy``, ``no catalog`` or ``review: <code>``."""


@dataclass(frozen=True, slots=True, kw_only=True)
class BlockedEdition:
    """An article that was not published in one language, and why."""

    lang: str
    slug: str
    blockers: tuple[Blocker, ...]

    def describe(self, relative: Callable[[Path], str] = str) -> str:
        """``ur/slug: 12 entries block publication: a.po:23 "First words" (fuzzy), ...``."""
        count = len(self.blockers)
        shown = []
        for blocker in self.blockers[:BLOCKER_PREVIEW]:
            where = relative(blocker.path) + (f":{blocker.line}" if blocker.line else "")
            words = blocker.msgid if len(blocker.msgid) <= 40 else blocker.msgid[:39] + "…"
            shown.append(f'{where} "{words}" ({blocker.reason})')
        more = f", and {count - BLOCKER_PREVIEW} more" if count > BLOCKER_PREVIEW else ""
        noun = "entry blocks" if count == 1 else "entries block"
        return f"{self.lang}/{self.slug}: {count} {noun} publication: " + "; ".join(shown) + more


def publish_blockers(
    project: Project,
    lang: str,
    slug: str,
    *,
    glossary: Glossary | None = None,
    findings: Sequence[Finding] | None = None,
) -> list[Blocker]:
    """Why an edition cannot be published: entries untranslated, fuzzy, or failing review.

    The article's and the site's catalogs must be fully translated with nothing fuzzy;
    once they are, every error-level review finding (a misspelt glossary name, a lost
    number or link) blocks too, so review is the last gate before publication.
    ``findings`` from a review already run over these catalogs (``build``) are used
    instead of reviewing them again.
    """
    from ..catalog.io import read_catalog
    from ..review.runner import review

    blockers: list[Blocker] = []
    for catalog_slug in (slug, SITE_SLUG):
        path = project.po_path(lang, catalog_slug)
        if not path.exists():
            blockers.append(Blocker(path=path, line=None, msgid="", reason="no catalog"))
            continue
        lines = path.read_text("utf-8").splitlines()
        for entry in read_catalog(path):
            if entry.obsolete:
                continue
            if "fuzzy" in entry.flags:
                reason = "fuzzy"
            elif not entry.translated():
                reason = "untranslated"
            else:
                continue
            blockers.append(
                Blocker(path=path, line=_msgid_line(lines, entry.linenum), msgid=entry.msgid, reason=reason)
            )
    if blockers:  # drafts are blocked already; reviewing them is the translators' step
        return blockers
    if findings is None:
        findings = review(project, [lang], [slug, SITE_SLUG], include_untranslated=False, glossary=glossary)
    for finding in findings:
        if finding.lang != lang or finding.article not in (slug, SITE_SLUG):
            continue
        if finding.severity == Severity.ERROR and finding.path is not None:
            blockers.append(
                Blocker(
                    path=finding.path,
                    line=finding.line,
                    msgid=finding.msgid,
                    reason=f"review: {finding.code}",
                )
            )
    return blockers


def _msgid_line(lines: Sequence[str], start: int) -> int:
    """The 1-based line of the ``msgid`` keyword of the entry polib says starts at ``start``."""
    for number in range(max(start, 1), len(lines) + 1):
        if lines[number - 1].startswith("msgid "):
            return number
    return start
