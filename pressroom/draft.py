"""Machine-translation drafts into the catalogs: fast, glossary-locked, safe for human work.

Input: the PO catalogs of the target languages, the installed Argos package of each
language (``models.select_package``), the glossary. Output: empty entries filled with
fuzzy drafts carrying provenance (``catalog.mark_draft``), or with a human translation
of the identical text from another article (``catalog.mark_memory_match``).

How a run goes, per language:

1. Plan: every empty, non-obsolete entry (and with ``refresh_drafts`` every entry that
   is still the untouched machine draft); identical human translations elsewhere are
   reused first (translation memory).
2. Mask: URLs, code spans, images, inline HTML and escapes become numbered placeholders
   ``⟦n⟧``; the opening and closing markup of links and emphasis too, so their text is
   translated in context. Placeholders survive SentencePiece and our detokenisation.
3. Split into sentences as the package expects (its MiniSBD model, else a simple
   splitter), look each sentence up in the draft cache, and decode the rest with
   CTranslate2 in length-sorted batches, one ``translate_batch`` per batch.
4. After every batch: put the markup back (when the model lost a placeholder, the text
   runs between markup are translated separately instead and the entry is flagged),
   verify glossary terms (repair by re-decoding with the canonical spelling forced as a
   target prefix, then by substitution), mark and save the finished entries
   atomically. A killed run loses at most the batch in flight; decoded sentences are
   in the cache, so the re-run finishes the rest cheaply.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import math
import os
import re
import sqlite3
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import CatalogError, WorkflowError
from .models import InstalledPackage, TranslateSettings, read_settings, select_package
from .project import Project

if TYPE_CHECKING:
    import polib

    from .glossary import Glossary

CACHE_PATH = Path(".cache") / "pressroom" / "drafts.sqlite"
"""Draft cache, relative to the project root."""

PLACEHOLDER = "⟦{}⟧"
_PLACEHOLDER_OUT = re.compile(r"⟦\s*([0-9\u06f0-\u06f9\u0660-\u0669]+)\s*⟧")
_LETTER = re.compile(r"[^\W\d_]")


# --------------------------------------------------------------------------- markup


@dataclass(frozen=True, slots=True, kw_only=True)
class Tag:
    """One piece of inline markup kept out of the model."""

    source: str
    """The exact Markdown text it stands for (a URL, ``**``, ``](https://...)``)."""
    role: str
    """``atom`` (code, URL, image, HTML, escape), ``open`` or ``close``."""
    partner: int | None = None
    """Index of the matching close (for ``open``) or open (for ``close``) tag."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Masked:
    """A segment with its inline markup replaced by placeholders."""

    text: str
    """The segment with ``⟦n⟧`` where tag n was."""
    tags: tuple[Tag, ...]
    parts: tuple[str | int, ...]
    """The segment as text runs (str) and tag indices (int), in order."""


_ATOM = re.compile(
    r"""
      \\[!-/:-@\[-`{-~]                                   # backslash escape
    | (?P<ticks>`+).+?(?P=ticks)                          # code span
    | <(?:[A-Za-z][A-Za-z0-9+.-]{1,31}:[^<>\s]*|[^<>\s@]+@[^<>\s]+)>   # autolink
    | </?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>            # inline HTML
    | !\[[^\]]*\]\([^)]*\)                                # image
    | (?:https?://|www\.)[^\s<>()]*[^\s<>().,;:!?'"]      # bare URL
    """,
    re.VERBOSE | re.DOTALL,
)
_LINK = re.compile(
    r"""\[(?P<text>(?:[^\[\]\\]|\\.|\[[^\[\]]*\])*)\]
        (?P<rest>\((?:<[^>]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)(?:\s+(?:"[^"]*"|'[^']*'|\([^)]*\)))?\s*\)
               |\[[^\[\]]+\])""",
    re.VERBOSE,
)
_DELIMITER = re.compile(r"\*{1,3}|_{1,3}|~~")


def mask_markup(text: str) -> Masked:
    """Replace inline Markdown markup by placeholders; see ``Masked``.

    Link text and emphasised text stay in the sentence (between an open and a close
    placeholder) so the model translates them in context; what must never change
    (URLs, code, HTML, images) becomes an atom. Delimiters that cannot pair are kept
    as atoms too, so they come back byte for byte.
    """
    items: list[Any] = []  # chars, or [role, source, partner, delimiter info] lists
    pending_close: dict[int, tuple[int, int]] = {}
    delimiters: list[int] = []  # positions in items of delimiter candidates
    i, n = 0, len(text)
    while i < n:
        if i in pending_close:
            end, opener = pending_close.pop(i)
            items[opener][2] = len(items)
            items.append(["close", text[i:end], opener, None])
            i = end
            continue
        found = _ATOM.match(text, i)
        if found:
            items.append(["atom", found.group(0), None, None])
            i = found.end()
            continue
        found = _LINK.match(text, i) if text[i] == "[" else None
        if found and found.group("text").strip():
            pending_close[found.end("text")] = (found.end(), len(items))
            items.append(["open", "[", None, None])
            i += 1
            continue
        found = _DELIMITER.match(text, i)
        if found:
            run = found.group(0)
            before = text[i - 1] if i else " "
            after = text[found.end()] if found.end() < n else " "
            can_open = not after.isspace()
            can_close = not before.isspace()
            if run[0] == "_" and before.isalnum() and after.isalnum():
                can_open = can_close = False  # snake_case, intraword underscore
            if can_open or can_close:
                delimiters.append(len(items))
                items.append(["delim", run, None, (can_open, can_close)])
                i = found.end()
                continue
        items.append(text[i])
        i += 1
    stack: list[int] = []
    for position in delimiters:
        entry = items[position]
        assert isinstance(entry, list)
        can_open, can_close = entry[3]
        match = next((s for s in reversed(stack) if items[s][1] == entry[1]), None)
        if can_close and match is not None:
            stack = stack[: stack.index(match)]
            opener = items[match]
            assert isinstance(opener, list)
            opener[0], opener[2] = "open", position
            entry[0], entry[2] = "close", match
        elif can_open:
            stack.append(position)
    tags: list[Tag] = []
    index_of: dict[int, int] = {}
    for position, entry in enumerate(items):
        if isinstance(entry, list):
            index_of[position] = len(tags)
            tags.append(Tag(source=entry[1], role="atom" if entry[0] in ("atom", "delim") else entry[0]))
    for position, entry in enumerate(items):
        if isinstance(entry, list) and entry[0] in ("open", "close") and entry[2] is not None:
            tag = tags[index_of[position]]
            tags[index_of[position]] = Tag(source=tag.source, role=tag.role, partner=index_of[entry[2]])
    parts: list[str | int] = []
    for position, entry in enumerate(items):
        if isinstance(entry, list):
            parts.append(index_of[position])
        elif parts and isinstance(parts[-1], str):
            parts[-1] += entry
        else:
            parts.append(entry)
    masked = "".join(PLACEHOLDER.format(p) if isinstance(p, int) else p for p in parts)
    return Masked(text=masked, tags=tuple(tags), parts=tuple(parts))


def _ascii_digits(text: str) -> int:
    return int("".join(str(int(ch)) if not ch.isascii() else ch for ch in text))


def unmask_markup(translated: str, masked: Masked) -> str | None:
    """Put the markup back into a translation of ``masked.text``; None when impossible.

    Every placeholder must come back exactly once (the model may add spaces inside
    it or localise its digits), each open before its close, and nothing else that
    looks like a placeholder. Whitespace the model put just inside a link or an
    emphasis is moved out, or the Markdown would stop being emphasis.
    """
    found = list(_PLACEHOLDER_OUT.finditer(translated))
    numbers = [_ascii_digits(m.group(1)) for m in found]
    if sorted(numbers) != list(range(len(masked.tags))):
        return None
    position = {number: k for k, number in enumerate(numbers)}
    for number, tag in enumerate(masked.tags):
        if tag.role == "open" and tag.partner is not None and position[number] > position[tag.partner]:
            return None
    canon = _PLACEHOLDER_OUT.sub(lambda m: PLACEHOLDER.format(_ascii_digits(m.group(1))), translated)
    for number, tag in enumerate(masked.tags):
        mark = re.escape(PLACEHOLDER.format(number))
        if tag.role == "open":
            canon = re.sub(
                rf"(\S?)({mark})\s+",
                lambda m: m.group(1) + (" " if _LETTER.match(m.group(1)) else "") + m.group(2),
                canon,
            )
        elif tag.role == "close":
            canon = re.sub(
                rf"\s+({mark})(\S?)",
                lambda m: m.group(1) + (" " + m.group(2) if _LETTER.match(m.group(2)) else m.group(2)),
                canon,
            )
    return re.sub(r"⟦(\d+)⟧", lambda m: masked.tags[int(m.group(1))].source, canon)


# --------------------------------------------------------------------------- sentences

_SENTENCE_END = re.compile(r"""(?<=[.!?…۔؟])["'”’)\]]*(?P<gap>\s+)(?=["'“‘(\[]?[^\s\W_a-z]|⟦)""")
_ABBREVIATION = re.compile(
    r"(?:^|\s)(?:Mr|Mrs|Ms|Dr|Prof|St|Gen|Col|Lt|Sgt|Capt|Rev|Jr|Sr|No|vs|etc|[A-Z])\.$"
)


def split_simple(text: str) -> list[str]:
    """Sentences of ``text`` by punctuation: the fallback when a package has no splitter.

    A full stop after a common title (Mr., Dr.) or a single initial does not end a sentence.
    """
    sentences, start = [], 0
    for found in _SENTENCE_END.finditer(text):
        if _ABBREVIATION.search(text[start : found.start("gap")]):
            continue
        sentences.append(text[start : found.start("gap")])
        start = found.end("gap")
    sentences.append(text[start:])
    return [s.strip() for s in sentences if s.strip()]


class SentenceSplitter:
    """Splits text into sentences the way the package expects (MiniSBD when shipped)."""

    def __init__(self, onnx_path: Path | None, *, threads: int = 1) -> None:
        self._detector: Any = None
        if onnx_path is not None:
            from minisbd import SBDetect

            self._detector = SBDetect(str(onnx_path), use_gpu=False, max_threads=threads)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of each sentence in ``text``; gaps between them are whitespace."""
        pieces = self._detector.sentences(text) if self._detector is not None else split_simple(text)
        spans, cursor = [], 0
        for piece in pieces:
            piece = piece.strip()
            if not piece:
                continue
            start = text.find(piece, cursor)
            if start < 0:  # the splitter normalised something: do not trust it here
                return [] if self._detector is None else self._fallback(text)
            spans.append((start, start + len(piece)))
            cursor = start + len(piece)
        return spans

    def _fallback(self, text: str) -> list[tuple[int, int]]:
        detector, self._detector = self._detector, None
        try:
            return self.spans(text)
        finally:
            self._detector = detector


# --------------------------------------------------------------------------- decoding


@dataclass(frozen=True, slots=True)
class Unit:
    """One sentence to decode, with an optional forced start of the translation."""

    text: str
    prefix: str = ""


class Decoder:
    """A package's CTranslate2 model and SentencePiece model, batched decoding."""

    def __init__(self, package: InstalledPackage, settings: TranslateSettings, *, beam_size: int) -> None:
        import ctranslate2
        import sentencepiece

        self.package = package
        self.beam_size = beam_size
        self.max_batch_tokens = settings.max_batch_tokens
        self.max_length_factor = settings.max_length_factor
        self.translator = ctranslate2.Translator(
            str(package.model_dir),
            device="cpu",
            compute_type=settings.compute_type,
            inter_threads=settings.inter_threads,
            intra_threads=settings.intra_threads,
        )
        self.processor = sentencepiece.SentencePieceProcessor(model_file=str(package.sentencepiece_path))
        self.splitter = SentenceSplitter(package.splitter_path)
        self.options = json.dumps(
            {
                "beam": beam_size,
                "compute": settings.compute_type,
                "prefix": package.target_prefix,
                "length": settings.max_length_factor,
            },
            sort_keys=True,
        )

    def encode(self, text: str) -> list[str]:
        pieces: list[str] = self.processor.encode(text, out_type=str)
        return pieces

    def translate(self, units: Sequence[Unit], tokens: Sequence[list[str]]) -> list[tuple[str, bool]]:
        """Translate one batch with one ``translate_batch`` call: (text, cut short) per unit.

        Decoding stops at ``max_length_factor`` times the longest source plus 16
        tokens (at most 256): a real translation ends long before, and a runaway
        hypothesis costs no more than that. A hypothesis that reached the cap is
        reported as cut short.
        """
        package_prefix = [self.package.target_prefix] if self.package.target_prefix else []
        prefixes = [package_prefix + (self.encode(u.prefix) if u.prefix else []) for u in units]
        longest = max(len(t) for t in tokens)
        cap = min(256, math.ceil(self.max_length_factor * longest) + 16 + max(len(p) for p in prefixes))
        results = self.translator.translate_batch(
            list(tokens),
            target_prefix=prefixes if any(prefixes) else None,
            beam_size=self.beam_size,
            max_batch_size=self.max_batch_tokens,
            batch_type="tokens",
            max_decoding_length=cap,
            replace_unknowns=True,
        )
        outputs = []
        for result in results:
            hypothesis = list(result.hypotheses[0])
            cut = len(hypothesis) >= cap
            if package_prefix and hypothesis[: len(package_prefix)] == package_prefix:
                hypothesis = hypothesis[len(package_prefix) :]
            text = self.processor.decode_pieces(hypothesis)
            if self.package.target_prefix:  # a prefix leaked as text (sin_Sinh)
                text = text.removeprefix(self.package.target_prefix).lstrip()
            outputs.append((text.strip(), cut))
        return outputs


class DraftCache:
    """Decoded sentences by (package, version, options, source, prefix): sqlite, append-safe."""

    def __init__(self, path: Path | None) -> None:
        self._db: sqlite3.Connection | None = None
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, timeout=30)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS drafts "
                "(key TEXT PRIMARY KEY, output TEXT NOT NULL, cut INTEGER NOT NULL)"
            )
            self._db.commit()

    @staticmethod
    def key(decoder: Decoder, unit: Unit) -> str:
        raw = json.dumps(
            [decoder.package.name, decoder.package.version, decoder.options, unit.text, unit.prefix]
        )
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()

    def get_many(self, keys: Sequence[str]) -> dict[str, tuple[str, bool]]:
        if self._db is None or not keys:
            return {}
        found: dict[str, tuple[str, bool]] = {}
        for start in range(0, len(keys), 500):
            chunk = list(keys[start : start + 500])
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(f"SELECT key, output, cut FROM drafts WHERE key IN ({marks})", chunk)
            found.update({str(k): (str(v), bool(c)) for k, v, c in rows})
        return found

    def put_many(self, items: Mapping[str, tuple[str, bool]]) -> None:
        if self._db is None or not items:
            return
        rows = [(key, text, int(cut)) for key, (text, cut) in items.items()]
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO drafts VALUES (?, ?, ?)", rows)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()


# --------------------------------------------------------------------------- planning


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
    written: list[Path] = field(default_factory=list)
    packages: dict[str, str] = field(default_factory=dict)
    """lang -> ``name version`` of the package used."""
    seconds: float = 0.0
    """Wall time of the whole run."""
    decode_seconds: float = 0.0
    """Time spent inside ``translate_batch``; the rest is this module's overhead."""


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
    from .catalog.conventions import is_fuzzy

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


# --------------------------------------------------------------------------- the run


@dataclass(slots=True)
class _Job:
    """One entry being drafted: its layout of literal text and sentences to decode."""

    path: Path
    entry: Any
    masked: Masked
    layout: list[str | Unit]
    mode: str = "placeholders"
    notes: list[str] = field(default_factory=list)
    repairs: dict[int, Unit] = field(default_factory=dict)
    """Layout index -> repair unit (glossary term forced as target prefix)."""
    repaired_terms: list[tuple[Any, str]] = field(default_factory=list)
    stage: str = "decode"
    done: bool = False


def _layout(text: str, splitter: SentenceSplitter) -> list[str | Unit]:
    """Literal text and sentence units of ``text``, joining back to ``text`` exactly."""
    layout: list[str | Unit] = []
    for number, paragraph in enumerate(text.split("\n")):
        if number:
            layout.append("\n")
        cursor = 0
        for start, end in splitter.spans(paragraph) if paragraph.strip() else []:
            layout.append(paragraph[cursor:start])
            sentence = paragraph[start:end]
            # Placeholders, numbers and punctuation alone need no model.
            if _LETTER.search(_PLACEHOLDER_OUT.sub("", sentence)):
                layout.append(Unit(sentence))
            else:
                layout.append(sentence)
            cursor = end
        layout.append(paragraph[cursor:])
    return [part for part in layout if part != ""]


def _runs_layout(masked: Masked, splitter: SentenceSplitter) -> list[str | Unit]:
    """Layout translating each text run between markup on its own (always restorable)."""
    layout: list[str | Unit] = []
    for part in masked.parts:
        if isinstance(part, int):
            layout.append(masked.tags[part].source)
        else:
            layout.extend(_layout(part, splitter))
    return layout


def _render(layout: Sequence[str | Unit], results: Mapping[Unit, str], repairs: Mapping[int, Unit]) -> str:
    out = []
    for index, part in enumerate(layout):
        if isinstance(part, Unit):
            out.append(results[repairs.get(index, part)])
        else:
            out.append(part)
    return "".join(out)


def _needed(job: _Job) -> list[Unit]:
    units = [p for p in job.layout if isinstance(p, Unit)]
    return [*units, *job.repairs.values()]


def _substitute(text: str, forms: Iterable[str], canonical: str) -> tuple[str, bool]:
    changed = False
    for form in sorted({f for f in forms if f}, key=len, reverse=True):
        pattern = re.compile(rf"(?<!\w){re.escape(form)}(?:['’]s|s)?(?!\w)", re.IGNORECASE)
        text, count = pattern.subn(canonical, text)
        changed = changed or count > 0
    return text, changed


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
) -> DraftReport:
    """Fill the empty entries of the selected catalogs with machine drafts.

    Human work is never touched: only empty entries, and with ``refresh_drafts`` the
    entries whose msgstr is still exactly what the engine wrote, are (re)drafted.
    ``ModelMissingError`` (with the installing command) when a language that has
    work to do has no usable package. ``progress`` is called after every batch.
    """
    from .catalog.conventions import is_machine_draft
    from .catalog.io import read_catalog

    started = time.perf_counter()
    settings = read_settings(project)
    beam = beam_size if beam_size is not None else settings.beam_size
    if beam < 1:
        raise WorkflowError(f"beam size must be at least 1, not {beam}", hint="pass --beam-size 4")
    if glossary is None and project.glossary_path.exists():
        from .glossary import read_glossary

        scripts = {code: language.script for code, language in project.languages.items()}
        glossary = read_glossary(project.glossary_path, scripts=scripts)
    report = DraftReport()
    date = _draft_date()
    cache = DraftCache(project.root / CACHE_PATH if settings.cache and not dry_run else None)
    try:
        for language in project.target_languages(list(langs) if langs else None):
            lang = language.code
            paths = _catalog_paths(project, lang, slugs)
            folder = project.translations_dir / lang
            every = sorted(folder.glob("*.po")) if folder.is_dir() else []
            catalogs = {path: read_catalog(path) for path in sorted(set(every) | set(paths))}
            memory = _memory(catalogs)
            todo: list[tuple[Path, Any]] = []
            reused: set[Path] = set()
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
                        from .catalog.conventions import mark_memory_match

                        entry.msgstr = reuse[0][0]
                        mark_memory_match(entry, origin)
                        reused.add(path)
                        report.memory += 1
                    else:
                        todo.append((path, entry))
            if dry_run:
                continue
            # A missing model fails the language before anything is written.
            package = select_package(settings, lang) if todo else None
            _save(catalogs, reused, report)
            if package is not None:
                report.packages[lang] = f"{package.name} {package.version}"
                _draft_language(
                    lang,
                    package,
                    settings,
                    beam,
                    todo,
                    catalogs,
                    glossary,
                    cache,
                    date,
                    report,
                    progress,
                )
    finally:
        cache.close()
    report.seconds = time.perf_counter() - started
    return report


def _save(catalogs: Mapping[Path, Any], paths: Iterable[Path], report: DraftReport) -> None:
    from .catalog.io import write_catalogs

    items = [(path, catalogs[path]) for path in sorted(set(paths))]
    if not items:
        return
    for (path, _), written in zip(items, write_catalogs(items), strict=True):
        if written and path not in report.written:
            report.written.append(path)


def _draft_language(
    lang: str,
    package: InstalledPackage,
    settings: TranslateSettings,
    beam: int,
    todo: Sequence[tuple[Path, Any]],
    catalogs: Mapping[Path, Any],
    glossary: Glossary | None,
    cache: DraftCache,
    date: str,
    report: DraftReport,
    progress: Callable[[Progress], None] | None,
) -> None:
    from .catalog.conventions import mark_draft

    decoder = Decoder(package, settings, beam_size=beam)
    jobs = []
    for path, entry in todo:
        masked = mask_markup(entry.msgid)
        jobs.append(
            _Job(path=path, entry=entry, masked=masked, layout=_layout(masked.text, decoder.splitter))
        )
    results: dict[Unit, str] = {}
    truncated: set[Unit] = set()
    done_entries = 0
    sentences_done = 0

    def advance(job: _Job) -> None:
        """Move a job whose sentences are all decoded one step on; may ask for more."""
        nonlocal done_entries
        draft = _render(job.layout, results, {})
        if job.mode == "placeholders":
            restored = unmask_markup(draft, job.masked)
            if restored is None:
                job.mode = "runs"
                job.layout = _runs_layout(job.masked, decoder.splitter)
                job.notes.append(
                    "markup: the model lost placeholders; text between markup translated "
                    "separately, check word order"
                )
                report.markup_flagged += 1
                return
            draft = restored
        if glossary is not None and job.stage == "decode":
            job.stage = "verify"
            job.repairs = _glossary_repairs(job, lang, glossary, draft)
            if job.repairs:
                return
        if glossary is not None:
            repaired = None
            if job.repairs:
                repaired = _render(job.layout, results, job.repairs)
                if job.mode == "placeholders":
                    repaired = unmask_markup(repaired, job.masked)
            draft = _finish_glossary(job, lang, glossary, draft, repaired, report)
        if any(unit in truncated for unit in _needed(job)):
            job.notes.append("length: decoding reached the length cap; the draft may be cut short")
        job.entry.msgstr = draft
        mark_draft(
            job.entry,
            engine=package.engine,
            package=package.name,
            version=package.version,
            date=date,
            notes=job.notes,
        )
        job.done = True
        done_entries += 1
        report.drafted += 1

    total_sentences = len({u for job in jobs for u in _needed(job)})
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
        wanted = list(dict.fromkeys(u for job in waiting for u in _needed(job) if u not in results))
        if wanted:
            keys = {unit: DraftCache.key(decoder, unit) for unit in wanted}
            hits = cache.get_many(list(keys.values()))
            for unit, key in keys.items():
                if key in hits:
                    results[unit], cut = hits[key]
                    if cut:
                        truncated.add(unit)
                    report.cached += 1
                    sentences_done += 1
            wanted = [unit for unit in wanted if unit not in results]
        batches = _batches(wanted, decoder) or [[]]
        total_sentences = max(total_sentences, sentences_done + len(wanted))
        for batch in batches:
            if batch:
                decode_started = time.perf_counter()
                outputs = decoder.translate([u for u, _ in batch], [t for _, t in batch])
                report.decode_seconds += time.perf_counter() - decode_started
                fresh = dict(zip([u for u, _ in batch], outputs, strict=True))
                for unit, (text, cut) in fresh.items():
                    results[unit] = text
                    if cut:
                        truncated.add(unit)
                cache.put_many({DraftCache.key(decoder, u): value for u, value in fresh.items()})
                report.decoded += len(batch)
                report.batches += 1
                sentences_done += len(batch)
            changed: set[Path] = set()
            for job in jobs:
                if not job.done and all(u in results for u in _needed(job)):
                    advance(job)
                    if job.done:
                        changed.add(job.path)
            _save(catalogs, changed, report)
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


def _batches(units: Sequence[Unit], decoder: Decoder) -> list[list[tuple[Unit, list[str]]]]:
    """Units with their tokens, sorted by length, cut into batches of ``max_batch_tokens``."""
    encoded = sorted(
        ((unit, decoder.encode(unit.text)) for unit in units), key=lambda p: (len(p[1]), p[0].text)
    )
    batches: list[list[tuple[Unit, list[str]]]] = []
    tokens = decoder.max_batch_tokens
    for unit, pieces in encoded:
        if tokens + len(pieces) > decoder.max_batch_tokens:
            batches.append([])
            tokens = 0
        batches[-1].append((unit, pieces))
        tokens += len(pieces)
    return batches


def _missing_terms(lang: str, glossary: Glossary, source: str, draft: str) -> list[tuple[Any, bool]]:
    return [
        (term, full)
        for term, full in glossary.source_terms(source)
        if term.canonical(lang) and not glossary.target_contains(lang, draft, term)
    ]


def _glossary_repairs(job: _Job, lang: str, glossary: Glossary, draft: str) -> dict[int, Unit]:
    """Re-decode requests: the sentence holding a missing term, its spelling forced first."""
    repairs: dict[int, Unit] = {}
    for term, _ in _missing_terms(lang, glossary, job.entry.msgid, draft):
        canonical = term.canonical(lang)
        assert canonical is not None
        for index, part in enumerate(job.layout):
            if (
                isinstance(part, Unit)
                and index not in repairs
                and glossary.source_terms(part.text)
                and any(t is term for t, _ in glossary.source_terms(part.text))
            ):
                repairs[index] = Unit(part.text, prefix=canonical)
                job.repaired_terms.append((term, canonical))
                break
    return repairs


def _finish_glossary(
    job: _Job, lang: str, glossary: Glossary, draft: str, repaired: str | None, report: DraftReport
) -> str:
    """Keep a prefix repair that worked; substitute or report the terms still missing.

    A repaired draft is used only when it restores the markup and holds more of the
    glossary than the plain one.
    """
    source = job.entry.msgid
    if repaired is not None and len(_missing_terms(lang, glossary, source, repaired)) < len(
        _missing_terms(lang, glossary, source, draft)
    ):
        missing = {id(term) for term, _ in _missing_terms(lang, glossary, source, repaired)}
        for term, canonical in job.repaired_terms:
            if id(term) not in missing:
                job.notes.append(f"glossary: enforced {term.english} = {canonical} (target prefix)")
                report.glossary_enforced += 1
        draft = repaired
    for term, _ in _missing_terms(lang, glossary, source, draft):
        canonical = term.canonical(lang)
        assert canonical is not None
        draft, changed = _substitute(draft, glossary.english_forms(term), canonical)
        if changed and glossary.target_contains(lang, draft, term):
            job.notes.append(f"glossary: enforced {term.english} = {canonical} (substituted)")
            report.glossary_enforced += 1
        else:
            job.notes.append(f"glossary: could not enforce {term.english} = {canonical}")
            report.glossary_failed += 1
    return draft
