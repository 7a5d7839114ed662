"""Extract: source articles -> templates and language catalogs, msgmerge-style.

Input: ``source/<slug>.md`` (through ``source`` and ``segment``), the existing
catalogs, the glossary (its notes become extracted comments). Output: for each
article ``translations/templates/<slug>.pot`` and ``translations/<lang>/<slug>.po``,
merged with GNU ``msgmerge`` rules and written in ``msgcat``'s form, and an
:class:`ExtractReport`. Content hashes in ``.cache/pressroom/extract-state.json`` let
an unchanged article be skipped without being parsed.
"""

from __future__ import annotations

import functools
import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import polib

from .. import __version__
from ..errors import SourceError
from ..fsio import (
    ChangedOnDiskError,
    folder_lock,
    settled,
    write_all_if_unchanged,
)
from ..languages import Language
from ..project import Project
from .conventions import settle_reviewed
from .extract_state import STATE_FORMAT, STATE_PATH, ArticleFiles, ExtractState, file_hashes, file_signatures
from .io import format_catalogs, read_catalog
from .merge import MergeCounts, merge_entries
from .template import catalog_header, catalog_signature, now_stamp, template_entries, template_header


class Glossary(Protocol):
    """What extract needs from ``pressroom.glossary.Glossary``."""

    def notes(self, text: str, langs: Sequence[str]) -> list[str]: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class CatalogChange:
    """What extract did to one catalog file."""

    path: Path
    slug: str
    lang: str | None
    """None for the template."""
    written: bool
    new: int = 0
    """Entries added without a translation."""
    fuzzy: int = 0
    """Translations carried to a changed segment, marked fuzzy with the previous msgid."""
    obsolete: int = 0
    """Entries made obsolete by this run."""
    revived: int = 0
    """Obsolete entries brought back because their segment reappeared."""
    pruned: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class ExtractReport:
    """The outcome of one extract run."""

    changes: tuple[CatalogChange, ...]
    """One per catalog of every article that was not skipped; the counts below sum the
    language catalogs only (the template's own ``new`` says how many texts it gained)."""
    skipped: int
    """Articles whose source and catalogs were unchanged since the last run (not even parsed)."""

    @property
    def written(self) -> int:
        return sum(1 for change in self.changes if change.written)

    @property
    def unchanged(self) -> int:
        return sum(1 for change in self.changes if not change.written)

    def _entries(self, counter: str) -> int:
        """Entries counted over the language catalogs (templates have no translations)."""
        return sum(int(getattr(change, counter)) for change in self.changes if change.lang is not None)

    @property
    def new(self) -> int:
        return self._entries("new")

    @property
    def fuzzy(self) -> int:
        return self._entries("fuzzy")

    @property
    def obsolete(self) -> int:
        return self._entries("obsolete")

    @property
    def revived(self) -> int:
        return self._entries("revived")

    @property
    def pruned(self) -> int:
        return self._entries("pruned")


# --------------------------------------------------------------------------- the state file


def _fingerprint(project: Project, languages: Sequence[Language], glossary: Glossary | None) -> str:
    """Everything besides the files that changes extract's output."""
    parts = [
        str(STATE_FORMAT),
        __version__,
        project.name,
        project.relative(project.source_dir),
        repr([(lang.code, lang.name, lang.plural_forms) for lang in languages]),
        repr(getattr(glossary, "terms", glossary)) if glossary is not None else "",
    ]
    return hashlib.blake2b("\x00".join(parts).encode("utf-8"), digest_size=16).hexdigest()


# --------------------------------------------------------------------------- extract


def _select_slugs(project: Project, slugs: Sequence[str] | None) -> list[str]:
    available = {path.stem for path in project.source_dir.glob("*.md")}
    available.discard("site")
    if slugs is None:
        return sorted(available)
    chosen = []
    for slug in slugs:
        if slug == "site":
            raise SourceError(
                "'site' is the site-strings catalog, not an article",
                hint="translations/<lang>/site.po is maintained by hand; extract only articles",
            )
        if slug not in available:
            raise SourceError(
                f"unknown article {slug!r}",
                path=project.source_path(slug),
                hint="articles are source/<slug>.md; run without ARTICLE for all of them",
            )
        if slug not in chosen:
            chosen.append(slug)
    return chosen


@dataclass(slots=True)
class _Pending:
    """A catalog built in memory, waiting to be written with the others of the run."""

    path: Path
    slug: str
    lang: str | None
    po: polib.POFile
    counts: MergeCounts


def _read_existing(path: Path) -> polib.POFile | None:
    return read_catalog(path) if path.exists() else None


def _template_catalog(
    project: Project,
    reference: str,
    template: Sequence[polib.POEntry],
    old_pot: polib.POFile | None,
    stamp: Callable[[], str],
) -> polib.POFile:
    """The article's POT; its creation date changes only when its content does."""
    pot = polib.POFile(wrapwidth=0)
    pot.header = f"Translation template for {reference}."
    old_date = old_pot.metadata.get("POT-Creation-Date") if old_pot is not None else None
    pot.metadata = template_header(project, old_date or stamp())
    for tentry in template:
        pot.append(tentry)
    if old_date is not None and catalog_signature(pot) != catalog_signature(old_pot):
        pot.metadata["POT-Creation-Date"] = stamp()
    return pot


def _language_catalog(
    project: Project,
    language: Language,
    reference: str,
    entries: Sequence[polib.POEntry],
    old: polib.POFile | None,
    pot_date: str,
    stamp: Callable[[], str],
) -> polib.POFile:
    """One language's PO around its merged entries; its revision date changes only with its content."""
    po = polib.POFile(wrapwidth=0)
    po.header = old.header if old is not None else f"{language.name} translation of {reference}."
    po.metadata_is_fuzzy = old.metadata_is_fuzzy if old is not None else []
    revision = old.metadata.get("PO-Revision-Date") if old is not None else None
    po.metadata = catalog_header(project, language, old, pot_date, revision or stamp())
    for entry in entries:
        po.append(entry)
    if revision is not None and catalog_signature(po) != catalog_signature(old):
        po.metadata["PO-Revision-Date"] = stamp()
    return po


def _article_catalogs(
    project: Project,
    slug: str,
    languages: Sequence[Language],
    glossary: Glossary | None,
    *,
    prune: bool,
    stamp: Callable[[], str],
) -> list[_Pending]:
    """The template and every language catalog of one article, merged, not yet written.

    Every existing catalog of the article is read first, so a broken one stops the run
    before anything is written.
    """
    from ..segment import iter_segments
    from ..source import read_article

    article = read_article(project.source_path(slug))
    reference = project.relative(project.source_path(slug))
    template = template_entries(iter_segments(article), reference)
    if glossary is not None:
        _add_glossary_notes(template, glossary, [language.code for language in languages])
    pot_path = project.pot_path(slug)
    old_pot = _read_existing(pot_path)
    olds = {language.code: _read_existing(project.po_path(language.code, slug)) for language in languages}

    pot = _template_catalog(project, reference, template, old_pot, stamp)
    old_keys = {(e.msgctxt, e.msgid) for e in old_pot} if old_pot is not None else set()
    added = sum(1 for e in template if (e.msgctxt, e.msgid) not in old_keys)
    pending = [_Pending(pot_path, slug, None, pot, MergeCounts(new=added))]
    pot_date = pot.metadata["POT-Creation-Date"]
    for language in languages:
        old = olds[language.code]
        entries, counts = merge_entries(template, old, prune=prune)
        for entry in entries:
            settle_reviewed(entry)
        po = _language_catalog(project, language, reference, entries, old, pot_date, stamp)
        pending.append(_Pending(project.po_path(language.code, slug), slug, language.code, po, counts))
    return pending


def _add_glossary_notes(template: Sequence[polib.POEntry], glossary: Glossary, langs: Sequence[str]) -> None:
    """Append the glossary spellings of each entry's terms to its extracted comments.

    They go into the template, not only the catalogs: GNU ``msgmerge`` (Weblate's
    "update PO files to match POT") takes every catalog's ``#.`` lines from the
    template, so guidance kept anywhere else would be stripped at every sync and
    written back by the next extract.
    """
    for tentry in template:
        notes = glossary.notes(tentry.msgid, langs)
        if notes:
            tentry.comment = "\n".join([tentry.comment, *notes]) if tentry.comment else "\n".join(notes)


def _report(pending: Sequence[_Pending], written: Sequence[bool], skipped: int) -> ExtractReport:
    written_paths = {item.path for item, did in zip(pending, written, strict=True) if did}
    changes = tuple(
        CatalogChange(
            path=item.path,
            slug=item.slug,
            lang=item.lang,
            written=item.path in written_paths,
            new=item.counts.new,
            fuzzy=item.counts.fuzzy,
            obsolete=item.counts.obsolete,
            revived=item.counts.revived,
            pruned=item.counts.pruned,
        )
        for item in pending
    )
    return ExtractReport(changes=changes, skipped=skipped)


def _obsolete_left(pending: Sequence[_Pending]) -> dict[str, int]:
    """Obsolete entries left in the language catalogs of each article."""
    counts: dict[str, int] = {}
    for item in pending:
        if item.lang is not None:
            counts[item.slug] = counts.get(item.slug, 0) + len(item.po.obsolete_entries())
    return counts


CHUNK_ARTICLES = 100
"""Articles merged, formatted (one msgcat run) and written together: memory stays flat in the archive size."""


def extract(
    project: Project,
    slugs: Sequence[str] | None = None,
    *,
    prune: bool = False,
    glossary: Glossary | None = None,
    force: bool = False,
) -> ExtractReport:
    """Create or update the template and every target-language catalog of each article.

    Articles whose source and catalogs have the same content hashes as at the last run
    (state in ``.cache/pressroom/extract-state.json``) are skipped without parsing;
    ``force`` ignores that state. Articles go in chunks of ``CHUNK_ARTICLES``: every
    catalog of a chunk is read (and any broken one reported) before any of them is
    written, and the chunk is written and remembered before the next is read, so a
    large archive is never held in memory whole; a broken catalog stops the run with
    the chunks before it written. ``prune`` drops obsolete entries.
    The run holds the content root's lock (``fsio.folder_lock``, taken by every writer
    of catalogs), and when a catalog was saved by someone else between our read and our
    write, it reads and merges again.
    """
    done: list[CatalogChange] = []
    finished: set[str] = set()
    with folder_lock(project.root):
        for attempt in range(3):
            try:
                skipped = _extract_once(
                    project, slugs, prune=prune, glossary=glossary, force=force, done=done
                )
            except ChangedOnDiskError:
                if attempt == 2:
                    raise
                # Chunks written before the change are remembered: the next attempt skips them.
                finished.update(change.slug for change in done)
                force = False
                continue
            return ExtractReport(changes=tuple(done), skipped=skipped - len(finished))
    raise AssertionError("unreachable")


def _extract_once(
    project: Project,
    slugs: Sequence[str] | None,
    *,
    prune: bool,
    glossary: Glossary | None,
    force: bool,
    done: list[CatalogChange],
) -> int:
    """One pass over the articles, chunk by chunk; appends to ``done``, returns the articles skipped."""
    languages = project.target_languages()
    chosen = _select_slugs(project, slugs)
    fingerprint = _fingerprint(project, languages, glossary)
    state = ExtractState.load(project.root / STATE_PATH, fingerprint, force=force)
    stamp = functools.cache(now_stamp)  # one date for every catalog of the run, taken when first needed

    skipped = 0
    pending: list[_Pending] = []
    read_digests: dict[Path, str | None] = {}
    touched: list[str] = []
    refreshed: dict[str, Any] = {}  # skipped articles whose files' signatures are now settled
    now = time.time_ns()

    files = ArticleFiles.of(project, languages)

    def remembered(slug: str, obsolete: int) -> dict[str, Any]:
        # Signatures first: a save between them and the hashes leaves the signature stale,
        # so the next run hashes the file again and sees the save.
        paths = files.paths(slug)
        signatures = file_signatures(paths)
        return {
            "hashes": file_hashes(paths),
            "obsolete": obsolete,
            "stats": {name: settled(signature, now) for name, signature in signatures.items()},
        }

    def flush() -> None:
        texts = format_catalogs([item.po for item in pending])
        written = write_all_if_unchanged(
            [(item.path, text) for item, text in zip(pending, texts, strict=True)], read_digests
        )
        done.extend(_report(pending, written, 0).changes)
        obsolete = _obsolete_left(pending)
        updates = {**refreshed, **{slug: remembered(slug, obsolete.get(slug, 0)) for slug in touched}}
        if updates:
            state.save(updates)
        pending.clear()
        read_digests.clear()
        touched.clear()
        refreshed.clear()

    for slug in chosen:
        paths = files.paths(slug)
        signatures = file_signatures(paths)
        if state.untouched(slug, signatures, prune=prune):
            skipped += 1
            continue
        hashes = file_hashes(paths)
        if state.unchanged(slug, hashes, prune=prune):
            skipped += 1
            trusted = {name: settled(signature, now) for name, signature in signatures.items()}
            if trusted != state.known[slug].get("stats"):
                refreshed[slug] = {**state.known[slug], "stats": trusted}
            continue
        # The bytes we merge from: a catalog saved by someone else before our write is
        # never overwritten (fsio.write_all_if_unchanged raises, and the run starts over).
        read_digests[project.pot_path(slug)] = hashes["pot"]
        for language in languages:
            read_digests[project.po_path(language.code, slug)] = hashes[language.code]
        pending += _article_catalogs(project, slug, languages, glossary, prune=prune, stamp=stamp)
        touched.append(slug)
        if len(touched) >= CHUNK_ARTICLES:
            flush()
    if touched or refreshed or not done:
        flush()
    return skipped
