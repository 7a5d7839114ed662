"""Catalog files: reading PO/POT text into polib's model and writing it back canonically.

Input: ``translations/templates/<slug>.pot`` and ``translations/<lang>/<slug>.po``.
Output: ``polib.POFile`` objects (``read_catalog``), or files written atomically in the
exact form GNU ``msgcat`` gives them (``write_catalog``), so that a catalog read and
written unchanged is the same bytes. Broken files raise ``CatalogError`` with
``path:line``, as GNU's parser reports them.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polib

from ..errors import CatalogError
from ..fsio import atomic_write, read_text
from .syntax import check_syntax

# --------------------------------------------------------------------------- reading


def read_catalog(path: Path) -> polib.POFile:
    """Read a PO or POT file, raising ``CatalogError`` with ``path:line`` when it is broken.

    The one PO reader of the workflow. Catalogs this workflow writes are
    msgcat-canonical, and a strict reader of that form (:func:`_read_canonical`) gives
    them the entries polib would give at a fraction of polib's cost (reading was a
    third of a review's time). Whatever it does not recognise, including every broken
    file, takes the general path (:func:`_read_general`): GNU's lexical checks, polib,
    duplicate checks. Both paths give the same ``POFile``; ``tests/test_catalog_io.py``
    holds them to each other, to polib and to GNU ``msgfmt``.

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
    po = _read_canonical(text)
    if po is None:
        po = _read_general(text, path)
    po.fpath = str(path)
    return po


# The fast path reads the subset of the PO grammar GNU msgcat writes: entries apart by
# one blank line; comments before keywords; each keyword once, in order; strings
# without stray spaces. Within it, it does what polib does line for line (including
# polib's quirks, such as dropping leading empty comment lines). Anything outside it
# raises _NotCanonical, and the general path decides.

_LINE_BREAKS = ("\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")
"""Where ``str.splitlines()``, and so polib, breaks lines besides ``\\n``."""
_QUOTED = r'"([^"\\]*(?:\\.[^"\\]*)*)"'  # an "unrolled loop": fast in sre
_KEYWORD = re.compile(r"(msgctxt|msgid|msgid_plural|msgstr|msgstr\[([0-9])\]) " + _QUOTED)
_QUOTED_LINE = re.compile(_QUOTED)
_PREVIOUS = re.compile(r"(?:(msgctxt|msgid|msgid_plural) )?" + _QUOTED)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "v": "\v", "b": "\b", "f": "\f", '"': '"', "\\": "\\"}
_ESCAPE = re.compile(r"\\(.)")
_FOLLOWS = {
    "msgctxt": (None,),
    "msgid": (None, "msgctxt"),
    "msgid_plural": ("msgid",),
    "msgstr": ("msgid",),
    "msgstr[]": ("msgid_plural", "msgstr[]"),
}
"""The keyword each keyword may follow in an entry (None: the first keyword)."""


class _NotCanonical(Exception):
    """Outside the fast path's subset: the general path decides."""


def _unescape(text: str) -> str:
    """polib's unescaping, for the escapes GNU writes; others are left to the general path."""
    if "\\" not in text:
        return text

    def replace(found: re.Match[str]) -> str:
        try:
            return _ESCAPES[found.group(1)]
        except KeyError:
            raise _NotCanonical(found.group(0)) from None

    return _ESCAPE.sub(replace, text)


def _read_canonical(text: str) -> polib.POFile | None:
    """The catalog of msgcat-canonical ``text``, or None when it is anything else."""
    if not text.endswith("\n") or any(mark in text for mark in _LINE_BREAKS):
        return None
    try:
        blocks = text[:-1].split("\n\n")
        po = polib.POFile(encoding="utf-8", wrapwidth=0)
        _read_header(po, blocks[0])
        number = blocks[0].count("\n") + 3
        seen = set()
        for block in blocks[1:]:
            entry = _parse_entry(block, number)
            key = (entry.obsolete, entry.msgctxt, entry.msgid)
            if not entry.msgid or key in seen:
                return None  # polib would take it for the header; GNU reports the duplicate
            seen.add(key)
            po.append(entry)
            number += block.count("\n") + 2
    except _NotCanonical:
        return None
    return po


def _read_header(po: polib.POFile, block: str) -> None:
    """Header comments, fuzzy flag and metadata from the first block, as polib reads them."""
    lines = block.split("\n")
    index = 0
    while index < len(lines) and (lines[index] == "#" or lines[index].startswith("# ")):
        po.header = f"{po.header}\n{lines[index][2:]}" if po.header else lines[index][2:]
        index += 1
    entry = _parse_entry("\n".join(lines[index:]), index + 1)
    if entry.msgid or entry.msgctxt is not None or entry.obsolete or entry.msgid_plural or entry.tcomment:
        raise _NotCanonical("no header entry")
    previous = (entry.previous_msgctxt, entry.previous_msgid, entry.previous_msgid_plural)
    if entry.comment or entry.occurrences or previous != (None, None, None):
        raise _NotCanonical("header entry with comments or previous message")
    po.metadata_is_fuzzy = entry.flags
    key = None
    for line in entry.msgstr.splitlines():
        if ":" in line:
            key, value = line.split(":", 1)
            po.metadata[key] = value.strip()
        elif key is not None:
            po.metadata[key] += "\n" + line.strip()


@dataclass(slots=True)
class _Comments:
    """The comment lines of one entry, as polib reads them."""

    tcomment: str = ""
    comment: str = ""
    occurrences: list[tuple[str, str]] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    previous: dict[str, str] = field(default_factory=dict)
    previous_marker: str = ""
    """``#|`` or ``#~|`` once previous-message lines were seen."""
    continues: bool = False
    """Whether the line before was a previous-message line (a ``#| "..."`` may follow)."""

    def read(self, line: str) -> None:
        continues, self.continues = self.continues, False
        if line == "#" or line[:2] == "# ":  # polib drops leading empty lines: "a" + "\n" only after text
            self.tcomment = f"{self.tcomment}\n{line[2:]}" if self.tcomment else line[2:]
        elif line[:3] == "#. ":
            self.comment = f"{self.comment}\n{line[3:]}" if self.comment else line[3:]
        elif line[:3] == "#: ":
            for reference in line[3:].split():
                where, colon, number = reference.rpartition(":")
                self.occurrences.append((where, number) if colon and number.isdigit() else (reference, ""))
        elif line[:3] == "#, ":
            self.flags += [flag.strip() for flag in line[3:].split(",")]
        elif line[:3] == "#| " or line[:4] == "#~| ":
            self._read_previous(line, continues)
        else:
            raise _NotCanonical(line)

    def _read_previous(self, line: str, continues: bool) -> None:
        marker, rest = line.split(" ", 1)
        found = _PREVIOUS.fullmatch(rest)
        if found is None or marker != (self.previous_marker or marker):
            raise _NotCanonical(line)
        self.previous_marker = marker
        self.continues = True
        keyword, value = found.groups()
        if keyword is None:
            if not continues:
                raise _NotCanonical(line)
            keyword = next(reversed(self.previous))
            self.previous[keyword] += _unescape(value)
        elif keyword in self.previous or (marker == "#~|" and keyword == "msgid_plural"):
            raise _NotCanonical(line)  # the general path ignores #~| msgid_plural
        else:
            self.previous[keyword] = _unescape(value)


def _parse_entry(block: str, start: int) -> polib.POEntry:
    """One entry (a block without blank lines) starting at line ``start``, as polib reads it."""
    lines = block.split("\n")
    comments = _Comments()
    index = 0
    obsolete = 1 if block.startswith("#~ ") or "\n#~ " in block else 0
    for line in lines:
        if line[:1] != "#" or (obsolete and line[:3] == "#~ "):
            break
        if line[-1].isspace():
            raise _NotCanonical(line)
        comments.read(line)
        index += 1
    # polib skips #~| lines: the entry starts after them
    linenum = start + next((number for number, line in enumerate(lines) if line[:3] != "#~|"), 0)
    values: dict[str | int, str] = {}
    last: str | None = None
    current: str | int = ""
    for line in lines[index:]:
        if obsolete:
            if line[:3] != "#~ ":
                raise _NotCanonical("obsolete and live lines in one entry")
            line = line[3:]
        if line[:1] == '"':
            found = _QUOTED_LINE.fullmatch(line)
            if found is None or last is None:
                raise _NotCanonical(line)
            value = found.group(1)
            values[current] += _unescape(value) if "\\" in value else value
            continue
        found = _KEYWORD.fullmatch(line)
        if found is None:
            raise _NotCanonical(line)
        keyword, plural_index, value = found.groups()
        if plural_index is not None:
            keyword = "msgstr[]"
            current = int(plural_index)
        else:
            current = keyword
        if last not in _FOLLOWS[keyword] or current in values:
            raise _NotCanonical(line)
        last = keyword
        values[current] = _unescape(value) if "\\" in value else value
    if last not in ("msgstr", "msgstr[]"):
        raise _NotCanonical("entry without msgstr")
    if comments.previous_marker not in ("", "#~|" if obsolete else "#|"):
        raise _NotCanonical("#| lines on an obsolete entry, or #~| lines on a live one")
    plural = {key: text for key, text in values.items() if isinstance(key, int)} if last == "msgstr[]" else {}
    return polib.POEntry(
        msgid=values["msgid"],
        msgstr=values.get("msgstr", ""),
        msgid_plural=values.get("msgid_plural", ""),
        msgstr_plural=plural,
        msgctxt=values.get("msgctxt"),
        obsolete=obsolete,
        comment=comments.comment,
        tcomment=comments.tcomment,
        occurrences=comments.occurrences,
        flags=comments.flags,
        previous_msgctxt=comments.previous.get("msgctxt"),
        previous_msgid=comments.previous.get("msgid"),
        previous_msgid_plural=comments.previous.get("msgid_plural"),
        linenum=linenum,
    )


def _read_general(text: str, path: Path) -> polib.POFile:
    """Any PO text polib reads, checked first as GNU's parser would check it."""
    check_syntax(text, path)
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
