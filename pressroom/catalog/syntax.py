"""Lexical checks of PO text, reported at the line GNU's parser would report.

polib is lenient (it silently cuts an unterminated string, for instance), so the
general path of :func:`~pressroom.catalog.io.read_catalog` checks the lines here
before polib reads the structure.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import CatalogError

_STRING = r'"(?:[^"\\]|\\.)*"'
_KEYWORD_LINE = re.compile(r"(msgctxt|msgid|msgid_plural|msgstr|msgstr\[\d+\])\s*(" + _STRING + r")?\s*$")
_CONTINUATION = re.compile(_STRING + r"\s*$")
_WORD = re.compile(r"[A-Za-z_\[\]0-9]+")
_ESCAPE = re.compile(r"\\(.)")
_KNOWN_ESCAPES = frozenset('ntrvbf"\\')
"""The escapes polib reads; GNU also knows ``\\a`` and octal and hex ones, rare in catalogs."""


def check_syntax(text: str, path: Path) -> None:
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
            _check_escapes(line, path, number)
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
        _check_escapes(match.group(2), path, number)
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


def _check_escapes(string: str, path: Path, number: int) -> None:
    """An escape other than ``\\n \\t \\" \\\\ ...`` is an error: polib would keep its
    backslash, and the next write would double it (``\\q`` becoming ``\\\\q``)."""
    for found in _ESCAPE.finditer(string):
        char = found.group(1)
        if char in _KNOWN_ESCAPES:
            continue
        gnu_knows = char in "ax01234567"
        raise CatalogError(
            f"escape \\{char} is not supported" if gnu_knows else f"invalid control sequence \\{char}",
            path=path,
            line=number,
            hint='write a backslash as \\\\ and a quotation mark as \\"; '
            "otherwise only \\n, \\t, \\r, \\v, \\b and \\f escapes may be used",
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
