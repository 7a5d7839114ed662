"""The fast path of ``read_catalog``: msgcat-canonical PO text, read as polib reads it.

Input: the text of a catalog in the exact form GNU ``msgcat`` writes (every catalog
this workflow writes). Output: the ``polib.POFile`` polib would give for it, at a
fraction of polib's cost, or None for anything else (the general path in
:mod:`~pressroom.catalog.io` decides). ``tests/test_catalog_io.py`` holds the two
paths to each other and to polib.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import polib

# The fast path reads the subset of the PO grammar GNU msgcat writes: entries apart by
# one blank line; comments before keywords; each keyword once, in order; strings
# without stray spaces. Within it, it does what polib does line for line (including
# polib's quirks), except that empty comment lines are kept, as the general path keeps
# them too. Anything outside it raises _NotCanonical, and the general path decides.

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


def read_canonical(text: str) -> polib.POFile | None:
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


def joined_comment(lines: list[str]) -> str:
    """The comment of these lines; empty lines kept, unless all are (polib's model has no room for that)."""
    return "\n".join(lines) if any(lines) else ""


@dataclass(slots=True)
class _Comments:
    """The comment lines of one entry, as polib reads them."""

    tcomment_lines: list[str] = field(default_factory=list)
    comment_lines: list[str] = field(default_factory=list)
    occurrences: list[tuple[str, str]] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    previous: dict[str, str] = field(default_factory=dict)
    previous_marker: str = ""
    """``#|`` or ``#~|`` once previous-message lines were seen."""
    continues: bool = False
    """Whether the line before was a previous-message line (a ``#| "..."`` may follow)."""

    @property
    def tcomment(self) -> str:
        """Translator comments, empty lines included (polib drops the leading ones)."""
        return joined_comment(self.tcomment_lines)

    @property
    def comment(self) -> str:
        """Extracted comments, empty lines included (polib drops them all)."""
        return joined_comment(self.comment_lines)

    def read(self, line: str) -> None:
        continues, self.continues = self.continues, False
        if line == "#" or line[:2] == "# ":
            self.tcomment_lines.append(line[2:])
        elif line == "#." or line[:3] == "#. ":
            self.comment_lines.append(line[3:])
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
