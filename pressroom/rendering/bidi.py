"""Rendering, bidi: Latin runs inside right-to-left (or other non-Latin) text get their own element.

Input: a rendered HTML page. Output: the same HTML, byte for byte, except that each
run of Latin letters in the text of a non-Latin ``lang`` is wrapped in
``<span lang="en" dir="ltr">``.
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


class _LatinRunWrapper(HTMLParser):
    """Re-emits HTML unchanged except Latin runs in non-Latin text, each in one span.

    WeasyPrint ignores ``<bdi>`` and ``dir=auto``; an explicit ``lang="en" dir="ltr"``
    element keeps an English name or number in order inside Urdu or Persian and picks
    the Latin face. Only text nodes are touched, never attributes or URLs.
    """

    def __init__(self, latin_langs: frozenset[str]) -> None:
        super().__init__(convert_charrefs=False)
        self.latin_langs = latin_langs
        self.out: list[str] = []
        self.pending: list[str] = []
        self.stack: list[tuple[str, bool]] = []  # (tag, wrap text inside)

    def _wrapping(self) -> bool:
        return self.stack[-1][1] if self.stack else False

    def flush(self) -> None:
        if not self.pending:
            return
        raw = "".join(self.pending)
        self.pending.clear()
        if not self._wrapping() or not _HAS_LATIN_LETTER.search(raw):
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
        self.out.append(self.get_starttag_text() or "")
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
        self.out.append(self.get_starttag_text() or "")

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
    """Wrap each Latin-letter run in text of a non-Latin ``lang`` in ``<span lang="en" dir="ltr">``."""
    parser = _LatinRunWrapper(frozenset(latin_langs))
    parser.feed(document)
    parser.close()
    parser.flush()
    return "".join(parser.out)
