"""Putting translations back: each unit's text replaced in place in the source lines.

Container prefixes (``> ``, list indentation, table pipes) and every other byte stay
as they were; Markdown is never re-serialised. Translations that would change the
block structure (a line starting with ``#``, ``-``, ``1.``, ``>`` ...) get a backslash
escape, which renders the same character.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..rawhtml import HtmlUnit

from .units import Translate, _Block, _normalize, _title_span, _Unit, _units, markdown_parser

# Line starts that open a block (or end a paragraph) in CommonMark + GFM tables, and
# where to put the backslash that keeps them text. Checked on every line of a
# translated paragraph or heading, after its container prefix.
_BLOCK_STARTS: tuple[tuple[re.Pattern[str], int], ...] = (
    (re.compile(r"#{1,6}(?:[ \t]|$)"), 0),  # ATX heading
    (re.compile(r">"), 0),  # block quote
    (re.compile(r"[-+*](?:[ \t]|$)"), 0),  # bullet list item
    (re.compile(r"(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$"), 0),  # thematic break
    (re.compile(r"(?:=+|-+)[ \t]*$"), 0),  # setext underline
    (re.compile(r"\d{1,9}(?=[.)](?:[ \t]|$))"), -1),  # ordered list item: escape the delimiter
    (re.compile(r"(?:`{3,}|~{3,})"), 0),  # code fence
    (re.compile(r"[|:-][|:\- \t]*$"), 0),  # table delimiter row (with a '|' line above)
    (re.compile(r"\[(?:[^\]\\]|\\.)+\]:"), 0),  # link reference definition
)
_MAX_ESCAPE = 2
_PIPE_OR_ESCAPE = re.compile(r"\\[\s\S]|\|")


def _pipe_entity(found: re.Match[str]) -> str:
    return "&#124;" if found.group() in ("|", "\\|") else found.group()


_HEADING_CLOSE = re.compile(r"(?:^|[ \t])(#+)[ \t]*$")


def _escape_line_start(text: str) -> str:
    """Backslash-escape a line start that would open a block instead of continuing text."""
    for pattern, offset in _BLOCK_STARTS:
        found = pattern.match(text)
        if found:
            at = found.end() if offset == -1 else 0
            return text[:at] + "\\" + text[at:]
    if text.startswith("<"):
        from markdown_it.rules_block.html_block import HTML_SEQUENCES

        if any(opener.search(text) for opener, _closer, _interrupts in HTML_SEQUENCES):
            return "\\" + text
    return text


def _text_lines(text: str) -> list[str]:
    """A translation as paragraph lines: no blank lines, no leading indentation."""
    from markdown_it.common.utils import MD_TRIM_CHARS

    return [line.lstrip(" \t") for line in text.strip(MD_TRIM_CHARS).split("\n") if line.strip()]


def _continuation(prefix: str) -> str:
    """The prefix for an added line: quote markers kept, list markers turned into spaces."""
    return "".join(ch if ch in "> \t" else " " for ch in prefix)


class _PlacementError(Exception):
    """The parser's content was not found on the source lines (a construct we cannot edit)."""

    def __init__(self, line: int) -> None:
        super().__init__(f"body line {line + 1}")
        self.line = line


def _align(lines: list[str], block: _Block) -> list[tuple[str, str]]:
    """(prefix, suffix) around the content on each text line of a block."""
    from markdown_it.common.utils import MD_TRIM_CHARS

    parts = block.content.split("\n")
    if len(parts) != block.end - block.start:
        raise _PlacementError(block.start)
    around: list[tuple[str, str]] = []
    for i, part in enumerate(parts):
        line = lines[block.start + i]
        # The parser keeps indentation beyond the block's own on continuation lines
        # (and may expand a tab there); the inline parser ignores it.
        core = part.lstrip(" \t")
        end = len(line.rstrip(MD_TRIM_CHARS)) if i == len(parts) - 1 else len(line)
        if not line[:end].endswith(core):
            raise _PlacementError(block.start + i)
        around.append((line[: end - len(core)], line[end:]))
    return around


def _place_lines(lines: list[str], block: _Block, text: str, *, escape: int) -> tuple[list[str], str]:
    """The text lines of a paragraph or setext heading holding ``text`` instead, and the
    inline content the parser should read back from them.

    ``escape`` 1 escapes line starts that would open a block; 2 also writes pipes as
    ``&#124;``: any "|" (escaped or not) on a line above a ``---`` line makes
    markdown-it read a table, and the entity renders the same.
    """
    around = _align(lines, block)
    new = _text_lines(text)
    if escape >= 1:
        new = [_escape_line_start(part) for part in new]
    if escape >= 2:
        new = [_PIPE_OR_ESCAPE.sub(_pipe_entity, part) for part in new]
    placed = []
    for i, part in enumerate(new):
        prefix = around[i][0] if i < len(around) else _continuation(around[0][0])
        suffix = around[-1][1] if i == len(new) - 1 else ""
        placed.append(prefix + part + suffix)
    return placed, "\n".join(new)


def _place_atx(line: str, block: _Block, text: str, *, escape: int) -> tuple[str, str]:
    """An ATX heading line holding ``text``; the closing ``#`` sequence, if any, stays.

    With ``escape``, pipes become ``&#124;`` (a heading line with a pipe above a
    ``---`` line would be read as a table header).
    """
    from markdown_it.common.utils import MD_TRIM_CHARS

    pos = line.find("#")
    while 0 <= pos < len(line) and line[pos] == "#":
        pos += 1
    while 0 <= pos < len(line) and line[pos] in MD_TRIM_CHARS:
        pos += 1
    if pos < 0 or not line.startswith(block.content, pos):
        raise _PlacementError(block.start)
    new = " ".join(text.split("\n")).strip(MD_TRIM_CHARS)
    if escape:
        new = _PIPE_OR_ESCAPE.sub(_pipe_entity, new)
    closing = _HEADING_CLOSE.search(new)
    if closing:  # "... #" would be read as the closing sequence
        new = new[: closing.start(1)] + "\\" + new[closing.start(1) :]
    return line[:pos] + new + line[pos + len(block.content) :], new


def _split_row(line: str, start: int) -> list[tuple[int, int, str]]:
    """Cells of a table row read from ``line[start:]`` as markdown-it's table rule reads
    them: split on pipes not preceded by a backslash (which is dropped), outer empty
    cells removed, each cell trimmed. Returns (start, end, content) per cell."""
    from markdown_it.common.utils import MD_TRIM_CHARS

    first = start + len(line[start:]) - len(line[start:].lstrip(MD_TRIM_CHARS))
    last = len(line.rstrip(MD_TRIM_CHARS))
    pipes = [i for i in range(first, last) if line[i] == "|" and (i == 0 or line[i - 1] != "\\")]
    bounds = [first - 1, *pipes, last]
    raw = [(a + 1, b) for a, b in itertools.pairwise(bounds)]
    if raw and raw[0][0] == raw[0][1]:
        raw.pop(0)
    if raw and raw[-1][0] == raw[-1][1]:
        raw.pop()
    cells = []
    for a, b in raw:
        text = line[a:b]
        lead = len(text) - len(text.lstrip(MD_TRIM_CHARS))
        trail = len(text.rstrip(MD_TRIM_CHARS))
        cells.append((a + lead, a + max(lead, trail), text.replace("\\|", "|").strip(MD_TRIM_CHARS)))
    return cells


def _locate_row(line: str, block: _Block) -> tuple[int, list[tuple[int, int, str]]]:
    """Where the row's text starts after its container prefix, and its cells.

    The prefix (``> ``, list indentation) holds no pipe; the right start is the first
    one whose split gives back the contents the parser found.
    """
    for start in range(len(line)):
        cells = _split_row(line, start)
        found = [c[2] for c in cells[: len(block.cells)]]
        found += [""] * (len(block.cells) - len(found))
        if found == block.cells:
            return start, cells
        if line[start] == "|":
            break
    raise _PlacementError(block.start)


def _place_cells(
    line: str, block: _Block, new_cells: dict[int, str], *, escape: int
) -> tuple[str, dict[int, str]]:
    """A table row line with some cells replaced (pipes in the new text escaped), and the
    cell contents the parser should read back."""
    from markdown_it.common.utils import MD_TRIM_CHARS

    start, cells = _locate_row(line, block)
    text_start = start + len(line[start:]) - len(line[start:].lstrip(MD_TRIM_CHARS))
    expected = {}
    for index in sorted(new_cells, reverse=True):
        a, b, _content = cells[index]
        new = " ".join(new_cells[index].split("\n")).strip(MD_TRIM_CHARS)
        if escape and a == text_start:  # no leading pipe: the cell opens the line
            new = _escape_line_start(new)
        expected[index] = new
        # A final backslash would escape the pipe after the cell: keep a space between.
        tail = " " if new.endswith("\\") else ""
        line = line[:a] + new.replace("|", "\\|") + tail + line[b:]
    return line, expected


def _replace_image(content: str, unit: _Unit, text: str) -> str:
    """``content`` with the alt text or title of ``unit.image`` replaced by ``text``."""
    from markdown_it.helpers import parseLinkLabel
    from markdown_it.rules_inline import StateInline

    image = unit.image
    assert image is not None
    start, end = image.meta["span"]
    if unit.target == "title":
        span = _title_span(content, image)
        assert span is not None
        opener = content[span[0]]
        closer = ")" if opener == "(" else opener
        special = {"\\", "&", opener, closer}
        inner = "".join("\\" + ch if ch in special else ch for ch in text)
        return content[: span[0]] + opener + inner + closer + content[span[1] :]
    if text == image.content:
        return content
    label_start, label_end = start + 2, start + 2 + len(image.content)

    def closes_at_end(label: str) -> bool:
        state = StateInline("[" + label + "]", markdown_parser(), {}, [])
        return bool(parseLinkLabel(state, 0) == len(label) + 1)

    alt = text
    if (len(alt) - len(alt.rstrip("\\"))) % 2:  # a final backslash would escape the "]"
        alt += "\\"
    if not closes_at_end(alt):  # an unbalanced bracket would end the label early
        alt = re.sub(r"(?<!\\)([\[\]])", r"\\\1", alt)
    after = content[label_end + 1 : end]
    if not after.startswith("("):  # reference image: keep pointing at the same definition
        reference = after[1:-1] if after.startswith("[") else ""
        after = f"[{reference or image.content}]"
    return content[:label_start] + alt + "]" + after + content[end:]


def _normal(content: str) -> str:
    """Inline content as far as rendering cares: leading blanks of each line do not count."""
    return "\n".join(line.lstrip(" \t") for line in content.split("\n"))


def _rebuild(
    lines: list[str],
    blocks: dict[int, _Block],
    contents: dict[int, str],
    cells: dict[int, dict[int, str]],
    escaped: dict[int, int],
    html_edits: dict[int, list[tuple[HtmlUnit, str]]],
) -> tuple[list[str], dict[tuple[int, int], str]]:
    """The new lines and, per (block id, cell), the content the parser should read back."""
    from ..rawhtml import place_units

    lines = list(lines)
    expected: dict[tuple[int, int], str] = {}
    for key, block in sorted(blocks.items(), key=lambda item: -item[1].start):
        if block.style == "html":
            placed = place_units(lines, block.start, block.content, html_edits[key])
            if placed is None:
                raise _PlacementError(block.start)
            lines = placed
        elif block.style == "row":
            lines[block.start], new_cells = _place_cells(
                lines[block.start], block, cells[key], escape=escaped.get(key, 0)
            )
            expected.update(((key, cell), text) for cell, text in new_cells.items())
        elif block.style == "atx":
            lines[block.start], expected[(key, -1)] = _place_atx(
                lines[block.start], block, contents[key], escape=escaped.get(key, 0)
            )
        else:
            new_lines, expected[(key, -1)] = _place_lines(
                lines, block, contents[key], escape=escaped.get(key, 0)
            )
            lines[block.start : block.end] = new_lines
    return lines, expected


def translate_body(body: str, translate: Translate, *, first_line: int = 1, path: Path | None = None) -> str:
    """The body with each segment's text replaced by ``translate(segment)``.

    ``translate`` is called once per body segment in document order and returns
    None (or only whitespace, or the segment's own text) to keep the source text; a
    kept unit's lines stay byte for byte, soft line breaks included. Everything that
    is not segment text (code, HTML, link definitions, container markers, table
    pipes) is copied unchanged. Line ends come out as LF.

    The result is parsed again: if a translated line would open a block (``# ``,
    ``- ``, ``1. ``, ``> ``, a fence, a table delimiter row ...) the lines of that unit
    get backslash escapes, which render the same characters. A translation that still
    changes the document structure raises ``SourceError`` at the unit's line
    (``first_line`` and ``path`` place the body in its file for that message).
    """
    from ..errors import SourceError

    text = _normalize(body)
    lines = text.split("\n")
    units, inlines = _units(text, first_line, path)
    chosen: list[tuple[_Unit, str]] = []
    for unit in units:
        new = translate(unit.segment)
        if new is not None and new.strip() and new != unit.segment.text:
            chosen.append((unit, new))
    contents: dict[int, str] = {}  # id(block) -> new inline content
    cells: dict[int, dict[int, str]] = {}
    html_edits: dict[int, list[tuple[HtmlUnit, str]]] = {}
    blocks: dict[int, _Block] = {}
    # Alt texts and titles are replaced back to front, so the earlier spans stay valid.
    for unit, new in reversed(chosen):
        key = id(unit.block)
        blocks[key] = unit.block
        if unit.target == "content":
            contents[key] = new
        elif unit.target == "cell":
            cells.setdefault(key, {})[unit.cell] = new
        elif unit.html is not None and unit.block.style == "html":
            html_edits.setdefault(key, []).append((unit.html, new))
        elif unit.html is not None:
            from ..rawhtml import replace_units

            contents[key] = replace_units(contents.get(key, unit.block.content), [(unit.html, new)])
        else:
            contents[key] = _replace_image(contents.get(key, unit.block.content), unit, new)
    escaped: dict[int, int] = {}  # id(block) -> escape level
    while True:
        try:
            new_lines, expected = _rebuild(lines, blocks, contents, cells, escaped, html_edits)
        except _PlacementError as exc:
            raise SourceError(
                "cannot put a translation back into this Markdown construct",
                path=path,
                line=first_line + exc.line,
                hint="simplify the Markdown at this line (e.g. indent with spaces, not tabs)",
            ) from exc
        result = "\n".join(new_lines)
        want = [(i.shape, _normal(expected.get((id(i.block), i.cell), i.content))) for i in inlines]
        got = [(i.shape, _normal(i.content)) for i in _units(result, first_line, path)[1]]
        broken = next((n for n, pair in enumerate(zip(want, got, strict=False)) if pair[0] != pair[1]), None)
        if broken is None and len(want) == len(got):
            return result
        culprit = inlines[min(broken if broken is not None else len(got), len(inlines) - 1)].block
        key = id(culprit)
        if key not in blocks or escaped.get(key, 0) >= _MAX_ESCAPE:
            raise SourceError(
                "a translation changes the structure of the document",
                path=path,
                line=first_line + culprit.start,
                hint="check the translation of the text at this line for stray Markdown",
            )
        escaped[key] = escaped.get(key, 0) + 1
