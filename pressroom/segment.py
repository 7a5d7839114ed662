"""Segmentation: a source article's Markdown -> translatable Segments, and back.

Input: an :class:`~pressroom.model.Article` (or a bare CommonMark body). Output: the
translatable units in document order, each with its inline Markdown intact, exactly
as markdown-it gives it (``token.content``): headline, byline, headings, paragraphs,
list-item and block-quote paragraphs, table cells, and the alt text and title of
images that stand alone in a paragraph, and the text a reader sees in raw HTML
(:mod:`.rawhtml`: a ``<summary>``, a ``<figcaption>``, ``title`` and ``alt``). Code,
the rest of raw HTML, thematic breaks, link reference definitions and units without
a single letter are not offered. A soft line
break inside a unit reaches translators as one space (a paragraph hard-wrapped at 72
columns is one line of text, as mdbook-xgettext and po4a give it); hard breaks stay.

:func:`translate_body` is the way back: it replaces each unit's text in place in the
source lines, keeping container prefixes (``> ``, list indentation, table pipes) and
every other byte as it was; it never re-serialises Markdown. Translations that would
change the block structure (a line starting with ``#``, ``-``, ``1.``, ``>`` ...) get
a backslash escape, which renders the same character.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from .model import Article, Segment, SegmentKind

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.rules_inline import StateInline
    from markdown_it.token import Token

    from .rawhtml import HtmlUnit

Translate = Callable[[Segment], "str | None"]
"""Gives the translation of one body segment, or None to keep the source text."""

_URL = re.compile(r"(?:\b[a-zA-Z][a-zA-Z0-9+.-]{1,31}://|\bwww\.|\bmailto:)[^\s<>]*")
_TABLE_KINDS = ("th_open", "td_open")

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


@cache
def markdown_parser() -> MarkdownIt:
    """The parser every stage uses: CommonMark plus GFM tables.

    Its image rule also records where each image sits in its inline source
    (``token.meta["span"]``), so alt text and titles can be replaced in place.
    """
    from markdown_it import MarkdownIt
    from markdown_it.rules_inline import image

    def located_image(state: StateInline, silent: bool) -> bool:
        start = state.pos
        if not image(state, silent):
            return False
        if not silent:
            state.tokens[-1].meta["span"] = (start, state.pos)
        return True

    md = MarkdownIt("commonmark").enable("table")
    md.inline.ruler.at("image", located_image)
    return md


# -- what is translatable ---------------------------------------------------------------


def _words(tokens: Sequence[Token] | None) -> str:
    """The prose of inline tokens: text outside code, raw HTML and autolinks, URLs removed."""
    parts: list[str] = []
    in_autolink = False
    for token in tokens or ():
        if token.type == "link_open" and token.markup == "autolink":
            in_autolink = True
        elif token.type == "link_close" and in_autolink:
            in_autolink = False
        elif token.type == "text" and not in_autolink:
            parts.append(token.content)
        elif token.type == "image":
            parts.append(_words(token.children))
    return _URL.sub(" ", " ".join(parts))


def join_soft_breaks(content: str) -> str:
    """Inline content with each soft line break as one space; hard breaks kept.

    A line end after two spaces or a backslash is a hard break and stays as it is
    (so does any line end the rule is unsure of: keeping one never changes the
    rendering). Spaces around a joined line end collapse to one, as the parser
    drops them anyway.
    """
    if "\n" not in content:
        return content
    lines = content.split("\n")
    joined = lines[0]
    for line in lines[1:]:
        if joined.endswith(("  ", "\\")):
            joined += "\n" + line
        else:
            joined = joined.rstrip(" \t") + " " + line.lstrip(" \t")
    return joined


def _has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


def _only_images(children: Sequence[Token]) -> bool:
    """True for inline content that is nothing but images (possibly linked) and spacing."""
    images = 0
    for token in children:
        if token.type == "image":
            images += 1
        elif token.type in ("softbreak", "hardbreak", "link_open", "link_close"):
            continue
        elif token.type == "text" and not token.content.strip():
            continue
        else:
            return False
    return images > 0


# -- where the text lives -----------------------------------------------------------------


@dataclass(slots=True)
class _Block:
    """A run of source lines holding one inline text (paragraph, heading, or table row)."""

    style: str
    """``lines`` (paragraph), ``setext`` or ``atx`` (heading) or ``row`` (table row)."""
    start: int
    """0-based first line in the body."""
    end: int
    """0-based line after the text lines (a setext underline is not included)."""
    content: str = ""
    """The inline source as the parser gives it (``lines`` and ``atx``)."""
    cells: list[str] = field(default_factory=list)
    """``row``: the content of every cell of the row, as the parser gives it."""


@dataclass(slots=True)
class _Unit:
    """One segment and where its text goes back."""

    segment: Segment
    block: _Block
    target: str
    """``content`` (the whole inline text), ``cell``, ``alt``, ``title`` or ``html``."""
    cell: int = 0
    image: Token | None = None
    html: HtmlUnit | None = None
    """``html``: the span of raw HTML (in the block's content) the text goes back to."""


_HTML_KINDS = {
    "text": SegmentKind.HTML_TEXT,
    "alt": SegmentKind.IMAGE_ALT,
    "title": SegmentKind.TITLE_ATTRIBUTE,
}


def _html_units(block: _Block, line: int, *, text: bool = True) -> list[_Unit]:
    """The units of the raw HTML in ``block`` (an HTML block, or a paragraph's inline HTML)."""
    from .rawhtml import iter_units

    units = []
    for found in iter_units(block.content, text=text):
        where = line + block.content.count("\n", 0, found.start)
        segment = Segment(kind=_HTML_KINDS[found.kind], text=found.text, line=where)
        units.append(_Unit(segment, block, "html", html=found))
    return units


def _kind(stack: list[str]) -> SegmentKind:
    for container in reversed(stack):
        if container == "blockquote_open":
            return SegmentKind.QUOTE
        if container == "list_item_open":
            return SegmentKind.LIST_ITEM
    return SegmentKind.PARAGRAPH


def _title_span(src: str, image: Token) -> tuple[int, int] | None:
    """Source span of an inline image's quoted title, delimiters included."""
    from markdown_it.common.utils import isStrSpace
    from markdown_it.helpers import parseLinkDestination, parseLinkTitle

    start, end = image.meta["span"]
    pos = start + 2 + len(image.content) + 1
    if pos >= end or src[pos] != "(":
        return None  # reference image: its title belongs to the definition
    pos += 1
    while pos < end and (isStrSpace(src[pos]) or src[pos] == "\n"):
        pos += 1
    destination = parseLinkDestination(src, pos, end)
    if destination.ok:
        pos = destination.pos
    before = pos
    while pos < end and (isStrSpace(src[pos]) or src[pos] == "\n"):
        pos += 1
    title = parseLinkTitle(src, pos, end)
    if pos == before or not title.ok:
        return None
    return (pos, title.pos)


@dataclass(slots=True)
class _Inline:
    """One inline token of the parse, for checking that a rebuilt body keeps its structure."""

    shape: tuple[str, ...]
    """Enclosing containers and the block type (``paragraph_open``, ``td_open`` ...)."""
    content: str
    block: _Block
    cell: int = -1


def _units(body: str, first_line: int, path: Path | None = None) -> tuple[list[_Unit], list[_Inline]]:
    from .source import lost_nesting_line, nesting_error

    md = markdown_parser()
    tokens = md.parse(body)
    max_nesting = int(md.options["maxNesting"])
    lost = lost_nesting_line(tokens, max_nesting, body.split("\n"))
    if lost is not None:  # never drop text silently: the catalog would lack it
        raise nesting_error(first_line + lost, path, max_nesting)
    units: list[_Unit] = []
    inlines: list[_Inline] = []
    stack: list[str] = []
    rows: dict[int, _Block] = {}
    for index, token in enumerate(tokens):
        if token.nesting == 1 and token.type in ("blockquote_open", "list_item_open"):
            stack.append(token.type)
        elif token.nesting == -1 and token.type in ("blockquote_close", "list_item_close"):
            stack.pop()
        if token.type == "html_block" and token.map is not None:
            block = _Block("html", token.map[0], token.map[1], token.content)
            inlines.append(_Inline((*stack, "html_block"), "", block))
            units.extend(_html_units(block, first_line + token.map[0]))
            continue
        if token.type != "inline" or token.map is None:
            continue
        opener = tokens[index - 1].type
        line = first_line + token.map[0]
        children = token.children or []
        shape = (*stack, opener, tokens[index - 1].markup)
        if opener in _TABLE_KINDS:
            row = rows.get(token.map[0])
            if row is None:
                row = rows[token.map[0]] = _Block("row", token.map[0], token.map[0] + 1)
            cell = len(row.cells)
            row.cells.append(token.content)
            inlines.append(_Inline(shape, token.content, row, cell))
            if not _has_letters(_words(children)):
                continue
            segment = Segment(kind=SegmentKind.TABLE_CELL, text=token.content, line=line)
            units.append(_Unit(segment, row, "cell", cell=cell))
            continue
        if opener == "heading_open":
            style = "atx" if tokens[index - 1].markup.startswith("#") else "setext"
            block = _Block(style, token.map[0], token.map[1], token.content)
            inlines.append(_Inline(shape, token.content, block))
            if _has_letters(_words(children)):
                segment = Segment(kind=SegmentKind.HEADING, text=join_soft_breaks(token.content), line=line)
                units.append(_Unit(segment, block, "content"))
            continue
        if opener != "paragraph_open":
            continue
        block = _Block("lines", token.map[0], token.map[1], token.content)
        inlines.append(_Inline(shape, token.content, block))
        if not _only_images(children):
            if _has_letters(_words(children)):
                segment = Segment(kind=_kind(stack), text=join_soft_breaks(token.content), line=line)
                units.append(_Unit(segment, block, "content"))
            elif any(child.type == "html_inline" for child in children):
                units.extend(_html_units(block, line, text=False))  # e.g. <a ...><img alt=...></a>
            continue
        for image in children:
            if image.type != "image":
                continue
            start = image.meta["span"][0]
            image_line = line + token.content.count("\n", 0, start)
            if _has_letters(_words(image.children)):
                alt = join_soft_breaks(image.content)
                segment = Segment(kind=SegmentKind.IMAGE_ALT, text=alt, line=image_line)
                units.append(_Unit(segment, block, "alt", image=image))
            title = str(image.attrGet("title") or "")
            if _title_span(token.content, image) is not None and _has_letters(_URL.sub(" ", title)):
                segment = Segment(kind=SegmentKind.IMAGE_TITLE, text=title, line=image_line)
                units.append(_Unit(segment, block, "title", image=image))
    return units, inlines


def _normalize(text: str) -> str:
    """Line ends and NULs as markdown-it normalises them, so token maps index our lines."""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\0", "\ufffd")


def iter_body_segments(body: str, *, first_line: int = 1, path: Path | None = None) -> list[Segment]:
    """The translatable units of a CommonMark body; ``first_line`` is the body's line in its file.

    A body nested deeper than the parser goes raises ``SourceError`` (``path``, line).
    """
    return [unit.segment for unit in _units(_normalize(body), first_line, path)[0]]


def iter_segments(article: Article) -> list[Segment]:
    """Every translatable unit of an article in document order, headline and byline first.

    The headline and byline come from the front matter (line 1, where it starts) and
    carry a msgctxt so they never merge with body text; body segments have none, so
    identical sentences share one catalog entry.
    """
    head = [
        Segment(kind=SegmentKind.TITLE, text=article.title, context="title", line=1),
        Segment(kind=SegmentKind.BYLINE, text=article.author, context="byline", line=1),
    ]
    return head + iter_body_segments(article.body, first_line=article.body_line, path=article.path)


# -- putting translations back ------------------------------------------------------------


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
    from .rawhtml import place_units

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
    from .errors import SourceError

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
            from .rawhtml import replace_units

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
