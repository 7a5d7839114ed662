"""Our conventions on polib entries: fuzzy flags, provenance comments, ``noqa``.

polib's ``POEntry`` is the model; this module is the only place that knows what our
translator comments and flags mean: machine drafts (``# machine-draft: ...`` with the
sha of the msgstr the engine wrote), memory matches, unreviewed human drafts, review
codes silenced with ``# noqa: code``, and which translations count as published.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable

import polib

from ..project import Project
from .io import read_catalog

FUZZY = "fuzzy"
MACHINE_DRAFT = "machine-draft:"
MACHINE_DRAFT_NOTE = "machine-draft-note:"
MEMORY_MATCH = "memory-match:"
UNREVIEWED = "unreviewed draft: not yet checked by a native editor"
NOQA = "noqa:"
REVIEWED = "reviewed:"
"""Starts the note that replaces draft markers once the fuzzy flag is cleared."""
GLOSSARY_NOTE = "glossary: "


def _tcomment_lines(entry: polib.POEntry) -> list[str]:
    return entry.tcomment.split("\n") if entry.tcomment else []


def _set_tcomment_lines(entry: polib.POEntry, lines: Iterable[str]) -> None:
    entry.tcomment = "\n".join(lines)


def mark_fuzzy(entry: polib.POEntry) -> None:
    """Flag ``entry`` fuzzy, ``fuzzy`` first among its flags as GNU writes it."""
    entry.flags = [FUZZY, *(flag for flag in entry.flags if flag != FUZZY)]


def is_fuzzy(entry: polib.POEntry) -> bool:
    return FUZZY in entry.flags


def msgstr_sha(msgstr: str) -> str:
    """The 8-hex fingerprint of a translation stored in a machine-draft comment."""
    return hashlib.sha256(msgstr.encode("utf-8")).hexdigest()[:8]


def _is_marker(line: str) -> bool:
    """A draft marker we wrote: machine-draft provenance and notes, memory match, unreviewed."""
    return line.startswith((MACHINE_DRAFT, MACHINE_DRAFT_NOTE, MEMORY_MATCH)) or line == UNREVIEWED


def _without_provenance(lines: Iterable[str]) -> list[str]:
    return [line for line in lines if not (_is_marker(line) or line.startswith(REVIEWED))]


def mark_draft(
    entry: polib.POEntry,
    *,
    engine: str,
    package: str,
    version: str,
    date: datetime.date | str,
    notes: Iterable[str] = (),
) -> None:
    """Flag ``entry`` fuzzy and record machine-draft provenance for its current msgstr.

    Older provenance lines (drafts, memory matches, unreviewed marks) are replaced;
    other translator comments stay. Set ``entry.msgstr`` before calling this.
    """
    day = date.isoformat() if isinstance(date, datetime.date) else str(date)
    lines = _without_provenance(_tcomment_lines(entry))
    lines.append(
        f"{MACHINE_DRAFT} engine={engine} package={package} version={version} "
        f"date={day} sha={msgstr_sha(entry.msgstr)}"
    )
    lines.extend(f"{MACHINE_DRAFT_NOTE} {note}" for note in notes)
    _set_tcomment_lines(entry, lines)
    mark_fuzzy(entry)


def machine_draft_info(entry: polib.POEntry) -> dict[str, str] | None:
    """The ``key=value`` fields of the machine-draft comment, or None."""
    for line in _tcomment_lines(entry):
        if line.startswith(MACHINE_DRAFT):
            fields = {}
            for item in line[len(MACHINE_DRAFT) :].split():
                key, _, value = item.partition("=")
                fields[key] = value
            return fields
    return None


def is_machine_draft(entry: polib.POEntry) -> bool:
    """Fuzzy, with provenance, and the msgstr is still the one the engine wrote."""
    info = machine_draft_info(entry)
    return bool(is_fuzzy(entry) and info is not None and info.get("sha") == msgstr_sha(entry.msgstr))


def is_memory_match(entry: polib.POEntry) -> bool:
    """Fuzzy translation reused from another article (``# memory-match: <slug>``)."""
    return is_fuzzy(entry) and any(line.startswith(MEMORY_MATCH) for line in _tcomment_lines(entry))


def is_unreviewed(entry: polib.POEntry) -> bool:
    """Fuzzy human draft not yet checked by a native editor."""
    return is_fuzzy(entry) and UNREVIEWED in _tcomment_lines(entry)


def mark_unreviewed(entry: polib.POEntry) -> None:
    """Flag ``entry`` fuzzy as an unreviewed human draft (replacing other provenance)."""
    lines = _without_provenance(_tcomment_lines(entry))
    lines.append(UNREVIEWED)
    _set_tcomment_lines(entry, lines)
    mark_fuzzy(entry)


def mark_memory_match(entry: polib.POEntry, slug: str) -> None:
    """Flag ``entry`` fuzzy as reused from article ``slug`` (replacing other provenance)."""
    lines = _without_provenance(_tcomment_lines(entry))
    lines.append(f"{MEMORY_MATCH} {slug}")
    _set_tcomment_lines(entry, lines)
    mark_fuzzy(entry)


def _reviewed_note(lines: Iterable[str]) -> str | None:
    """The short note that keeps where a reviewed translation came from (None: nothing worth it)."""
    for line in lines:
        if line.startswith(MACHINE_DRAFT):
            fields = line[len(MACHINE_DRAFT) :].split()
            kept = " ".join(field for field in fields if not field.startswith("sha="))
            return f"{REVIEWED} from a machine draft ({kept})"
        if line.startswith(MEMORY_MATCH):
            return f"{REVIEWED} from a memory match ({line[len(MEMORY_MATCH) :].strip()})"
    return None


def settle_reviewed(entry: polib.POEntry) -> bool:
    """Retire the draft markers of an entry whose fuzzy flag a translator cleared.

    A cleared flag is the review: ``# unreviewed draft`` goes, machine-draft
    provenance (and its notes) and memory matches become one ``# reviewed: from ...``
    note, and an entry whose translation was emptied keeps no marker at all. Every
    other translator comment stays as it is, in its place. Fuzzy entries and entries
    without markers are left alone; returns whether ``entry`` changed.
    """
    if is_fuzzy(entry) or not entry.tcomment:
        return False
    lines = _tcomment_lines(entry)
    if not any(_is_marker(line) for line in lines):
        return False
    note = _reviewed_note(lines) if entry.msgstr or any(entry.msgstr_plural.values()) else None
    settled: list[str] = []
    for line in lines:
        if not _is_marker(line):
            settled.append(line)
        elif note is not None and line.startswith((MACHINE_DRAFT, MEMORY_MATCH)):
            settled.append(note)
            note = None
    _set_tcomment_lines(entry, settled)
    return True


def noqa_codes(entry: polib.POEntry) -> set[str]:
    """Review codes silenced for this entry by ``# noqa: code[, code]`` comments.

    Review asks this of every entry it checks, so the common case (no ``noqa`` at
    all) is decided without splitting the comment.
    """
    codes: set[str] = set()
    if not entry.tcomment or NOQA not in entry.tcomment:
        return codes
    for line in _tcomment_lines(entry):
        stripped = line.strip()
        if stripped.startswith(NOQA):
            codes.update(code.strip() for code in stripped[len(NOQA) :].split(",") if code.strip())
    return codes


def fuzzy_reason(entry: polib.POEntry) -> str | None:
    """Why an entry is fuzzy: source_changed, machine_draft, memory_match, unreviewed, other."""
    if not is_fuzzy(entry):
        return None
    if entry.previous_msgid is not None:
        return "source_changed"
    if is_machine_draft(entry):
        return "machine_draft"
    if is_memory_match(entry):
        return "memory_match"
    if is_unreviewed(entry):
        return "unreviewed"
    return "other"


def translations(
    project: Project, lang: str, slug: str, *, include_drafts: bool = False
) -> dict[tuple[str | None, str], str]:
    """(msgctxt, msgid) -> msgstr of one catalog; empty when the catalog does not exist.

    Published translations are translated and not fuzzy; ``include_drafts`` adds the
    fuzzy ones (machine drafts, memory matches, changed sources). Obsolete entries never
    count.
    """
    path = project.po_path(lang, slug)
    if not path.exists():
        return {}
    po = read_catalog(path)
    result: dict[tuple[str | None, str], str] = {}
    for entry in po:
        if entry.obsolete or not entry.msgid or not entry.msgstr:
            continue
        if is_fuzzy(entry) and not include_drafts:
            continue
        result[(entry.msgctxt, entry.msgid)] = entry.msgstr
    return result
