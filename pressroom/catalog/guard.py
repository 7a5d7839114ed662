"""Catalog stage, writing beside people: never overwrite what we did not read.

Input: catalogs on disk, and the drafts ``translate`` made from an earlier read of them.
Output: the same catalogs with those drafts written only where the file on disk still
takes them, under the content root's advisory lock (``fsio.folder_lock``) through
which our own catalog writers take turns (``extract`` holds it too, and checks its own
writes with ``fsio.write_all_if_unchanged``).

A translator's editor and ``git pull`` do not take our lock, so the lock alone is not
the guarantee. Every save re-reads the file just before writing when it changed since
we last saw it (content digest), applies our drafts onto what is on disk entry by entry
(matched by msgctxt and msgid), and writes only if the file is still what it re-read.
A draft lands only on an entry that is still untranslated, or, when refreshing, still
our own untouched machine draft; a human translation, comment or flag written in the
meantime always wins, and entries ``extract`` added or removed stay as it left them.

What would otherwise be damaged silently on the way through GNU ``msgcat`` (a NUL
byte, a header charset that contradicts the bytes) ``read_catalog`` refuses for every
command (:mod:`~pressroom.catalog.charset`).
"""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import polib

from ..errors import CatalogError
from ..fsio import ChangedOnDiskError, digest_bytes, file_digest, folder_lock, replace_if_unchanged
from .conventions import MACHINE_DRAFT_NOTE, is_machine_draft
from .io import format_catalogs, read_catalog

_READ_ATTEMPTS = 5
_WRITE_ATTEMPTS = 5
_CHARSET = re.compile(r"charset\s*=\s*([^\s;]+)", re.IGNORECASE)
_FAILURE_NOTE = f"{MACHINE_DRAFT_NOTE} not drafted:"

__all__ = [
    "CatalogSnapshot",
    "CatalogWriter",
    "ChangedOnDiskError",
    "Draft",
    "SaveReport",
    "apply_drafts",
    "catalog_lock",
    "mark_draft_failed",
    "read_snapshot",
]


@contextmanager
def catalog_lock(root: Path, *, on_wait: Callable[[Path], None] | None = None) -> Iterator[None]:
    """Hold the content root's lock while writing catalogs (``fsio.folder_lock``; extract takes it too)."""
    with folder_lock(root, on_wait=on_wait):
        yield


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True, slots=True, kw_only=True)
class CatalogSnapshot:
    """A catalog as read, with the digest of exactly the bytes it was parsed from."""

    path: Path
    po: polib.POFile
    digest: str
    """``fsio.digest_bytes`` of the file content ``po`` was parsed from."""


def _declare_utf8(po: polib.POFile, raw: bytes) -> None:
    """Declare an ASCII-only catalog of another charset UTF-8 in memory: drafts bring non-ASCII text.

    ``read_catalog`` has decoded and checked the file in its declared charset; ASCII
    bytes are the same text in UTF-8, so nothing else changes.
    """
    content_type = po.metadata.get("Content-Type", "")
    found = _CHARSET.search(content_type)
    if found is None or not raw.isascii():
        return
    if found.group(1).lower().replace("-", "").replace("_", "") not in ("utf8", "charset"):
        po.metadata["Content-Type"] = content_type[: found.start(1)] + "UTF-8" + content_type[found.end(1) :]


def read_snapshot(path: Path) -> CatalogSnapshot:
    """Read a catalog with ``read_catalog`` plus the digest of the bytes it was parsed from.

    The file is read until two reads agree, so a save by another program in the middle
    of ours is never half seen; a file that keeps changing is an error. Besides
    ``read_catalog``'s checks (charset, NUL bytes, a header-less catalog's first
    comment), an ASCII-only catalog declared in another charset is declared UTF-8 in
    memory (see ``_declare_utf8``).
    """
    for attempt in range(_READ_ATTEMPTS):
        try:
            raw = path.read_bytes()
        except (FileNotFoundError, IsADirectoryError):
            read_catalog(path)  # raises the usual "no such catalog" / "not a file"
            raise
        try:
            po = read_catalog(path)
        except CatalogError:
            if file_digest(path) == digest_bytes(raw):
                raise
            time.sleep(0.05 * (attempt + 1))  # being written by someone: look again
            continue
        if file_digest(path) == digest_bytes(raw):
            _declare_utf8(po, raw)
            return CatalogSnapshot(path=path, po=po, digest=digest_bytes(raw))
        time.sleep(0.05 * (attempt + 1))
    raise CatalogError(
        "the catalog kept changing while it was being read",
        path=path,
        hint="wait until the program writing it has finished, then run the command again",
    )


# --------------------------------------------------------------------------- drafts


@dataclass(frozen=True, slots=True, kw_only=True)
class Draft:
    """A translation a run made for one entry, applied to whatever is on disk at save time."""

    msgctxt: str | None
    msgid: str
    msgstr: str
    """The new translation; ``""`` with a failure ``mark`` for an entry left untranslated."""
    mark: Callable[[polib.POEntry], None]
    """Records provenance once ``msgstr`` is set (``catalog.mark_draft`` with its arguments)."""
    refresh: bool = False
    """May also replace the entry's machine draft if that is still untouched."""


def apply_drafts(po: polib.POFile, drafts: Sequence[Draft]) -> int:
    """Apply ``drafts`` to the entries of ``po`` that still accept them; return how many did.

    An entry accepts a draft when it exists (live, same msgctxt and msgid, not a plural
    entry) and is untranslated, or, for a refresh, is still an untouched machine draft.
    Setting the msgstr and marking it keeps the entry's other translator comments and
    flags (``mark_draft`` replaces only provenance lines).
    """
    live = {(entry.msgctxt, entry.msgid): entry for entry in po if not entry.obsolete and entry.msgid}
    applied = 0
    for draft in drafts:
        entry = live.get((draft.msgctxt, draft.msgid))
        if entry is None or entry.msgid_plural:
            continue
        if entry.msgstr == "" or (draft.refresh and draft.msgstr and is_machine_draft(entry)):
            entry.msgstr = draft.msgstr
            draft.mark(entry)
            applied += 1
    return applied


def mark_draft_failed(entry: polib.POEntry, *, reason: str) -> None:
    """Note on an entry left untranslated why the run could not draft it.

    The note is a ``machine-draft-note`` line, so the next successful draft replaces it.
    """
    lines = [line for line in entry.tcomment.split("\n") if line and not line.startswith(_FAILURE_NOTE)]
    lines.append(f"{_FAILURE_NOTE} {' '.join(reason.split())}")
    entry.tcomment = "\n".join(lines)


@dataclass(slots=True)
class SaveReport:
    """What one ``CatalogWriter.save`` did."""

    written: list[Path] = field(default_factory=list)
    applied: int = 0
    """Drafts written."""
    kept: int = 0
    """Drafts dropped because the entry changed on disk (or is gone): the disk version was kept."""


class CatalogWriter:
    """Saves drafts into the catalogs of one translations folder, safely; see the module docstring.

    It remembers the snapshot of every catalog it read or wrote. A save re-reads a
    catalog only when its digest differs from the remembered one, i.e. when someone
    else wrote it in the meantime.
    """

    def __init__(self, root: Path, *, on_wait: Callable[[Path], None] | None = None) -> None:
        self.root = root
        """The content root, whose lock every save holds."""
        self.on_wait = on_wait
        self._known: dict[Path, CatalogSnapshot] = {}

    def read(self, path: Path) -> polib.POFile:
        """Read ``path`` (``read_snapshot``) and remember it; the catalog to plan from."""
        snapshot = read_snapshot(path)
        self._known[path] = snapshot
        return snapshot.po

    def _current(self, path: Path) -> CatalogSnapshot | None:
        digest = file_digest(path)
        if digest is None:
            self._known.pop(path, None)
            return None
        known = self._known.get(path)
        if known is not None and known.digest == digest:
            return known
        snapshot = read_snapshot(path)
        self._known[path] = snapshot
        return snapshot

    def save(self, drafts: Mapping[Path, Sequence[Draft]]) -> SaveReport:
        """Apply and write ``drafts`` (per catalog path) under the lock; one msgcat run per try."""
        todo = {path: list(items) for path, items in drafts.items() if items}
        report = SaveReport()
        if not todo:
            return report
        outcome: dict[Path, tuple[int, int, bool]] = {}
        with catalog_lock(self.root, on_wait=self.on_wait):
            for attempt in range(_WRITE_ATTEMPTS):
                staged: list[CatalogSnapshot] = []
                for path in sorted(todo):
                    snapshot = self._current(path)
                    if snapshot is None:
                        outcome[path] = (0, len(todo[path]), False)
                        continue
                    applied = apply_drafts(snapshot.po, todo[path])
                    outcome[path] = (applied, len(todo[path]) - applied, False)
                    if applied:
                        staged.append(snapshot)
                conflicts: dict[Path, list[Draft]] = {}
                outputs = format_catalogs([snapshot.po for snapshot in staged])
                for snapshot, data in zip(staged, outputs, strict=True):
                    path = snapshot.path
                    try:
                        written = replace_if_unchanged(path, data, read_digest=snapshot.digest)
                    except ChangedOnDiskError:
                        self._known.pop(path, None)  # its po holds our drafts; re-read next try
                        conflicts[path] = todo[path]
                        continue
                    digest = digest_bytes(data)
                    self._known[path] = dataclasses.replace(snapshot, digest=digest)
                    applied, kept, _ = outcome[path]
                    outcome[path] = (applied, kept, written)
                if not conflicts:
                    break
                if attempt == _WRITE_ATTEMPTS - 1:
                    path = next(iter(conflicts))
                    raise ChangedOnDiskError(
                        "changed on disk every time we tried to write it",
                        path=path,
                        hint="another program keeps saving it; nothing of it was lost: run the command again",
                    )
                todo = conflicts
        for path in sorted(outcome):
            applied, kept, written = outcome[path]
            report.applied += applied
            report.kept += kept
            if written:
                report.written.append(path)
        return report
