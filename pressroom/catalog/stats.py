"""Catalog statistics: where the translation of each article into each language stands.

Input: ``translations/<lang>/<slug>.po`` (or the template when the catalog does not
exist yet). Output: :class:`CatalogStats`, counts of entries and English words by
state (translated, fuzzy and why, untranslated, obsolete), for ``workflow.py status``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polib

from ..project import Project
from .conventions import fuzzy_reason
from .io import read_catalog


@dataclass(frozen=True, slots=True, kw_only=True)
class CatalogStats:
    """Where the translation of one article into one language stands."""

    slug: str
    lang: str
    path: Path
    exists: bool
    """Whether the PO file exists (when not, counts come from the template)."""
    entries: int
    words: int
    """English words over all entries."""
    translated: int
    translated_words: int
    fuzzy: int
    fuzzy_words: int
    machine_draft: int
    memory_match: int
    source_changed: int
    """Fuzzy with a previous msgid: the English changed after translation."""
    unreviewed: int
    fuzzy_other: int
    untranslated: int
    untranslated_words: int
    obsolete: int

    @property
    def publishable(self) -> bool:
        """Everything translated and nothing fuzzy."""
        return self.entries > 0 and self.translated == self.entries

    @property
    def drafted_percent(self) -> float:
        """Share of entries with some translation, reviewed or not (drafts count)."""
        if not self.entries:
            return 0.0
        return round(100.0 * (self.translated + self.fuzzy) / self.entries, 1)

    def as_json(self) -> dict[str, Any]:
        return {
            "article": self.slug,
            "lang": self.lang,
            "path": self.path.as_posix(),
            "exists": self.exists,
            "entries": self.entries,
            "words": self.words,
            "translated": self.translated,
            "translated_words": self.translated_words,
            "fuzzy": self.fuzzy,
            "fuzzy_words": self.fuzzy_words,
            "fuzzy_reasons": {
                "machine_draft": self.machine_draft,
                "memory_match": self.memory_match,
                "source_changed": self.source_changed,
                "unreviewed": self.unreviewed,
                "other": self.fuzzy_other,
            },
            "untranslated": self.untranslated,
            "untranslated_words": self.untranslated_words,
            "obsolete": self.obsolete,
            "drafted_percent": self.drafted_percent,
            "publishable": self.publishable,
        }


def count_words(text: str) -> int:
    """English words as Translate Toolkit's ``pocount`` (and so Weblate) counts them.

    Its own function, not ours: markup tags are dropped, numbers (``US$60``, ``3``) do
    not count, and words are split by Unicode's rules (a hyphenated word is two), so the
    numbers an editor sees in ``status`` and in Weblate agree. Imported here, not at
    the top: Translate Toolkit costs about 0.2 s to import, which ``--help`` should not pay.
    """
    from translate.tools.pocount import wordcount

    return int(wordcount(text))  # type: ignore[no-untyped-call]  # untyped in Translate Toolkit


def _entry_words(entry: polib.POEntry) -> int:
    """The words of msgid and msgid_plural (pocount counts both source strings)."""
    return count_words(entry.msgid) + (count_words(entry.msgid_plural) if entry.msgid_plural else 0)


def _translated(entry: polib.POEntry) -> bool:
    """Has a translation: the msgstr, or for a plural entry its first form (as Translate Toolkit)."""
    return bool(entry.msgstr or (entry.msgid_plural and entry.msgstr_plural.get(0)))


def count_entries(entries: Iterable[polib.POEntry], *, translated_catalog: bool = True) -> Counter[str]:
    """Entries and English words by state, as ``pocount`` counts them.

    Keys: ``entries``, ``words``, ``translated``, ``translated_words``, ``fuzzy``,
    ``fuzzy_words``, ``untranslated``, ``untranslated_words``, ``obsolete`` and the
    fuzzy reasons. The header and obsolete entries carry no words; a fuzzy entry
    without a translation is untranslated. Without a translated catalog (counting a
    template) every entry is untranslated.
    """
    counts: Counter[str] = Counter()
    for entry in entries:
        if not entry.msgid:
            continue
        if entry.obsolete:
            counts["obsolete"] += 1
            continue
        words = _entry_words(entry)
        counts["entries"] += 1
        counts["words"] += words
        reason = fuzzy_reason(entry) if translated_catalog else None
        if not translated_catalog or not _translated(entry):
            counts["untranslated"] += 1
            counts["untranslated_words"] += words
        elif reason is not None:
            counts["fuzzy"] += 1
            counts["fuzzy_words"] += words
            counts[reason] += 1
        else:
            counts["translated"] += 1
            counts["translated_words"] += words
    return counts


def catalog_stats(project: Project, lang: str, slug: str) -> CatalogStats:
    """Count entries and words by state in ``translations/<lang>/<slug>.po``."""
    path = project.po_path(lang, slug)
    exists = path.exists()
    source = path if exists else project.pot_path(slug)
    entries = read_catalog(source) if source.exists() else []
    counts = count_entries(entries, translated_catalog=exists)
    return CatalogStats(
        slug=slug,
        lang=lang,
        path=Path(project.relative(path)),
        exists=exists,
        entries=counts["entries"],
        words=counts["words"],
        translated=counts["translated"],
        translated_words=counts["translated_words"],
        fuzzy=counts["fuzzy"],
        fuzzy_words=counts["fuzzy_words"],
        machine_draft=counts["machine_draft"],
        memory_match=counts["memory_match"],
        source_changed=counts["source_changed"],
        unreviewed=counts["unreviewed"],
        fuzzy_other=counts["other"],
        untranslated=counts["untranslated"],
        untranslated_words=counts["untranslated_words"],
        obsolete=counts["obsolete"],
    )


def catalog_slugs(project: Project) -> list[str]:
    """Every article with a source or a template, sorted (the site catalog included)."""
    slugs = {path.stem for path in project.source_dir.glob("*.md")}
    slugs.update(path.stem for path in project.templates_dir.glob("*.pot"))
    return sorted(slugs)
