"""Raw HTML in articles: the text a reader sees in it, found and replaced by source offsets.

Input: the source of one raw HTML block (or the inline HTML of a paragraph), as the
Markdown parser gives it. Output: :class:`HtmlUnit` records, each a span of that
source: runs of text between block-level tags (a ``<summary>``, a ``<figcaption>``, a
paragraph of an ``<aside>``), inline markup intact (``The <b>data</b> note``), and the
``title`` and ``alt`` attributes of elements outside such runs. ``segment`` offers
them for translation like any other unit; :func:`replace_units` puts translations
back, every other byte unchanged.

What the renderer's sanitizer drops with its content (scripts, styles, forms ...)
and code (``<pre>``, ``<code>``) is not offered: nobody reads it on the page. The
sanitizer (``rendering.sanitize``) uses :data:`DROPPED_WITH_CONTENT` too, so the two
agree on what a reader sees.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser

DROPPED_WITH_CONTENT = frozenset(
    {"script", "style", "template", "noscript", "form", "textarea", "select", "button", "object",
     "svg", "math", "iframe", "frame", "frameset", "title"}
)
"""Elements removed together with everything inside them (iframes: their fallback text)."""

INLINE_TAGS = frozenset(
    {"a", "abbr", "acronym", "b", "bdi", "bdo", "big", "br", "cite", "code", "del", "dfn", "em",
     "font", "i", "img", "ins", "kbd", "mark", "q", "s", "samp", "small", "span", "strike",
     "strong", "sub", "sup", "time", "tt", "u", "var", "wbr"}
)
"""Tags that stay inside a run of text: a unit's msgid keeps them as markup."""

_NOT_TRANSLATED = frozenset({"pre", "code", "kbd", "samp", "var"})
"""Code: its words are not prose (a run holding only code is not offered)."""

TRANSLATED_ATTRIBUTES = ("title", "alt")
"""Attributes a reader sees (a tooltip, the text of a missing image) and a sanitizer keeps."""

_ATTRIBUTE = re.compile(
    r"""[\s/]+([^\s"'>/=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?"""
)
_TAG_NAME = re.compile(r"<[A-Za-z][^\s/>]*")
_URL = re.compile(r"(?:\b[a-zA-Z][a-zA-Z0-9+.-]{1,31}://|\bwww\.|\bmailto:)[^\s<>]*")
_BROKEN_TAG = re.compile(r"<[/!?A-Za-z]|<$")
_LINE_BREAK = re.compile(r"[ \t]*\n[ \t\n]*")


@dataclass(frozen=True, slots=True, kw_only=True)
class HtmlUnit:
    """One translatable span of raw HTML source."""

    kind: str
    """``text`` (inner HTML of a run), or the attribute name (``title``, ``alt``)."""
    start: int
    """Offset of the span in the source: the run's first character, or the attribute's
    value (with its quotes, if any)."""
    end: int
    """Offset just past the span."""
    text: str
    """What translators see: the run with line breaks as spaces, or the unescaped value."""


class _Scanner(HTMLParser):
    """Collects runs of inline content between block-level tags, with source offsets."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self.source = source
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self.units: list[HtmlUnit] = []
        self.tags: list[tuple[int, str]] = []  # (offset, raw start tag) outside dropped content
        self.dropped: list[str] = []  # open elements whose content is dropped
        self.code = 0  # depth inside code elements
        self.run: list[tuple[str, int, int, str]] = []  # (event, start, end, tag or words)

    def position(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    # -- runs

    def flush(self) -> None:
        """Offer the run collected so far, without the inline tags that only wrap it."""
        run = self.run
        self.run = []
        while run and (run[0][0] in ("void", "close") or (run[0][0] == "text" and not run[0][3].strip())):
            run.pop(0)
        while run and (run[-1][0] in ("void", "open") or (run[-1][0] == "text" and not run[-1][3].strip())):
            run.pop()
        while len(run) >= 2 and run[0][0] == "open" and run[-1][0] == "close" and _wraps(run):
            run = run[1:-1]
        words = _URL.sub(" ", html.unescape(" ".join(e[3] for e in run if e[0] == "words")))
        if not run or not any(ch.isalpha() for ch in words):
            return
        texts = "".join(e[3] for e in run if e[0] == "text")
        if _BROKEN_TAG.search(texts):  # a tag the parser could not read (cut off, malformed)
            return
        raw = self.source[run[0][1] : run[-1][2]]
        lead = len(raw) - len(raw.lstrip())
        body = raw.strip()
        start = run[0][1] + lead
        text = _LINE_BREAK.sub(" ", body)
        self.units.append(HtmlUnit(kind="text", start=start, end=start + len(body), text=text))

    # -- parser events

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raw = self.get_starttag_text() or ""
        start = self.position()
        if self.dropped:
            if tag in DROPPED_WITH_CONTENT:
                self.dropped.append(tag)
            return
        if tag in DROPPED_WITH_CONTENT:
            self.flush()
            self.dropped.append(tag)
            if tag == "iframe":  # its title is shown (the embed's caption)
                self.tags.append((start, raw))
            return
        self.tags.append((start, raw))
        if tag in INLINE_TAGS:
            self.run.append(("void" if tag in _VOID else "open", start, start + len(raw), tag))
            if tag in _NOT_TRANSLATED:
                self.code += 1
            return
        self.flush()
        if tag in _NOT_TRANSLATED:  # pre
            self.code += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raw = self.get_starttag_text() or ""
        start = self.position()
        if self.dropped:
            return
        self.tags.append((start, raw))
        if tag in INLINE_TAGS:
            self.run.append(("void", start, start + len(raw), tag))
        else:
            self.flush()

    def handle_endtag(self, tag: str) -> None:
        start = self.position()
        if self.dropped:
            if tag == self.dropped[-1]:
                self.dropped.pop()
            return
        if tag in _NOT_TRANSLATED and self.code:
            self.code -= 1
        if tag in INLINE_TAGS:
            end = self.source.find(">", start)
            self.run.append(("close", start, end + 1 if end >= 0 else len(self.source), tag))
        else:
            self.flush()

    def _text(self, raw: str, words: str) -> None:
        if self.dropped:
            return
        start = self.position()
        self.run.append(("text", start, start + len(raw), raw))
        if not self.code and words.strip():
            self.run.append(("words", start, start + len(raw), words))

    def handle_data(self, data: str) -> None:
        self._text(data, data)

    def handle_entityref(self, name: str) -> None:
        self._text(f"&{name};", html.unescape(f"&{name};"))

    def handle_charref(self, name: str) -> None:
        self._text(f"&#{name};", html.unescape(f"&#{name};"))

    def handle_comment(self, data: str) -> None:
        if not self.dropped:
            self.flush()


_VOID = frozenset({"br", "img", "wbr"})


def _wraps(run: Sequence[tuple[str, int, int, str]]) -> bool:
    """Whether the run's first event opens the element its last event closes."""
    depth = 0
    for index, (event, _start, _end, tag) in enumerate(run):
        if tag != run[0][3]:
            continue
        if event == "open":
            depth += 1
        elif event == "close":
            depth -= 1
            if depth == 0:
                return index == len(run) - 1
    return False


def _attribute_units(tag_offset: int, raw: str) -> Iterable[HtmlUnit]:
    """``title`` and ``alt`` values of one start tag, with the span of each value."""
    tag = _TAG_NAME.match(raw)
    for found in _ATTRIBUTE.finditer(raw, tag.end() if tag else 1):
        name, value = found.group(1).lower(), found.group(2)
        if name not in TRANSLATED_ATTRIBUTES or value is None:
            continue
        text = html.unescape(value[1:-1] if value[:1] in "\"'" else value)
        if any(ch.isalpha() for ch in _URL.sub(" ", text)):
            start = tag_offset + found.start(2)
            yield HtmlUnit(kind=name, start=start, end=start + len(value), text=_LINE_BREAK.sub(" ", text))


def iter_units(source: str, *, text: bool = True) -> list[HtmlUnit]:
    """The translatable spans of ``source`` in document order; ``text=False``: attributes only.

    Attributes of tags inside an offered run are part of that run's text (its msgid
    shows ``<abbr title="...">``), so they are not offered twice.
    """
    scanner = _Scanner(source)
    scanner.feed(source)
    scanner.close()
    scanner.flush()
    runs = scanner.units if text else []
    units = list(runs)
    for offset, raw in scanner.tags:
        if any(run.start <= offset < run.end for run in runs):
            continue
        units.extend(_attribute_units(offset, raw))
    return sorted(units, key=lambda unit: unit.start)


def replacement(unit: HtmlUnit, new: str) -> str:
    """The source text that puts ``new`` in ``unit``'s place.

    A run's translation goes in as inner HTML with line breaks as spaces (a blank
    line would end a Markdown HTML block); an attribute's is escaped and quoted.
    """
    if unit.kind == "text":
        return _LINE_BREAK.sub(" ", new.strip())
    return '"' + html.escape(" ".join(new.split()), quote=True) + '"'


def replace_units(source: str, edits: Sequence[tuple[HtmlUnit, str]]) -> str:
    """``source`` with each unit's span holding its new text; nothing else changes."""
    result = source
    for unit, new in sorted(edits, key=lambda edit: edit[0].start, reverse=True):
        result = result[: unit.start] + replacement(unit, new) + result[unit.end :]
    return result


def place_units(
    lines: list[str], first: int, content: str, edits: Sequence[tuple[HtmlUnit, str]]
) -> list[str] | None:
    """Source ``lines`` with ``edits`` made in the HTML block whose text starts at line ``first``.

    ``content`` is the block as the parser gives it: each of its lines is the end of
    a source line, after any container prefix (``> ``, list indentation), which is
    kept. A span over several lines becomes one line. None when a content line is
    not found at the end of its source line (a tab the parser expanded).
    """
    parts = content.split("\n")
    if parts and parts[-1] == "":
        parts.pop()
    starts = [0]
    for part in parts:
        starts.append(starts[-1] + len(part) + 1)
    prefixes = []
    for index, part in enumerate(parts):
        line = lines[first + index]
        if not line.endswith(part):
            return None
        prefixes.append(len(line) - len(part))

    def locate(offset: int) -> tuple[int, int]:
        index = max(i for i in range(len(parts)) if starts[i] <= offset)
        return first + index, prefixes[index] + offset - starts[index]

    result = list(lines)
    for unit, new in sorted(edits, key=lambda edit: edit[0].start, reverse=True):
        (line_a, column_a), (line_b, column_b) = locate(unit.start), locate(unit.end)
        result[line_a] = result[line_a][:column_a] + replacement(unit, new) + result[line_b][column_b:]
        del result[line_a + 1 : line_b + 1]
    return result


class _Balance(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _VOID_ELEMENTS:
            self.open += 1

    def handle_endtag(self, tag: str) -> None:
        if tag not in _VOID_ELEMENTS:
            self.open -= 1


_VOID_ELEMENTS = frozenset("area base br col embed hr img input link meta param source track wbr".split())


def open_elements(source: str) -> int:
    """Elements ``source`` opens minus those it closes: > 0 when a ``<details>`` stays open
    around the Markdown that follows (its ``</details>`` in a later HTML block)."""
    balance = _Balance()
    balance.feed(source)
    balance.close()
    return balance.open
