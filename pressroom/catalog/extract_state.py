"""Catalogs, extract's memory: what the last runs saw of each article's files.

Input: the article's source, template and catalogs. Output: their content hashes and
stat signatures (:func:`pressroom.fsio.stat_signature`), kept in
``.cache/pressroom/extract-state.json`` under a fingerprint of everything else that
changes extract's output. An article whose files all have the signatures they had
when last hashed is skipped without reading a byte (at 5,000 articles reading and
hashing 25,000 files was most of a 1 s no-op run); one whose signatures moved is
hashed, and skipped if the hashes are as remembered.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..fsio import atomic_write, read_if_present, stat_signature
from ..languages import Language
from ..project import Project, check_name

STATE_PATH = Path(".cache") / "pressroom" / "extract-state.json"
"""Where extract remembers content hashes of what it last saw, under the project root."""
STATE_FORMAT = 3
"""Bumped whenever extract writes other bytes for the same files (2: glossary notes in the
template; 3: soft line breaks in msgids became spaces)."""


def hash_bytes(data: bytes | None) -> str | None:
    return hashlib.blake2b(data, digest_size=16).hexdigest() if data is not None else None


@dataclass(frozen=True, slots=True)
class ArticleFiles:
    """Where each article's source, template and catalogs are, as plain strings.

    Made once per run: at 5,000 articles, building ``Path`` objects through the
    project's properties cost more than the ``stat`` calls themselves.
    """

    source: str
    templates: str
    translations: str
    langs: tuple[str, ...]

    @classmethod
    def of(cls, project: Project, languages: Sequence[Language]) -> ArticleFiles:
        codes = tuple(check_name(language.code, what="language") for language in languages)
        return cls(str(project.source_dir), str(project.templates_dir), str(project.translations_dir), codes)

    def paths(self, slug: str) -> dict[str, str]:
        """The article's files by the names the state keeps them under."""
        slug = check_name(slug)
        paths = {"source": f"{self.source}/{slug}.md", "pot": f"{self.templates}/{slug}.pot"}
        paths.update((code, f"{self.translations}/{code}/{slug}.po") for code in self.langs)
        return paths


def file_signatures(paths: dict[str, str]) -> dict[str, list[int] | None]:
    """``fsio.stat_signature`` of each file: when all are as remembered, nothing is read."""
    return {name: stat_signature(path) for name, path in paths.items()}


def file_hashes(paths: dict[str, str]) -> dict[str, str | None]:
    """Content hashes of each file (None for a missing one)."""
    return {name: hash_bytes(read_if_present(path)) for name, path in paths.items()}


@dataclass(slots=True)
class ExtractState:
    """What the last runs saw, per article: file hashes and obsolete entries left."""

    path: Path
    fingerprint: str
    known: dict[str, Any]
    """Articles remembered under the same fingerprint (nothing when it changed)."""

    @classmethod
    def load(cls, path: Path, fingerprint: str, *, force: bool) -> ExtractState:
        state: Any = {}
        if not force:
            try:
                state = json.loads(path.read_text("utf-8"))
            except (OSError, ValueError):
                state = {}
        if not isinstance(state, dict) or state.get("fingerprint") != fingerprint:
            return cls(path, fingerprint, {})
        return cls(path, fingerprint, state.get("articles", {}))

    def unchanged(self, slug: str, hashes: dict[str, str | None], *, prune: bool) -> bool:
        """Whether the article's files are as last seen (and pruning would drop nothing)."""
        remembered = self.known.get(slug)
        return (
            remembered is not None
            and remembered.get("hashes") == hashes
            and not (prune and remembered.get("obsolete", 0))
        )

    def untouched(self, slug: str, signatures: dict[str, list[int] | None], *, prune: bool) -> bool:
        """Whether no file of the article was written since its hashes were taken (no file read).

        Only settled signatures are kept (:func:`fsio.settled`); a missing file's is
        None, and a file that is missing now and was then is untouched too.
        """
        remembered = self.known.get(slug)
        if remembered is None or (prune and remembered.get("obsolete", 0)):
            return False
        kept = remembered.get("stats")
        if not isinstance(kept, dict):
            return False
        for name, signature in signatures.items():
            if name not in kept or kept[name] != signature:
                return False
            if signature is None and remembered.get("hashes", {}).get(name) is not None:
                return False
        return True

    def save(self, updates: dict[str, Any]) -> None:
        """Remember ``updates`` with what is known (a run saves after every chunk)."""
        self.known.update(updates)
        # No indent: json's C encoder then writes it (the pure-Python one took 0.5 s at 5,000).
        payload = json.dumps(
            {"format": STATE_FORMAT, "fingerprint": self.fingerprint, "articles": self.known},
            sort_keys=True,
            separators=(",", ":"),
        )
        atomic_write(self.path, payload + "\n")
