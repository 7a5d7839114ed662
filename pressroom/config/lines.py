"""Where a key is written in ``workflow.toml``: ``tomllib`` keeps no positions."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _read_key(text: str, pos: int) -> tuple[tuple[str, ...], int] | None:
    """A (possibly dotted, possibly quoted) TOML key at ``text[pos:]``, and where it ends."""
    parts: list[str] = []
    while True:
        while pos < len(text) and text[pos] in " \t":
            pos += 1
        if pos >= len(text):
            return None
        if text[pos] in "\"'":
            quote = text[pos]
            end = text.find(quote, pos + 1)
            while quote == '"' and end > 0 and text[end - 1] == "\\":
                end = text.find(quote, end + 1)
            if end < 0:
                return None
            raw = text[pos + 1 : end]
            parts.append(json.loads(f'"{raw}"') if quote == '"' and "\\" in raw else raw)
            pos = end + 1
        else:
            bare = _BARE_KEY.match(text, pos)
            if bare is None:
                return None
            parts.append(bare.group())
            pos = bare.end()
        while pos < len(text) and text[pos] in " \t":
            pos += 1
        if pos < len(text) and text[pos] == ".":
            pos += 1
            continue
        return tuple(parts), pos


def key_lines(text: str) -> dict[tuple[str, ...], int]:
    """1-based line of every table header and key written in TOML ``text``.

    A small scanner, not a parser: ``tomllib`` keeps no positions, and the file has
    already parsed when this runs. Lines inside multi-line strings are skipped; the
    first occurrence of a key wins.
    """
    lines: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    in_string: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if in_string is not None:
            if line.count(in_string) % 2:
                in_string = None
            continue
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("["):
            array = stripped.startswith("[[")
            found = _read_key(stripped, 2 if array else 1)
            if found is not None:
                table = found[0]
                lines.setdefault(table, number)
            continue
        found = _read_key(line, 0)
        if found is None or found[1] >= len(line) or line[found[1]] != "=":
            continue
        lines.setdefault((*table, *found[0]), number)
        rest = line[found[1] + 1 :]
        for quotes in ('"""', "'''"):
            if rest.count(quotes) % 2:
                in_string = quotes
                break
    return lines


def line_of(lines: Mapping[tuple[str, ...], int], keys: Sequence[str]) -> int | None:
    """The line of ``keys``, or of the nearest enclosing table or key that is written."""
    for end in range(len(keys), 0, -1):
        if tuple(keys[:end]) in lines:
            return lines[tuple(keys[:end])]
    return None
