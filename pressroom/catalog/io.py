"""Catalog files: reading PO/POT text into polib's model and writing it back canonically.

Input: ``translations/templates/<slug>.pot`` and ``translations/<lang>/<slug>.po``.
Output: ``polib.POFile`` objects (``read_catalog``), or files written atomically in the
exact form GNU ``msgcat`` gives them (``write_catalog``), so that a catalog read and
written unchanged is the same bytes, whichever tool wrote it: its charset
(:mod:`~pressroom.catalog.charset`), header field order, header comments and unknown
fields are kept. Broken files raise ``CatalogError`` with ``path:line``, as GNU's
parser reports them.
"""

from __future__ import annotations

import codecs
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polib

from ..errors import CatalogError
from ..fsio import atomic_write, read_bytes
from .charset import UTF8, decode_catalog, encode_catalog, same_charset, text_charset
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

    The file is never modified. It is decoded in the charset its header declares; a
    declaration the bytes contradict, bytes invalid in it, NUL bytes, lexical errors
    (unterminated strings, unknown keywords, invalid escapes such as ``\\q``),
    structural errors and duplicate message definitions (an obsolete entry repeating a
    live one included, as for GNU) are all reported at the line they occur on. polib
    would read a missing path as PO text; here a missing file is an error. A catalog
    without a header entry keeps the translator comment of its first entry on that
    entry (polib would take it for the file's header comment).
    """
    if not path.is_file():
        raise CatalogError(
            "no such catalog" if not path.exists() else "not a file",
            path=path,
            hint="run `workflow.py extract` to create the catalogs",
        )
    text = decode_catalog(read_bytes(path, error=CatalogError), path)
    po = _read_canonical(text)
    if po is None:
        po = _read_general(text, path)
        _keep_first_comment(text, po)
        _keep_leading_empty_comments(text, po)
    po.fpath = str(path)
    return po


_FIRST_KEYWORD = re.compile(r'^[ \t]*(msgctxt|msgid)[ \t]+"(.*)"[ \t]*$', re.MULTILINE)


def _keep_leading_empty_comments(text: str, po: polib.POFile) -> None:
    """Put back the empty ``#`` lines that open a header comment (Transifex writes one); polib drops them."""
    if not po.header:
        return
    lines = text.lstrip("\ufeff").split("\n")
    count = 0
    while count < len(lines) and lines[count].rstrip() == "#":
        count += 1
    rest = "\n".join(line[2:] for line in lines[count:] if line.startswith("#"))
    if count and rest.startswith(po.header):
        po.header = "\n" * count + po.header


def _keep_first_comment(text: str, po: polib.POFile) -> None:
    """Give a header-less catalog's first entry back its translator comment.

    polib reads the comment above the first entry as the file's header comment when
    there is no header entry, and writing would move it there for good.
    """
    if not po.header or not len(po):
        return
    first = _FIRST_KEYWORD.search(text)
    if first is None:
        return
    header_entry = first.group(1) == "msgid" and first.group(2) == ""
    if header_entry and text[first.end() :].lstrip().startswith("msgstr"):
        return  # a real header entry: the comment is the header's
    entry = po[0]
    entry.tcomment = po.header + ("\n" + entry.tcomment if entry.tcomment else "")
    po.header = ""


# The fast path reads the subset of the PO grammar GNU msgcat writes: entries apart by
# one blank line; comments before keywords; each keyword once, in order; strings
# without stray spaces. Within it, it does what polib does line for line (including
# polib's quirks, such as dropping leading empty comment lines). Anything outside it
# raises _NotCanonical, and the general path decides.

_LINE_BREAKS = ("\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")
"""Where ``str.splitlines()``, and so polib, breaks lines besides ``\\n``."""
_STRING = r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"'  # an "unrolled loop": fast in sre
_FIELD = rf"{_STRING}(?:\n{_STRING})*"
_MESSAGE = re.compile(
    rf"(?:msgctxt ({_FIELD})\n)?msgid ({_FIELD})\n"
    rf"(?:msgstr ({_FIELD})|msgid_plural ({_FIELD})((?:\nmsgstr\[[0-9]\] {_FIELD})+))"
)
"""The keyword lines of an entry, in GNU's order, each string on its own line."""
_PLURAL_FORM = re.compile(rf"\nmsgstr\[([0-9])\] ({_FIELD})")
_PREVIOUS = re.compile(rf"(?:(msgctxt|msgid|msgid_plural) )?({_STRING})")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "v": "\v", "b": "\b", "f": "\f", '"': '"', "\\": "\\"}
_ESCAPE = re.compile(r"\\(.)")


class _NotCanonical(Exception):
    """Outside the fast path's subset: the general path decides."""


def _value(field: str) -> str:
    """The text of one or more quoted lines, unescaped as polib does (the escapes GNU writes)."""
    text = field[1:-1].replace('"\n"', "")  # within valid strings, only line ends look like this
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
        entries = []
        for block in blocks[1:]:
            entry = _parse_entry(block, number)
            key = (entry.msgctxt, entry.msgid)
            if not entry.msgid or key in seen:
                return None  # polib would take it for the header; GNU reports the duplicate
            seen.add(key)
            entries.append(entry)
            number += block.count("\n") + 2
    except _NotCanonical:
        return None
    po.extend(entries)
    return po


def _read_header(po: polib.POFile, block: str) -> None:
    """Header comments, fuzzy flag and metadata from the first block, as polib reads them."""
    lines = block.split("\n")
    index = 0
    while index < len(lines) and (lines[index] == "#" or lines[index].startswith("# ")):
        index += 1
    po.header = "\n".join(line[2:] for line in lines[:index])  # leading "#" lines too, unlike polib
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
            self.previous[keyword] += _value(value)
        elif keyword in self.previous or (marker == "#~|" and keyword == "msgid_plural"):
            raise _NotCanonical(line)  # the general path ignores #~| msgid_plural
        else:
            self.previous[keyword] = _value(value)


def _parse_entry(block: str, start: int) -> polib.POEntry:
    """One entry (a block without blank lines) starting at line ``start``, as polib reads it."""
    obsolete = 1 if block.startswith("#~ ") or "\n#~ " in block else 0
    marker = "#~ " if obsolete else "msg"
    if block.startswith(marker):
        head, message = "", block
    else:
        at = block.find("\n" + marker)
        if at < 1:  # no keyword line, or an empty line before it
            raise _NotCanonical("entry without msgid")
        head, message = block[:at], block[at + 1 :]
    comments = _Comments()
    if head:
        for line in head.split("\n"):
            if line[-1:].isspace():
                raise _NotCanonical(line)
            comments.read(line)
    if comments.previous_marker not in ("", "#~|" if obsolete else "#|"):
        raise _NotCanonical("#| lines on an obsolete entry, or #~| lines on a live one")
    if obsolete:
        if message.count("\n") != message.count("\n#~ "):
            raise _NotCanonical("obsolete and live lines in one entry")
        message = message[3:].replace("\n#~ ", "\n")
    found = _MESSAGE.fullmatch(message)
    if found is None:
        raise _NotCanonical(message)
    msgctxt, msgid, msgstr, msgid_plural, forms = found.groups()
    plural: dict[int, str] = {}
    if forms is not None:
        for form in _PLURAL_FORM.finditer(forms):
            if int(form.group(1)) in plural:
                raise _NotCanonical(form.group(0))
            plural[int(form.group(1))] = _value(form.group(2))
    linenum = start  # polib skips #~| lines: the entry starts after them
    if block.startswith("#~|"):
        linenum += next((n for n, line in enumerate(block.split("\n")) if not line.startswith("#~|")), 0)
    return _entry(
        msgid=_value(msgid),
        msgstr=_value(msgstr) if msgstr is not None else "",
        msgid_plural=_value(msgid_plural) if msgid_plural is not None else "",
        msgstr_plural=plural,
        msgctxt=_value(msgctxt) if msgctxt is not None else None,
        obsolete=obsolete,
        encoding=polib.default_encoding,
        comment=comments.comment,
        tcomment=comments.tcomment,
        occurrences=comments.occurrences,
        flags=comments.flags,
        previous_msgctxt=comments.previous.get("msgctxt"),
        previous_msgid=comments.previous.get("msgid"),
        previous_msgid_plural=comments.previous.get("msgid_plural"),
        linenum=linenum,
    )


def _entry(**attributes: Any) -> polib.POEntry:
    """A ``POEntry`` with exactly these attributes.

    ``POEntry.__init__`` fills the same attributes through fifteen ``kwargs.get``
    calls, a fifth of the fast path's time; the oracle tests compare ``vars()`` of
    both paths' entries, so an attribute a new polib adds shows up there.
    """
    entry = polib.POEntry.__new__(polib.POEntry)
    entry.__dict__.update(attributes)
    return entry


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
    seen: dict[tuple[str | None, str], polib.POEntry] = {}
    for entry in po:
        key = (entry.msgctxt, entry.msgid)
        first = seen.setdefault(key, entry)
        if first is entry:
            continue
        old = entry if entry.obsolete else first if first.obsolete else None
        what = f"delete the obsolete (#~) one at line {old.linenum}" if old else "keep one of the two entries"
        raise CatalogError(
            "duplicate message definition" + (" (an obsolete entry repeats a live one)" if old else ""),
            path=path,
            line=entry.linenum,
            hint=f"the first definition is at line {first.linenum}; {what}",
        )
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


def _header_text(po: polib.POFile) -> str:
    """The header entry as the file had it: comments verbatim, fields in their order.

    polib writes the standard fields first, and a header comment line starting with
    ``,`` as a flag line (``# , fuzzy`` would become a real fuzzy flag); GNU keeps both
    as they were. A catalog without a header entry gets none.
    """
    if not (po.header or po.metadata or po.metadata_is_fuzzy):
        return ""
    lines = [f"# {line}" if line else "#" for line in po.header.split("\n")] if po.header else []
    if po.metadata_is_fuzzy:
        flags = po.metadata_is_fuzzy if isinstance(po.metadata_is_fuzzy, list) else ["fuzzy"]
        lines.append("#, " + ", ".join(flags))
    lines += ['msgid ""', 'msgstr ""']
    for key, value in po.metadata.items():
        value = "\n".join(part.strip() for part in value.split("\n"))
        lines.append(f'"{polib.escape(f"{key}: {value}")}\\n"')
    return "\n".join(lines) + "\n"


def _raw_text(po: polib.POFile) -> str:
    """Valid but unwrapped PO text; GNU msgcat gives it its final form."""
    entries = [*(e for e in po if not e.obsolete), *po.obsolete_entries()]
    parts = [_header_text(po)] if _header_text(po) else []
    parts += [entry.__unicode__(0) for entry in entries]
    return "\n".join(parts) + "\n"


def _charset(po: polib.POFile) -> str:
    """The charset ``po`` is written in: the one its header declares, else UTF-8.

    A catalog without a declaration gets one when it needs one: GNU reads text
    without a charset as ASCII and refuses anything else, and ``msgfmt -c`` refuses a
    catalog without a header entry.
    """
    declared = po.metadata.get("Content-Type")
    if declared is not None:
        return text_charset(declared)
    if not _header_text(po) or not _raw_text(po).isascii():
        po.metadata["Content-Type"] = f"text/plain; charset={UTF8}"
        po.metadata.setdefault("Content-Transfer-Encoding", "8bit")
    return UTF8


def _msgcat(texts: Sequence[bytes], *, placeholder: bool = False) -> list[bytes]:
    """What GNU msgcat writes for each catalog text (all in one charset), in one msgcat run."""
    msgcat = shutil.which("msgcat")
    if msgcat is None:
        raise CatalogError(
            "GNU msgcat is not installed; it gives catalogs their canonical form",
            hint="install GNU gettext (apt-get install gettext)",
        )
    alone = len(texts) == 1
    parts = [text if alone else b'domain "d%d"\n\n%s\n' % (index, text) for index, text in enumerate(texts)]
    # msgcat accepts a template's charset=CHARSET placeholder only alone, in a .pot file
    with tempfile.NamedTemporaryFile(suffix=".pot" if placeholder else ".po") as batch:
        batch.write(b"".join(parts))
        batch.flush()
        result = subprocess.run([msgcat, batch.name], capture_output=True, check=False)
    if result.returncode != 0:
        raise CatalogError(
            "GNU msgcat rejected a generated catalog: " + result.stderr.decode("utf-8", "replace").strip(),
            hint="this is a bug in pressroom; please report it with the catalog",
        )
    sections: dict[int, list[bytes]] = {}
    current: list[bytes] | None = sections.setdefault(0, []) if alone else None
    for line in result.stdout.split(b"\n"):
        marker = None if alone else re.fullmatch(rb'domain "d(\d+)"', line)
        if marker is not None:
            current = sections.setdefault(int(marker.group(1)), [])
            continue
        if current is not None:
            current.append(line)
    outputs = []
    for index in range(len(texts)):
        lines = sections.get(index, [])
        while lines and not lines[0]:
            lines.pop(0)
        while lines and not lines[-1]:
            lines.pop()
        outputs.append(b"\n".join(lines) + b"\n" if lines else b"")
    return outputs


def format_catalogs(catalogs: Sequence[polib.POFile]) -> list[bytes]:
    """The exact bytes GNU ``msgcat`` writes for each catalog, one msgcat run per charset.

    GNU wraps at 79 columns using Unicode line breaking and column widths; rather
    than imitate it, every catalog goes through msgcat itself. Catalogs are batched
    as separate ``domain`` sections of one input, so a thousand files cost one process;
    but only catalogs of one charset share a run, since msgcat would convert the
    others to the first one's charset. Each catalog keeps the charset it declares.
    """
    groups: dict[str, list[int]] = {}
    texts: list[bytes] = []
    for index, po in enumerate(catalogs):
        charset = _charset(po)
        declared = text_charset(po.metadata.get("Content-Type", ""), placeholder=True)
        key = next((name for name in groups if same_charset(name, declared)), declared)
        groups.setdefault(key, []).append(index)
        texts.append(encode_catalog(_raw_text(po), charset, path=Path(po.fpath) if po.fpath else None))
    results = texts[:]  # msgcat writes nothing for a catalog of only a fuzzy header: keep it as it is
    for key, indexes in groups.items():
        placeholder = key.upper() == "CHARSET"
        for batch in [[index] for index in indexes] if placeholder else [indexes]:
            outputs = _msgcat([texts[i] for i in batch], placeholder=placeholder)
            for index, output in zip(batch, outputs, strict=True):
                results[index] = output or results[index]
    return results


def format_catalog(po: polib.POFile) -> str:
    """The exact text GNU ``msgcat`` writes for ``po`` (decoded from its charset)."""
    return format_catalogs([po])[0].decode(_codec_name(_charset(po)))


def _codec_name(charset: str) -> str:
    try:
        return codecs.lookup(charset).name
    except LookupError:
        return "utf-8"


def write_catalogs(items: Sequence[tuple[Path, polib.POFile]]) -> list[bool]:
    """Write several catalogs atomically (one msgcat run); return which were rewritten."""
    outputs = format_catalogs([po for _, po in items])
    return [atomic_write(path, data) for (path, _), data in zip(items, outputs, strict=True)]


def write_catalog(path: Path, po: polib.POFile) -> bool:
    """Write ``po`` atomically in msgcat's form; an unchanged file is left alone."""
    return write_catalogs([(path, po)])[0]
