"""Catalog stage: segments <-> gettext PO files.

Input: source articles (through ``source`` and ``segment``) and the existing catalogs.
Output: ``translations/templates/<slug>.pot`` and ``translations/<lang>/<slug>.po``,
updated with GNU ``msgmerge`` semantics and written in the exact form GNU ``msgcat``
gives them, plus the conventions every later stage reads from entries (machine
drafts, memory matches, unreviewed drafts, ``noqa`` comments) and statistics.

polib's ``POFile``/``POEntry`` is the model; this module is the only place that knows
what our comments and flags mean.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import polib

from .. import __version__
from ..errors import CatalogError, SourceError
from ..fsio import atomic_write, read_text
from ..languages import Language
from ..model import Segment
from ..project import Project

SIMILARITY_THRESHOLD = 0.6
"""Minimum similarity (2·LCS / total length, GNU fstrcmp's measure) for a fuzzy match."""

FUZZY = "fuzzy"
MACHINE_DRAFT = "machine-draft:"
MACHINE_DRAFT_NOTE = "machine-draft-note:"
MEMORY_MATCH = "memory-match:"
UNREVIEWED = "unreviewed draft: not yet checked by a native editor"
NOQA = "noqa:"
GLOSSARY_NOTE = "glossary: "

STATE_PATH = Path(".cache") / "pressroom" / "extract-state.json"
"""Where extract remembers content hashes of what it last saw, under the project root."""

_DATE_FIELDS = ("POT-Creation-Date", "PO-Revision-Date")
_HEADER_ORDER = (
    "Project-Id-Version",
    "Report-Msgid-Bugs-To",
    "POT-Creation-Date",
    "PO-Revision-Date",
    "Last-Translator",
    "Language-Team",
    "Language",
    "MIME-Version",
    "Content-Type",
    "Content-Transfer-Encoding",
    "Plural-Forms",
    "X-Generator",
)
_STATE_FORMAT = 1


class Glossary(Protocol):
    """What extract needs from ``pressroom.glossary.Glossary``."""

    def notes(self, lang: str, text: str) -> list[str]: ...


# --------------------------------------------------------------------------- reading


_STRING = r'"(?:[^"\\]|\\.)*"'
_KEYWORD_LINE = re.compile(r"(msgctxt|msgid|msgid_plural|msgstr|msgstr\[\d+\])\s*(" + _STRING + r")?\s*$")
_CONTINUATION = re.compile(_STRING + r"\s*$")
_WORD = re.compile(r"[A-Za-z_\[\]0-9]+")


def _check_syntax(text: str, path: Path) -> None:
    """Report the first lexical error GNU's parser would report, with its line.

    polib is lenient (it silently cuts an unterminated string, for instance), so the
    lines are checked here first; the structure is left to polib.
    """
    pending_msgid: int | None = None
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        obsolete = False  # obsolete and previous lines are checked lexically only
        if line.startswith("#~"):
            line = line[2:].lstrip().removeprefix("|").lstrip()
            obsolete = True
        elif line.startswith("#|"):
            line = line[2:].lstrip()
            obsolete = True
        elif line.startswith("#") or not line:
            continue
        if not line:
            continue
        if line.startswith('"'):
            if not _CONTINUATION.match(line):
                _string_error(line, path, number)
            continue
        match = _KEYWORD_LINE.match(line)
        if match is None:
            word = _WORD.match(line)
            if word is not None and word.group(0) in {"msgctxt", "msgid", "msgid_plural", "msgstr"}:
                _string_error(line[word.end() :].strip(), path, number)
            if word is not None and word.group(0).startswith(("msgstr[",)):
                _string_error(line[word.end() :].strip(), path, number)
            name = (word.group(0) if word else line.split()[0]) if line else line
            raise CatalogError(
                f"keyword {name!r} unknown",
                path=path,
                line=number,
                hint="PO lines start with #, msgctxt, msgid, msgstr or a quoted string",
            )
        if match.group(2) is None:
            raise CatalogError(
                f"{match.group(1)} without a quoted string",
                path=path,
                line=number,
                hint='write the text in double quotes, e.g. msgstr ""',
            )
        if obsolete:
            continue
        if match.group(1) == "msgid":
            if pending_msgid is not None:
                raise CatalogError(
                    "missing 'msgstr' section",
                    path=path,
                    line=pending_msgid,
                    hint='every msgid needs a msgstr line after it (msgstr "" when untranslated)',
                )
            pending_msgid = number
        elif match.group(1).startswith("msgstr"):
            pending_msgid = None
    if pending_msgid is not None:
        raise CatalogError(
            "missing 'msgstr' section",
            path=path,
            line=pending_msgid,
            hint='every msgid needs a msgstr line after it (msgstr "" when untranslated)',
        )


def _string_error(rest: str, path: Path, number: int) -> None:
    if not rest.startswith('"'):
        raise CatalogError(
            "expected a quoted string",
            path=path,
            line=number,
            hint='write the text in double quotes, e.g. msgstr ""',
        )
    body = rest[1:]
    index = 0
    while index < len(body):
        char = body[index]
        if char == "\\":
            index += 2
            continue
        if char == '"':
            raise CatalogError(
                "unescaped double quote inside a string",
                path=path,
                line=number,
                hint='write \\" for a quotation mark inside a string',
            )
        index += 1
    raise CatalogError(
        "end-of-line within string (unterminated string)",
        path=path,
        line=number,
        hint='close the string with " on the same line; continue long text on a new "..." line',
    )


def read_catalog(path: Path) -> polib.POFile:
    """Read a PO or POT file, raising ``CatalogError`` with ``path:line`` when it is broken.

    The file is never modified. Invalid UTF-8, lexical errors (unterminated strings,
    unknown keywords), structural errors and duplicate message definitions are all
    reported at the line they occur on. polib would read a missing path as PO text;
    here a missing file is an error.
    """
    if not path.is_file():
        raise CatalogError(
            "no such catalog" if not path.exists() else "not a file",
            path=path,
            hint="run `workflow.py extract` to create the catalogs",
        )
    text = read_text(path, error=CatalogError)
    _check_syntax(text, path)
    if not text.endswith("\n"):
        text += "\n"  # also keeps polib from ever taking the text for a file name
    try:
        po = polib.pofile(text, encoding="utf-8", wrapwidth=0)
    except (OSError, ValueError) as exc:
        message = str(exc)
        found = re.search(r"\(line (\d+)\)(?::\s*(.*))?", message)
        line = int(found.group(1)) if found else None
        what = (found.group(2) if found and found.group(2) else "syntax error") if found else message
        raise CatalogError(
            what,
            path=path,
            line=line,
            hint="compare with `msgfmt -c` on the file; fix it in a PO editor",
        ) from exc
    seen: dict[tuple[bool, str | None, str], int] = {}
    for entry in po:
        key = (bool(entry.obsolete), entry.msgctxt, entry.msgid)
        if key in seen:
            raise CatalogError(
                "duplicate message definition",
                path=path,
                line=entry.linenum,
                hint=f"the first definition is at line {seen[key]}; keep one of the two entries",
            )
        seen[key] = entry.linenum
    _restore_obsolete_previous(po, text)
    po.fpath = str(path)
    return po


_PREVIOUS_LINE = re.compile(r'#~\|\s*(msgctxt|msgid)?\s*"(.*)"\s*$')


def _restore_obsolete_previous(po: polib.POFile, text: str) -> None:
    """Attach ``#~| msgid`` lines to obsolete entries: polib 1.2 drops them on reading."""
    if "#~|" not in text:
        return
    obsolete = iter(po.obsolete_entries())
    fields: dict[str, str] = {}
    current: str | None = None
    for line in text.split("\n"):
        stripped = line.strip()
        match = _PREVIOUS_LINE.match(stripped)
        if match is not None:
            if match.group(1) is not None:
                current = match.group(1)
                fields[current] = ""
            if current is not None:
                fields[current] += polib.unescape(match.group(2))
        elif re.match(r"#~\s*msgid\b", stripped):
            entry = next(obsolete, None)
            if entry is not None and fields:
                entry.previous_msgctxt = fields.get("msgctxt", entry.previous_msgctxt)
                entry.previous_msgid = fields.get("msgid", entry.previous_msgid)
            fields, current = {}, None


# --------------------------------------------------------------------------- writing


def _raw_text(po: polib.POFile) -> str:
    """Valid but unwrapped PO text; GNU msgcat gives it its final form."""
    saved, po.wrapwidth = po.wrapwidth, 0
    try:
        return str(po) + "\n"
    finally:
        po.wrapwidth = saved


def format_catalogs(catalogs: Sequence[polib.POFile]) -> list[str]:
    """The exact text GNU ``msgcat`` writes for each catalog, in one msgcat run.

    GNU wraps at 79 columns using Unicode line breaking and column widths; rather
    than imitate it, every catalog goes through msgcat itself. Catalogs are batched
    as separate ``domain`` sections of one input, so a thousand files cost one process.
    """
    if not catalogs:
        return []
    msgcat = shutil.which("msgcat")
    if msgcat is None:
        raise CatalogError(
            "GNU msgcat is not installed; it gives catalogs their canonical form",
            hint="install GNU gettext (apt-get install gettext)",
        )
    parts = []
    for index, po in enumerate(catalogs):
        # msgcat needs the charset to read non-ASCII text; our files are always UTF-8
        po.metadata.setdefault("Content-Type", "text/plain; charset=UTF-8")
        po.metadata.setdefault("Content-Transfer-Encoding", "8bit")
        parts.append(f'domain "d{index}"\n\n{_raw_text(po)}\n')
    result = subprocess.run(
        [msgcat, "-"],
        input="".join(parts).encode("utf-8"),
        capture_output=True,
        check=False,
    )
    if result.returncode != 0:
        raise CatalogError(
            "GNU msgcat rejected a generated catalog: " + result.stderr.decode("utf-8", "replace").strip(),
            hint="this is a bug in pressroom; please report it with the catalog",
        )
    sections: dict[int, list[str]] = {}
    current: list[str] | None = None
    for line in result.stdout.decode("utf-8").split("\n"):
        marker = re.fullmatch(r'domain "d(\d+)"', line)
        if marker is not None:
            current = sections.setdefault(int(marker.group(1)), [])
            continue
        if current is not None:
            current.append(line)
    texts = []
    for index in range(len(catalogs)):
        lines = sections.get(index, [])
        while lines and not lines[0]:
            lines.pop(0)
        while lines and not lines[-1]:
            lines.pop()
        texts.append("\n".join(lines) + "\n")
    return texts


def format_catalog(po: polib.POFile) -> str:
    """The exact text GNU ``msgcat`` writes for ``po``."""
    return format_catalogs([po])[0]


def write_catalogs(items: Sequence[tuple[Path, polib.POFile]]) -> list[bool]:
    """Write several catalogs atomically (one msgcat run); return which were rewritten."""
    texts = format_catalogs([po for _, po in items])
    return [atomic_write(path, text) for (path, _), text in zip(items, texts, strict=True)]


def write_catalog(path: Path, po: polib.POFile) -> bool:
    """Write ``po`` atomically in msgcat's form; an unchanged file is left alone."""
    return write_catalogs([(path, po)])[0]


# --------------------------------------------------------------------------- conventions


def _tcomment_lines(entry: polib.POEntry) -> list[str]:
    return entry.tcomment.split("\n") if entry.tcomment else []


def _set_tcomment_lines(entry: polib.POEntry, lines: Iterable[str]) -> None:
    entry.tcomment = "\n".join(lines)


def _set_fuzzy(entry: polib.POEntry, fuzzy: bool) -> None:
    flags = [flag for flag in entry.flags if flag != FUZZY]
    entry.flags = [FUZZY, *flags] if fuzzy else flags


def is_fuzzy(entry: polib.POEntry) -> bool:
    return FUZZY in entry.flags


def msgstr_sha(msgstr: str) -> str:
    """The 8-hex fingerprint of a translation stored in a machine-draft comment."""
    return hashlib.sha256(msgstr.encode("utf-8")).hexdigest()[:8]


def _without_provenance(lines: Iterable[str]) -> list[str]:
    return [
        line
        for line in lines
        if not line.startswith((MACHINE_DRAFT, MACHINE_DRAFT_NOTE, MEMORY_MATCH)) and line != UNREVIEWED
    ]


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
    _set_fuzzy(entry, True)


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
    _set_fuzzy(entry, True)


def mark_memory_match(entry: polib.POEntry, slug: str) -> None:
    """Flag ``entry`` fuzzy as reused from article ``slug`` (replacing other provenance)."""
    lines = _without_provenance(_tcomment_lines(entry))
    lines.append(f"{MEMORY_MATCH} {slug}")
    _set_tcomment_lines(entry, lines)
    _set_fuzzy(entry, True)


def noqa_codes(entry: polib.POEntry) -> set[str]:
    """Review codes silenced for this entry by ``# noqa: code[, code]`` comments."""
    codes: set[str] = set()
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


# --------------------------------------------------------------------------- statistics


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


def _words(text: str) -> int:
    return len(text.split())


def catalog_stats(project: Project, lang: str, slug: str) -> CatalogStats:
    """Count entries and words by state in ``translations/<lang>/<slug>.po``."""
    path = project.po_path(lang, slug)
    exists = path.exists()
    source = path if exists else project.pot_path(slug)
    counts = dict.fromkeys(
        (
            "entries",
            "words",
            "translated",
            "translated_words",
            "fuzzy",
            "fuzzy_words",
            "machine_draft",
            "memory_match",
            "source_changed",
            "unreviewed",
            "other",
            "untranslated",
            "untranslated_words",
            "obsolete",
        ),
        0,
    )
    if source.exists():
        for entry in read_catalog(source):
            if not entry.msgid:
                continue
            if entry.obsolete:
                counts["obsolete"] += 1
                continue
            words = _words(entry.msgid)
            counts["entries"] += 1
            counts["words"] += words
            reason = fuzzy_reason(entry) if exists else None
            if not exists or not entry.msgstr:
                counts["untranslated"] += 1
                counts["untranslated_words"] += words
            elif reason is not None:
                counts["fuzzy"] += 1
                counts["fuzzy_words"] += words
                counts[reason] += 1
            else:
                counts["translated"] += 1
                counts["translated_words"] += words
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


# --------------------------------------------------------------------------- extract


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


def _now_stamp() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            moment = datetime.datetime.fromtimestamp(int(epoch), tz=datetime.UTC)
        except ValueError as exc:
            raise CatalogError(
                f"SOURCE_DATE_EPOCH={epoch!r} is not a number of seconds",
                hint="unset it or set it to an integer such as $(git log -1 --format=%ct)",
            ) from exc
    else:
        moment = datetime.datetime.now(tz=datetime.UTC)
    return moment.strftime("%Y-%m-%d %H:%M+0000")


def _ordered_metadata(values: dict[str, str]) -> dict[str, str]:
    ordered = {key: values[key] for key in _HEADER_ORDER if key in values}
    ordered.update((key, value) for key, value in values.items() if key not in ordered)
    return ordered


def _signature(po: polib.POFile | None, *, ignore: Iterable[str] = _DATE_FIELDS) -> object:
    """Everything a catalog says except the given header fields, for change detection."""
    if po is None:
        return None
    skip = set(ignore)
    header = tuple((k, v) for k, v in po.metadata.items() if k not in skip)
    entries = tuple(
        (
            e.obsolete,
            e.msgctxt,
            e.msgid,
            e.msgstr,
            e.tcomment,
            e.comment,
            tuple(e.occurrences),
            tuple(e.flags),
            e.previous_msgctxt,
            e.previous_msgid,
        )
        for e in po
    )
    return (po.header, header, entries)


def _normalize_space(text: str) -> str:
    return " ".join(text.split())


def _template_entries(segments: Sequence[Segment], reference: str) -> list[polib.POEntry]:
    """One entry per distinct (msgctxt, msgid), in order of first occurrence."""
    entries: dict[tuple[str | None, str], polib.POEntry] = {}
    kinds: dict[tuple[str | None, str], list[str]] = {}
    counts: dict[tuple[str | None, str], int] = {}
    for segment in segments:
        key = segment.key
        if key not in entries:
            entries[key] = polib.POEntry(
                msgctxt=segment.context, msgid=segment.text, msgstr="", occurrences=[(reference, "")]
            )
            kinds[key] = []
            counts[key] = 0
        counts[key] += 1
        if str(segment.kind) not in kinds[key]:
            kinds[key].append(str(segment.kind))
    for key, entry in entries.items():
        lines = list(kinds[key])
        if counts[key] > 1:
            lines.append(f"appears {counts[key]} times in the article")
        entry.comment = "\n".join(lines)
    return list(entries.values())


@dataclass(slots=True)
class _MergeCounts:
    new: int = 0
    fuzzy: int = 0
    obsolete: int = 0
    revived: int = 0
    pruned: int = 0


def _copy_translator_side(target: polib.POEntry, old: polib.POEntry) -> None:
    target.msgstr = old.msgstr
    target.tcomment = old.tcomment
    target.flags = list(old.flags)
    target.previous_msgctxt = old.previous_msgctxt
    target.previous_msgid = old.previous_msgid


def merge_entries(
    template: Sequence[polib.POEntry],
    old: polib.POFile | None,
    *,
    notes: Callable[[str], list[str]] | None = None,
    prune: bool = False,
) -> tuple[list[polib.POEntry], _MergeCounts]:
    """Update a catalog's entries to a new template, as GNU ``msgmerge --previous`` does.

    Exact (msgctxt, msgid) matches keep everything translator-owned; a whitespace-only
    change keeps the translation as it was; otherwise the most similar translated old
    entry (similarity >= 0.6, same context preferred) lends its translation, marked
    fuzzy with ``#| msgid``; unmatched old entries become obsolete, and obsolete ones
    come back when their text reappears. Extracted comments and references always come
    from the template.
    """
    from rapidfuzz import fuzz, process

    counts = _MergeCounts()
    old_entries = [e for e in old if e.msgid] if old is not None else []
    active = {(e.msgctxt, e.msgid): e for e in old_entries if not e.obsolete}
    obsolete = {(e.msgctxt, e.msgid): e for e in old_entries if e.obsolete}
    by_space: dict[tuple[str | None, str], polib.POEntry] = {}
    for e in old_entries:
        if e.msgstr or e.tcomment:
            by_space.setdefault((e.msgctxt, _normalize_space(e.msgid)), e)
    translated = [e for e in old_entries if e.msgstr]
    used: set[int] = set()
    result: list[polib.POEntry] = []
    for tentry in template:
        key = (tentry.msgctxt, tentry.msgid)
        entry = polib.POEntry(
            msgctxt=tentry.msgctxt,
            msgid=tentry.msgid,
            msgstr="",
            occurrences=list(tentry.occurrences),
            comment=tentry.comment,
        )
        extra = notes(tentry.msgid) if notes is not None else []
        if extra:
            entry.comment = "\n".join([entry.comment, *extra]) if entry.comment else "\n".join(extra)
        match = active.get(key)
        if match is None and key in obsolete:
            match = obsolete[key]
            counts.revived += 1
        if match is None:
            match = by_space.get((tentry.msgctxt, _normalize_space(tentry.msgid)))
        if match is not None:
            _copy_translator_side(entry, match)
            used.add(id(match))
            result.append(entry)
            continue
        candidates = [e for e in translated if e.msgctxt == tentry.msgctxt] or translated
        best = None
        if candidates:
            best = process.extractOne(
                tentry.msgid,
                [e.msgid for e in candidates],
                scorer=fuzz.ratio,
                score_cutoff=SIMILARITY_THRESHOLD * 100,
            )
        if best is not None:
            source = candidates[best[2]]
            _copy_translator_side(entry, source)
            if not (is_fuzzy(source) and source.previous_msgid is not None):
                entry.previous_msgctxt = source.msgctxt
                entry.previous_msgid = source.msgid
            _set_fuzzy(entry, True)
            used.add(id(source))
            counts.fuzzy += 1
        else:
            counts.new += 1
        result.append(entry)
    for e in old_entries:
        if id(e) in used:
            continue
        if not e.obsolete and not (e.msgstr or e.tcomment):
            continue  # nothing a translator wrote would be lost: drop, as msgmerge does
        if prune:
            counts.pruned += 1
            continue
        if not e.obsolete:
            counts.obsolete += 1
        gone = polib.POEntry(msgctxt=e.msgctxt, msgid=e.msgid, obsolete=True)
        _copy_translator_side(gone, e)
        result.append(gone)
    return result, counts


def _template_header(project: Project, stamp: str) -> dict[str, str]:
    return {
        "Project-Id-Version": project.name,
        "POT-Creation-Date": stamp,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "X-Generator": f"pressroom {__version__}",
    }


def _po_header(
    project: Project, language: Language, old: polib.POFile | None, pot_date: str, revision: str
) -> dict[str, str]:
    values = dict(old.metadata) if old is not None else {}
    values.update(
        {
            "Project-Id-Version": project.name,
            "POT-Creation-Date": pot_date,
            "PO-Revision-Date": revision,
            "Language": language.code,
            "MIME-Version": "1.0",
            "Content-Type": "text/plain; charset=UTF-8",
            "Content-Transfer-Encoding": "8bit",
            "Plural-Forms": language.plural_forms,
            "X-Generator": f"pressroom {__version__}",
        }
    )
    values.setdefault("Last-Translator", "")
    values.setdefault("Language-Team", language.name)
    return _ordered_metadata(values)


def _hash_bytes(data: bytes | None) -> str | None:
    return hashlib.blake2b(data, digest_size=16).hexdigest() if data is not None else None


def _read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _load_state(path: Path) -> dict[str, Any]:
    try:
        state = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def _fingerprint(project: Project, languages: Sequence[Language], glossary: Glossary | None) -> str:
    """Everything besides the files that changes extract's output."""
    parts = [
        str(_STATE_FORMAT),
        __version__,
        project.name,
        project.relative(project.source_dir),
        repr([(lang.code, lang.name, lang.plural_forms) for lang in languages]),
        repr(getattr(glossary, "terms", glossary)) if glossary is not None else "",
    ]
    return hashlib.blake2b("\x00".join(parts).encode("utf-8"), digest_size=16).hexdigest()


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
    path: Path
    slug: str
    lang: str | None
    po: polib.POFile
    counts: _MergeCounts


def _iter_article_catalogs(
    project: Project,
    slug: str,
    languages: Sequence[Language],
    glossary: Glossary | None,
    prune: bool,
    stamp: Callable[[], str],
) -> Iterator[_Pending]:
    from ..segment import iter_segments
    from ..source import read_article

    article = read_article(project.source_path(slug))
    reference = project.relative(project.source_path(slug))
    template = _template_entries(iter_segments(article), reference)

    pot_path = project.pot_path(slug)
    old_pot = read_catalog(pot_path) if pot_path.exists() else None
    olds = {}
    for language in languages:
        po_path = project.po_path(language.code, slug)
        olds[language.code] = read_catalog(po_path) if po_path.exists() else None  # fail before writing

    pot = polib.POFile(wrapwidth=0)
    pot.header = f"Translation template for {reference}."
    old_date = old_pot.metadata.get("POT-Creation-Date") if old_pot is not None else None
    pot.metadata = _template_header(project, old_date or stamp())
    for tentry in template:
        pot.append(tentry)
    if old_date is not None and _signature(pot) != _signature(old_pot):
        pot.metadata["POT-Creation-Date"] = stamp()
    pot_date = pot.metadata["POT-Creation-Date"]
    old_keys = {(e.msgctxt, e.msgid) for e in old_pot} if old_pot is not None else set()
    added = sum(1 for e in template if (e.msgctxt, e.msgid) not in old_keys)
    yield _Pending(pot_path, slug, None, pot, _MergeCounts(new=added))

    for language in languages:
        old = olds[language.code]
        notes = None
        if glossary is not None:
            notes = _notes_for(glossary, language.code)
        entries, counts = merge_entries(template, old, notes=notes, prune=prune)
        po = polib.POFile(wrapwidth=0)
        po.header = old.header if old is not None else f"{language.name} translation of {reference}."
        revision = old.metadata.get("PO-Revision-Date") if old is not None else None
        po.metadata = _po_header(project, language, old, pot_date, revision or stamp())
        for entry in entries:
            po.append(entry)
        if revision is not None and _signature(po) != _signature(old):
            po.metadata["PO-Revision-Date"] = stamp()
        yield _Pending(project.po_path(language.code, slug), slug, language.code, po, counts)


def _notes_for(glossary: Glossary, code: str) -> Callable[[str], list[str]]:
    def notes(text: str) -> list[str]:
        return list(glossary.notes(code, text))

    return notes


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
    ``force`` ignores that state. Every catalog of an article is read (and any broken
    one reported) before any of them is written. ``prune`` drops obsolete entries.
    """
    languages = project.target_languages()
    chosen = _select_slugs(project, slugs)
    state_path = project.root / STATE_PATH
    state = {} if force else _load_state(state_path)
    fingerprint = _fingerprint(project, languages, glossary)
    known: dict[str, Any] = state.get("articles", {}) if state.get("fingerprint") == fingerprint else {}
    new_state: dict[str, Any] = dict(known)
    stamp_cache: list[str] = []

    def stamp() -> str:
        if not stamp_cache:
            stamp_cache.append(_now_stamp())
        return stamp_cache[0]

    def file_hashes(slug: str) -> dict[str, str | None]:
        hashes = {"source": _hash_bytes(_read_bytes(project.source_path(slug)))}
        hashes["pot"] = _hash_bytes(_read_bytes(project.pot_path(slug)))
        for language in languages:
            hashes[language.code] = _hash_bytes(_read_bytes(project.po_path(language.code, slug)))
        return hashes

    pending: list[_Pending] = []
    skipped = 0
    touched: list[str] = []
    for slug in chosen:
        hashes = file_hashes(slug)
        remembered = known.get(slug)
        if (
            remembered is not None
            and remembered.get("hashes") == hashes
            and not (prune and remembered.get("obsolete", 0))
        ):
            skipped += 1
            continue
        pending.extend(_iter_article_catalogs(project, slug, languages, glossary, prune, stamp))
        touched.append(slug)

    written = write_catalogs([(item.path, item.po) for item in pending])
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
    obsolete_left: dict[str, int] = {}
    for item in pending:
        if item.lang is not None:
            obsolete_left[item.slug] = obsolete_left.get(item.slug, 0) + len(item.po.obsolete_entries())
    for slug in touched:
        new_state[slug] = {"hashes": file_hashes(slug), "obsolete": obsolete_left.get(slug, 0)}
    payload = json.dumps(
        {"format": _STATE_FORMAT, "fingerprint": fingerprint, "articles": new_state},
        sort_keys=True,
        indent=0,
    )
    atomic_write(state_path, payload + "\n")
    return ExtractReport(changes=changes, skipped=skipped)
