"""A draft run: plan the entries, decode in batches, write finished drafts after every batch."""

from __future__ import annotations

import datetime
import functools
import os
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import CatalogError, WorkflowError
from ..models import read_settings, select_package
from ..project import Project
from .decoder import CACHE_PATH, Batch, BatchDecoding, Decoded, Decoder, DraftCache
from .jobs import Job, needed_units, render_layout, runs_layout, sentence_layout
from .markup import mask_markup, unmask_markup
from .report import DraftFailure, DraftReport, PlannedEntry, Progress
from .sentences import Unit
from .terms import finish_glossary, glossary_repairs

if TYPE_CHECKING:
    import polib

    from ..catalog.guard import CatalogWriter, Draft
    from ..glossary import Glossary


def _draft_date() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), datetime.UTC).date().isoformat()
    return datetime.datetime.now(datetime.UTC).date().isoformat()


def _catalog_paths(project: Project, lang: str, slugs: Sequence[str] | None) -> list[Path]:
    if slugs:
        paths = [project.po_path(lang, slug) for slug in slugs]
        for path in paths:
            if not path.exists():
                raise CatalogError("no catalog for this article", path=path, hint="run: workflow.py extract")
        return paths
    folder = project.translations_dir / lang
    return sorted(folder.glob("*.po")) if folder.is_dir() else []


def _is_human(entry: polib.POEntry) -> bool:
    from ..catalog import is_fuzzy

    return bool(entry.msgid and entry.msgstr and not entry.obsolete and not entry.msgid_plural) and not (
        is_fuzzy(entry)
    )


def _memory(catalogs: Mapping[Path, polib.POFile]) -> dict[str, list[tuple[str, str, str | None]]]:
    """msgid -> [(msgstr, slug, msgctxt)] of human translations, in slug order."""
    memory: dict[str, list[tuple[str, str, str | None]]] = {}
    for path in sorted(catalogs):
        for entry in catalogs[path]:
            if _is_human(entry):
                memory.setdefault(entry.msgid, []).append((entry.msgstr, path.stem, entry.msgctxt))
    return memory


def draft_missing(
    project: Project,
    langs: Sequence[str] | None = None,
    slugs: Sequence[str] | None = None,
    *,
    refresh_drafts: bool = False,
    dry_run: bool = False,
    beam_size: int | None = None,
    glossary: Glossary | None = None,
    progress: Callable[[Progress], None] | None = None,
    on_wait: Callable[[Path], None] | None = None,
    decoding: BatchDecoding | None = None,
) -> DraftReport:
    """Fill the empty entries of the selected catalogs with machine drafts.

    Human work is never touched: only empty entries, and with ``refresh_drafts`` the
    entries whose msgstr is still exactly what the engine wrote, are (re)drafted.
    Drafts are written after every batch by a ``catalog.guard.CatalogWriter``, onto
    the catalog as it is on disk at that moment, so what translators and ``extract``
    saved meanwhile is kept. ``ModelMissingError`` (with the installing command) when a
    language that has work to do has no usable package. ``progress`` is called after
    every batch; ``on_wait`` when another command holds the catalogs' lock.
    ``decoding`` decodes the batches elsewhere (a cluster: ``pressroom.mt.remote``);
    everything else, the catalogs and the draft cache included, stays in this process.
    """
    from ..catalog import is_machine_draft, mark_memory_match
    from ..catalog.guard import CatalogWriter, Draft

    started = time.perf_counter()
    settings = read_settings(project)
    beam = beam_size if beam_size is not None else settings.beam_size
    if beam < 1:
        raise WorkflowError(f"beam size must be at least 1, not {beam}", hint="pass --beam-size 4")
    if glossary is None and project.glossary_path.exists():
        from ..glossary import read_glossary

        scripts = {code: language.script for code, language in project.languages.items()}
        glossary = read_glossary(project.glossary_path, scripts=scripts)
    report = DraftReport()
    date = _draft_date()
    writer = CatalogWriter(project.root, on_wait=on_wait)
    cache = DraftCache(project.root / CACHE_PATH if settings.cache and not dry_run else None)
    try:
        for language in project.target_languages(list(langs) if langs else None):
            lang = language.code
            paths = _catalog_paths(project, lang, slugs)
            folder = project.translations_dir / lang
            every = sorted(folder.glob("*.po")) if folder.is_dir() else []
            catalogs = {path: writer.read(path) for path in sorted(set(every) | set(paths))}
            memory = _memory(catalogs)
            todo: list[tuple[Path, Any, bool]] = []
            reused: dict[Path, list[Draft]] = {}
            for path in paths:
                for entry in catalogs[path]:
                    if entry.obsolete or not entry.msgid:
                        continue
                    if entry.msgid_plural:
                        if not entry.msgstr_plural or not any(entry.msgstr_plural.values()):
                            report.skipped_plural += 1
                        continue
                    if entry.msgstr == "":
                        how = "machine"
                    elif refresh_drafts and is_machine_draft(entry):
                        how = "refresh"
                    else:
                        continue
                    reuse = [
                        m for m in memory.get(entry.msgid, []) if (m[1], m[2]) != (path.stem, entry.msgctxt)
                    ]
                    origin = reuse[0][1] if reuse else ""
                    report.planned.append(
                        PlannedEntry(
                            lang=lang,
                            slug=path.stem,
                            path=path,
                            line=int(entry.linenum or 0),
                            msgctxt=entry.msgctxt,
                            msgid=entry.msgid,
                            how="memory" if reuse else how,
                            origin=origin,
                        )
                    )
                    if dry_run:
                        continue
                    if reuse:
                        reused.setdefault(path, []).append(
                            Draft(
                                msgctxt=entry.msgctxt,
                                msgid=entry.msgid,
                                msgstr=reuse[0][0],
                                mark=functools.partial(mark_memory_match, slug=origin),
                                refresh=how == "refresh",
                            )
                        )
                        report.memory += 1
                    else:
                        todo.append((path, entry, how == "refresh"))
            if dry_run:
                continue
            # A missing or broken model fails the language before anything is written.
            decoder = None
            if todo:
                package = select_package(settings, lang)
                decoder = Decoder(package, settings, beam_size=beam)
            _save(writer, reused, report)
            if decoder is not None:
                report.packages[lang] = f"{decoder.package.name} {decoder.package.version}"
                _draft_language(
                    lang, decoder, todo, writer, glossary, cache, date, report, progress, decoding
                )
    finally:
        cache.close()
    report.seconds = time.perf_counter() - started
    return report


def _save(writer: CatalogWriter, drafts: dict[Path, list[Draft]], report: DraftReport) -> None:
    """Write the drafts made since the last save; empties ``drafts``."""
    if not drafts:
        return
    saved = writer.save(drafts)
    drafts.clear()
    report.kept += saved.kept
    for path in saved.written:
        if path not in report.written:
            report.written.append(path)


def _draft_language(
    lang: str,
    decoder: Decoder,
    todo: Sequence[tuple[Path, Any, bool]],
    writer: CatalogWriter,
    glossary: Glossary | None,
    cache: DraftCache,
    date: str,
    report: DraftReport,
    progress: Callable[[Progress], None] | None,
    decoding: BatchDecoding | None = None,
) -> None:
    from ..catalog import mark_draft
    from ..catalog.guard import Draft, mark_draft_failed

    package = decoder.package
    jobs = []
    for path, entry, refresh in todo:
        masked = mask_markup(entry.msgid)
        jobs.append(
            Job(
                path=path,
                entry=entry,
                masked=masked,
                layout=sentence_layout(masked.text, decoder.splitter),
                refresh=refresh,
            )
        )
    results: dict[Unit, str] = {}
    truncated: set[Unit] = set()
    failures: dict[Unit, str] = {}
    pieces_of: dict[Unit, list[str | Unit]] = {}
    """A unit too long for the model -> its pieces and the text between them."""
    cut_units: set[Unit] = set()
    """Units whose translation was assembled from pieces."""
    pending: dict[Path, list[Draft]] = {}
    done_entries = 0
    sentences_done = 0

    def finish(job: Job, draft: Draft) -> None:
        nonlocal done_entries
        pending.setdefault(job.path, []).append(draft)
        job.done = True
        done_entries += 1

    def fail(job: Job, reason: str) -> None:
        line = int(job.entry.linenum or 0)
        report.failed.append(DraftFailure(path=job.path, line=line, msgid=job.entry.msgid, reason=reason))
        note = f"the model failed on this text ({reason}); translate it by hand"
        finish(
            job,
            Draft(
                msgctxt=job.entry.msgctxt,
                msgid=job.entry.msgid,
                msgstr="",
                mark=functools.partial(mark_draft_failed, reason=note),
            ),
        )

    def advance(job: Job) -> None:
        """Move a job whose sentences are all decoded one step on; may ask for more."""
        draft = render_layout(job.layout, results, {})
        if job.mode == "placeholders":
            restored = unmask_markup(draft, job.masked)
            if restored is None:
                job.mode = "runs"
                job.layout = runs_layout(job.masked, decoder.splitter)
                job.notes.append(
                    "markup: the model lost placeholders; text between markup translated "
                    "separately, check word order"
                )
                report.markup_flagged += 1
                return
            draft = restored
        if glossary is not None and job.stage == "decode":
            job.stage = "verify"
            job.repairs = glossary_repairs(job, lang, glossary, draft)
            if job.repairs:
                return
        if glossary is not None:
            repaired = None
            if job.repairs:
                repaired = render_layout(job.layout, results, job.repairs)
                if job.mode == "placeholders":
                    repaired = unmask_markup(repaired, job.masked)
            draft = finish_glossary(job, lang, glossary, draft, repaired, report)
        needed = needed_units(job)
        if any(unit in cut_units for unit in needed):
            job.notes.append(
                "length: a sentence too long for the model was cut into pieces translated "
                "separately; check the joins"
            )
            report.cut += 1
        if any(unit in truncated for unit in needed):
            job.notes.append("length: decoding reached the length cap; the draft may be cut short")
        finish(
            job,
            Draft(
                msgctxt=job.entry.msgctxt,
                msgid=job.entry.msgid,
                msgstr=draft,
                mark=functools.partial(
                    mark_draft,
                    engine=package.engine,
                    package=package.name,
                    version=package.version,
                    date=date,
                    notes=tuple(job.notes),
                ),
                refresh=job.refresh,
            ),
        )
        report.drafted += 1

    def assemble() -> None:
        """Join the pieces of cut units whose pieces are all decoded (or failed)."""
        for unit, parts in pieces_of.items():
            if unit in results or unit in failures:
                continue
            pieces = [part for part in parts if isinstance(part, Unit)]
            failed = next((failures[p] for p in pieces if p in failures), None)
            if failed is not None:
                failures[unit] = failed
            elif all(piece in results for piece in pieces):
                results[unit] = "".join(results[p] if isinstance(p, Unit) else p for p in parts)
                cut_units.add(unit)
                if any(piece in truncated for piece in pieces):
                    truncated.add(unit)

    retries: dict[Unit, int] = {}
    recut = False

    def decode(batch: Batch, decoded: Decoded | None = None) -> dict[Unit, tuple[str, bool]]:
        """Decode a batch; on an error decode its units one by one, and fail only those that fail alone.

        A position error teaches the decoder the model's real limit: the units now too
        long are left undecoded and cut to fit in the next round. ``decoded``: what a
        cluster already made of the batch (the one-by-one retries run here).
        """
        nonlocal recut
        if len(batch) == 1 and len(batch[0][1]) > decoder.budget(batch[0][0]):
            unit = batch[0][0]
            retries[unit] = retries.get(unit, 0) + 1
            if retries[unit] <= 3:
                recut = True
            else:
                failures[unit] = "too long for the model even after cutting"
            return {}
        try:
            if isinstance(decoded, Exception):
                raise decoded
            if decoded is not None:
                return dict(zip([u for u, _ in batch], decoded, strict=True))
            outputs = decoder.translate([u for u, _ in batch], [t for _, t in batch])
            return dict(zip([u for u, _ in batch], outputs, strict=True))
        except (RuntimeError, ValueError) as exc:
            if len(batch) > 1:
                fresh: dict[Unit, tuple[str, bool]] = {}
                for item in batch:
                    fresh.update(decode([item]))
                return fresh
            unit = batch[0][0]
            retries[unit] = retries.get(unit, 0) + 1
            if decoder.lower_position_limit(exc) and retries[unit] <= 3:
                recut = True
                return {}
            failures[unit] = " ".join(str(exc).split())[:300]
            return {}

    total_sentences = len({u for job in jobs for u in needed_units(job)})
    if progress is not None:
        progress(
            Progress(
                lang=lang,
                sentences_done=0,
                sentences_total=total_sentences,
                entries_done=0,
                entries_total=len(jobs),
            )
        )
    while True:
        waiting = [job for job in jobs if not job.done]
        if not waiting:
            break
        wanted = list(
            dict.fromkeys(
                u for job in waiting for u in needed_units(job) if u not in results and u not in failures
            )
        )
        if recut:  # the model's limit turned out lower: cut again what is not decoded yet
            recut = False
            for unit in [u for u in pieces_of if u not in results and u not in failures]:
                del pieces_of[unit]
        atoms: list[Unit] = []
        for unit in wanted:
            if unit not in pieces_of:
                parts = decoder.fit(unit)
                if parts is not None:
                    pieces_of[unit] = parts
            if unit in pieces_of:
                atoms.extend(p for p in pieces_of[unit] if isinstance(p, Unit))
            else:
                atoms.append(unit)
        atoms = [u for u in dict.fromkeys(atoms) if u not in results and u not in failures]
        if atoms:
            keys = {unit: DraftCache.key(decoder, unit) for unit in atoms}
            hits = cache.get_many(list(keys.values()))
            for unit, key in keys.items():
                if key in hits:
                    results[unit], cut = hits[key]
                    if cut:
                        truncated.add(unit)
                    report.cached += 1
                    sentences_done += 1
            atoms = [unit for unit in atoms if unit not in results]
        batches = _batches(atoms, decoder) or [[]]
        total_sentences = max(total_sentences, sentences_done + len(atoms))
        outcomes: Iterator[tuple[Batch, Decoded | None]] = (
            decoding.decode(decoder, batches, report) if decoding else ((b, None) for b in batches)
        )
        for batch, decoded in outcomes:
            if batch:
                decode_started = time.perf_counter()
                fresh = decode(batch, decoded)
                report.decode_seconds += time.perf_counter() - decode_started
                for unit, (text, cut) in fresh.items():
                    results[unit] = text
                    if cut:
                        truncated.add(unit)
                cache.put_many({DraftCache.key(decoder, u): value for u, value in fresh.items()})
                report.decoded += len(fresh)
                report.batches += 1
                sentences_done += len(fresh)
            assemble()
            for job in jobs:
                if job.done:
                    continue
                needed = needed_units(job)
                failed = next((failures[u] for u in needed if u in failures), None)
                if failed is not None:
                    fail(job, failed)
                elif all(u in results for u in needed):
                    advance(job)
            _save(writer, pending, report)
            if progress is not None:
                progress(
                    Progress(
                        lang=lang,
                        sentences_done=sentences_done,
                        sentences_total=max(total_sentences, sentences_done),
                        entries_done=done_entries,
                        entries_total=len(jobs),
                    )
                )
            if recut:
                break


def _batches(units: Sequence[Unit], decoder: Decoder) -> list[list[tuple[Unit, list[str]]]]:
    """Units with their tokens, sorted by length, cut into batches of ``max_batch_tokens``.

    A batch counts the tokens the model adds to every source as well, and is handed to
    ``translate_batch`` whole: each batch decodes every step at a fixed cost besides its
    width, and when CTranslate2 split ours again by its own count (which includes the end
    token) a 35-sentence batch became two, 20% slower at a 76-token cap (measured:
    ``python -m benchmarks translate``).
    """
    encoded = sorted(
        ((unit, decoder.encode(unit.text)) for unit in units), key=lambda p: (len(p[1]), p[0].text)
    )
    batches: list[list[tuple[Unit, list[str]]]] = []
    tokens = decoder.max_batch_tokens
    for unit, pieces in encoded:
        size = len(pieces) + decoder.source_extras
        if tokens + size > decoder.max_batch_tokens:
            batches.append([])
            tokens = 0
        batches[-1].append((unit, pieces))
        tokens += size
    return batches
