"""Rendering, bidi: Latin runs inside right-to-left (or other non-Latin) text get their own element.

Input: a rendered HTML page. Output: the same HTML, byte for byte, except that each
run of Latin letters in the text of a non-Latin ``lang`` is wrapped in
``<span lang="en" dir="ltr">``, and text the templates marked as left untranslated
(between :data:`UNTRANSLATED_START` and :data:`UNTRANSLATED_END`: a site string or a
headline with no translation in a draft) becomes one such span as a whole, so its
words and its full stop stay in order. In attributes and raw-text elements
(``<title>``) the marks are only removed.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from html.parser import HTMLParser

_LATIN = "A-Za-z\u00c0-\u024f\u1e00-\u1eff"
_LATIN_RUN = re.compile(rf"[{_LATIN}0-9](?:[{_LATIN}0-9'’.,:;/&@#+%_\- ]*[{_LATIN}0-9%])?")
_HAS_LATIN_LETTER = re.compile(rf"[{_LATIN}]")
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_RAW_TEXT = frozenset({"script", "style", "title", "textarea", "head", "pre", "code"})

UNTRANSLATED_START = "\ufdd0"
UNTRANSLATED_END = "\ufdd1"
"""Noncharacters (for internal use, never in text) around a string left in the source language."""
_MARKS = re.compile(f"[{UNTRANSLATED_START}{UNTRANSLATED_END}]")


def mark_untranslated(text: str) -> str:
    """``text`` marked as left in the source language, for :func:`wrap_latin_runs`."""
    return f"{UNTRANSLATED_START}{text}{UNTRANSLATED_END}"


class _LatinRunWrapper(HTMLParser):
    """Re-emits HTML unchanged except Latin runs in non-Latin text, each in one span.

    WeasyPrint ignores ``<bdi>`` and ``dir=auto``; an explicit ``lang="en" dir="ltr"``
    element keeps an English name or number in order inside Urdu or Persian and picks
    the Latin face. Only text nodes are touched, never attributes or URLs.
    """

    def __init__(self, latin_langs: frozenset[str], source_lang: str = "en") -> None:
        super().__init__(convert_charrefs=False)
        self.latin_langs = latin_langs
        self.source_lang = source_lang
        self.out: list[str] = []
        self.pending: list[str] = []
        self.stack: list[tuple[str, bool]] = []  # (tag, wrap text inside)
        self.marked: list[bool] = []  # per open untranslated mark: whether it became a span

    def _wrapping(self) -> bool:
        return self.stack[-1][1] if self.stack else False

    def flush(self) -> None:
        if not self.pending:
            return
        raw = "".join(self.pending)
        self.pending.clear()
        if _MARKS.search(raw):
            self._flush_marked(raw)
        else:
            self._flush_text(raw)

    def _flush_marked(self, raw: str) -> None:
        """Text holding untranslated marks: each marked stretch one span (in non-Latin text)."""
        raw_text = bool(self.stack) and self.stack[-1][0] in _RAW_TEXT
        for piece in re.split(f"([{UNTRANSLATED_START}{UNTRANSLATED_END}])", raw):
            if piece == UNTRANSLATED_START:
                as_span = self._wrapping() and not raw_text
                self.marked.append(as_span)
                if as_span:
                    self.out.append(f'<span lang="{self.source_lang}" dir="ltr">')
            elif piece == UNTRANSLATED_END:
                if self.marked and self.marked.pop():
                    self.out.append("</span>")
            elif piece:
                self._flush_text(piece)

    def _flush_text(self, raw: str) -> None:
        if not self._wrapping() or any(self.marked) or not _HAS_LATIN_LETTER.search(raw):
            self.out.append(raw)
            return
        text = html.unescape(raw)
        pieces: list[str] = []
        last = 0
        for match in _LATIN_RUN.finditer(text):
            if not _HAS_LATIN_LETTER.search(match.group()):
                continue
            pieces.append(html.escape(text[last : match.start()], quote=False))
            pieces.append(f'<span lang="en" dir="ltr">{html.escape(match.group(), quote=False)}</span>')
            last = match.end()
        pieces.append(html.escape(text[last:], quote=False))
        self.out.append("".join(pieces))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.flush()
        self.out.append(_MARKS.sub("", self.get_starttag_text() or ""))
        if tag in _VOID:
            return
        wrap = self._wrapping()
        lang = dict(attrs).get("lang")
        if lang is not None:
            wrap = lang.split("-")[0].lower() not in self.latin_langs
        if tag in _RAW_TEXT:
            wrap = False
        self.stack.append((tag, wrap))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.flush()
        self.out.append(_MARKS.sub("", self.get_starttag_text() or ""))

    def handle_endtag(self, tag: str) -> None:
        self.flush()
        self.out.append(f"</{tag}>")
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                break

    def handle_data(self, data: str) -> None:
        self.pending.append(data)

    def handle_entityref(self, name: str) -> None:
        self.pending.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.pending.append(f"&#{name};")

    def handle_comment(self, data: str) -> None:
        self.flush()
        self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.flush()
        self.out.append(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self.flush()
        self.out.append(f"<?{data}>")

    def unknown_decl(self, data: str) -> None:
        self.flush()
        self.out.append(f"<![{data}]>")


def wrap_latin_runs(document: str, latin_langs: Iterable[str] = ("en",)) -> str:
    """Wrap each Latin-letter run in text of a non-Latin ``lang`` in ``<span lang="en" dir="ltr">``.

    The first of ``latin_langs`` (the source language) is the ``lang`` of the span
    around a marked untranslated string.
    """
    langs = tuple(latin_langs)
    parser = _LatinRunWrapper(frozenset(langs), langs[0] if langs else "en")
    parser.feed(document)
    parser.close()
    parser.flush()
    while parser.marked:  # a mark left open (a template cut it): close its span
        if parser.marked.pop():
            parser.out.append("</span>")
    return _MARKS.sub("", "".join(parser.out))
