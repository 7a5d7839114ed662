"""Where the translatable text of a Markdown body lives: units, and Segments from them.

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

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from ..model import Article, Segment, SegmentKind

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.rules_inline import StateInline
    from markdown_it.token import Token

    from ..rawhtml import HtmlUnit

Translate = Callable[[Segment], "str | None"]
"""Gives the translation of one body segment, or None to keep the source text."""

_URL = re.compile(r"(?:\b[a-zA-Z][a-zA-Z0-9+.-]{1,31}://|\bwww\.|\bmailto:)[^\s<>]*")
_TABLE_KINDS = ("th_open", "td_open")

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
    from ..rawhtml import iter_units

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
    from ..source import lost_nesting_line, nesting_error

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
