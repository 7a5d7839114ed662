"""Merging a catalog into a new template, with GNU ``msgmerge --previous`` rules.

Input: the template entries of an article (from ``extract``) and the existing
catalog of one language. Output: the catalog's new entries (translator-owned parts
carried over, fuzzy matches marked with the previous msgid, vanished entries made
obsolete) and the :class:`MergeCounts` of what happened.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polib

from .conventions import is_fuzzy, mark_fuzzy

SIMILARITY_THRESHOLD = 0.6
"""Minimum similarity (2·LCS / total length, GNU fstrcmp's measure) for a fuzzy match."""


@dataclass(slots=True)
class MergeCounts:
    """What one merge did to a catalog."""

    new: int = 0
    fuzzy: int = 0
    obsolete: int = 0
    revived: int = 0
    pruned: int = 0


def _normalize_space(text: str) -> str:
    return " ".join(text.split())


def _translated(entry: polib.POEntry) -> bool:
    """Whether a translator wrote a msgstr (a plural entry's in its ``msgstr[N]``)."""
    return bool(entry.msgstr or any(entry.msgstr_plural.values()))


def _copy_translator_side(target: polib.POEntry, old: polib.POEntry) -> None:
    target.msgstr = old.msgstr
    if old.msgid_plural and (not target.msgid or target.msgid == old.msgid):  # an old plural entry kept
        target.msgid_plural = old.msgid_plural
        target.msgstr_plural = dict(old.msgstr_plural)
    target.tcomment = old.tcomment
    target.flags = list(old.flags)
    target.previous_msgctxt = old.previous_msgctxt
    target.previous_msgid = old.previous_msgid


class _OldEntries:
    """The old catalog's entries, indexed the ways merging looks them up."""

    def __init__(self, old: polib.POFile | None) -> None:
        self.entries = [e for e in old if e.msgid] if old is not None else []
        self.active = {(e.msgctxt, e.msgid): e for e in self.entries if not e.obsolete}
        self.obsolete = {(e.msgctxt, e.msgid): e for e in self.entries if e.obsolete}
        self.by_space: dict[tuple[str | None, str], polib.POEntry] = {}
        for e in self.entries:
            if e.msgstr or e.tcomment:
                self.by_space.setdefault((e.msgctxt, _normalize_space(e.msgid)), e)
        self.translated = [e for e in self.entries if e.msgstr]
        self.used: set[int] = set()

    def exact(self, tentry: polib.POEntry, counts: MergeCounts) -> polib.POEntry | None:
        """The same (msgctxt, msgid), active or obsolete (revived), or the same words re-spaced."""
        key = (tentry.msgctxt, tentry.msgid)
        match = self.active.get(key)
        if match is None and key in self.obsolete:
            match = self.obsolete[key]
            counts.revived += 1
        if match is None:
            match = self.by_space.get((tentry.msgctxt, _normalize_space(tentry.msgid)))
        return match

    def similar(self, tentry: polib.POEntry) -> polib.POEntry | None:
        """The most similar translated entry (same context preferred), at or above the threshold."""
        from rapidfuzz import fuzz, process

        candidates = [e for e in self.translated if e.msgctxt == tentry.msgctxt] or self.translated
        if not candidates:
            return None
        best = process.extractOne(
            tentry.msgid,
            [e.msgid for e in candidates],
            scorer=fuzz.ratio,
            score_cutoff=SIMILARITY_THRESHOLD * 100,
        )
        return candidates[best[2]] if best is not None else None


def _merged_entry(tentry: polib.POEntry, old: _OldEntries, counts: MergeCounts) -> polib.POEntry:
    """One template entry with the translation the old catalog has for it, if any."""
    entry = polib.POEntry(
        msgctxt=tentry.msgctxt,
        msgid=tentry.msgid,
        msgstr="",
        occurrences=list(tentry.occurrences),
        comment=tentry.comment,
    )
    match = old.exact(tentry, counts)
    if match is not None:
        _copy_translator_side(entry, match)
        old.used.add(id(match))
        return entry
    source = old.similar(tentry)
    if source is None:
        counts.new += 1
        return entry
    _copy_translator_side(entry, source)
    if not (is_fuzzy(source) and source.previous_msgid is not None):
        entry.previous_msgctxt = source.msgctxt
        entry.previous_msgid = source.msgid
    mark_fuzzy(entry)
    old.used.add(id(source))
    counts.fuzzy += 1
    return entry


def _leftover_entries(old: _OldEntries, *, prune: bool, counts: MergeCounts) -> list[polib.POEntry]:
    """Old entries no template entry took, as obsolete entries (none with ``prune``)."""
    result = []
    for e in old.entries:
        if id(e) in old.used:
            continue
        if not e.obsolete and not (_translated(e) or e.tcomment):
            continue  # nothing a translator wrote would be lost: drop, as msgmerge does
        if prune:
            counts.pruned += 1
            continue
        if not e.obsolete:
            counts.obsolete += 1
        gone = polib.POEntry(msgctxt=e.msgctxt, msgid=e.msgid, obsolete=True)
        _copy_translator_side(gone, e)
        result.append(gone)
    return result


def merge_entries(
    template: Sequence[polib.POEntry],
    old: polib.POFile | None,
    *,
    prune: bool = False,
) -> tuple[list[polib.POEntry], MergeCounts]:
    """Update a catalog's entries to a new template, as GNU ``msgmerge --previous`` does.

    Exact (msgctxt, msgid) matches keep everything translator-owned; a whitespace-only
    change keeps the translation as it was; otherwise the most similar translated old
    entry (similarity >= 0.6, same context preferred) lends its translation, marked
    fuzzy with ``#| msgid``; unmatched old entries become obsolete, and obsolete ones
    come back when their text reappears. Extracted comments (glossary notes included)
    and references always come from the template.
    """
    counts = MergeCounts()
    olds = _OldEntries(old)
    result = [_merged_entry(tentry, olds, counts) for tentry in template]
    result += _leftover_entries(olds, prune=prune, counts=counts)
    return result, counts
