"""Rendering, typography: a language's quotation marks and no-break spaces, set as its press sets them.

Input: a markdown-it parser and a :class:`~pressroom.languages.Language`. Output: the
same parser with two core rules on the text of inline tokens (never on code, never on
markup), so every page and both columns of a bilingual edition follow the language:

- ``quotes``: straight, curly and angle double quotes become the language's pair,
  opening and closing told apart by the character before each (logical order, so
  right-to-left text needs nothing special). Urdu opens with ” and closes with “:
  in a right-to-left line the opening mark stands at the right of the quotation and
  must face it. Persian uses « », Sinhala “ ”; English, and a unit a draft leaves
  in English, keep the author's marks. Single quotes and
  apostrophes are left as written.
- ``no_break_after_numbers``: a space between a number and the word after it
  (``5 جنوری``, ``24 گھنٹوں``), and between a month name and the number after it
  (``ජනවාරි 3``), becomes a no-break space, so a number never ends a line without
  its unit or month.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Any

from ..languages import Language
from .locale import month_names

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

NBSP = "\u00a0"
DOUBLE_QUOTES = frozenset('"\u201c\u201d\u201e\u201f\u00ab\u00bb')
"""Straight, English curly, low and angle double quotes: all set as the language's own pair."""
_OPENING_CONTEXT = frozenset("([{<\u2014\u2013-/\u00a0")
_NUMBER_SPACE_WORD = re.compile(r"(?<=\d) (?=[^\W\d_])")


def install_typography(md: MarkdownIt, language: Language) -> MarkdownIt:
    """Add the language's quotation marks and no-break spaces to ``md``; returns it."""
    if len(language.quotes) >= 2:
        opening, closing = language.quotes[0], language.quotes[1]

        def quotation_marks(state: Any) -> None:
            for children in _inline_children(state):
                previous = " "
                for child in children:
                    if child.type == "text":
                        child.content = set_quotes(child.content, opening, closing, previous)
                    if child.type in ("text", "code_inline") and child.content:
                        previous = child.content[-1]
                    elif child.type in ("softbreak", "hardbreak"):
                        previous = " "

        md.core.ruler.push("quotation_marks", quotation_marks)
    if language.no_break_after_numbers:
        months = _month_pattern(month_names(language))

        def no_break_spaces(state: Any) -> None:
            for children in _inline_children(state):
                for child in children:
                    if child.type == "text":
                        text = _NUMBER_SPACE_WORD.sub(NBSP, child.content)
                        child.content = months.sub(lambda m: m.group(1) + NBSP, text) if months else text

        md.core.ruler.push("no_break_after_numbers", no_break_spaces)
    return md


def set_quotes(text: str, opening: str, closing: str, previous: str = " ") -> str:
    """Every double quote of ``text`` as ``opening`` or ``closing``, told apart by the character before it.

    After a space, the start of the text or an opening bracket or dash a quote
    opens; anywhere else it closes. Unlike a pairing rule, an unbalanced quote (a
    quotation running over several paragraphs opens each without closing it) is
    still set right.
    """
    out = []
    for char in text:
        if char in DOUBLE_QUOTES:
            char = opening if previous.isspace() or previous in _OPENING_CONTEXT else closing
        out.append(char)
        previous = char
    return "".join(out)


def _month_pattern(months: list[str]) -> re.Pattern[str] | None:
    """A month name (a whole word) followed by a space and a number; group 1 is the name."""
    if not months:
        return None
    alternatives = "|".join(map(re.escape, sorted(months, key=len, reverse=True)))
    return re.compile(rf"(?<!\w)({alternatives}) (?=\d)")


def _inline_children(state: Any) -> list[list[Any]]:
    """The children of each inline token in the language: a unit left in English (a draft's
    untranslated paragraph, marked by :mod:`.markdown`) keeps English conventions."""
    from ..segment import join_soft_breaks

    untranslated: frozenset[str] = state.env.get("untranslated", frozenset())
    return [
        token.children
        for token in state.tokens
        if token.type == "inline"
        and token.children
        and not (untranslated and join_soft_breaks(token.content) in untranslated)
    ]


# --------------------------------------------------------------------------- running heads

PAGE_WIDTHS_MM = {"A3": 297.0, "A4": 210.0, "A5": 148.0, "B5": 176.0, "LETTER": 215.9, "LEGAL": 215.9}
RUNNING_HEAD_PT = 8.0
"""Size of the running head (page.css.j2)."""
INNER_MARGINS_MM = 16.0 + 24.0
"""Left plus right margin of a page (page.css.j2 mirrors 16 and 24 mm)."""


def running_head_width_pt(page_size: str) -> float:
    """Width of the running head's line: the page's width less its margins, in points."""
    words = page_size.split()
    width_mm = PAGE_WIDTHS_MM.get(words[0].upper(), 210.0) if words else 210.0
    if "landscape" in (w.lower() for w in words):
        width_mm = {210.0: 297.0, 148.0: 210.0, 297.0: 420.0}.get(width_mm, width_mm)
    if words and words[0].endswith("mm"):
        width_mm = float(words[0][:-2])
    return (width_mm - INNER_MARGINS_MM) * 72 / 25.4


def fit_running_head(
    title: str, family: str, lang: str, *, width_pt: float, size_pt: float = RUNNING_HEAD_PT
) -> str:
    """``title`` cut at a word and ended with … so it fits one line of ``width_pt`` at ``size_pt``.

    Widths are measured as WeasyPrint will draw them: Pango shapes the text in the
    installed ``family`` (Nastaliq's joined letters are far narrower than their
    isolated forms). A title that fits is returned whole.
    """
    budget = width_pt * 0.95
    if text_width(title, family, lang, size_pt) <= budget:
        return title
    words = title.split()
    kept = ""
    for word in words:
        candidate = f"{kept} {word}" if kept else word
        if text_width(candidate + " …", family, lang, size_pt) > budget:
            break
        kept = candidate
    return (kept.rstrip(" :،,;—-") or words[0]) + " …"


def text_width(text: str, family: str, lang: str, size: float) -> float:
    """Width of ``text`` on one line, shaped by Pango in ``family`` at ``size`` (same unit back)."""
    from weasyprint.text.ffi import ffi, gobject, pango

    context = _pango_context(lang)
    layout = ffi.gc(pango.pango_layout_new(context), gobject.g_object_unref)
    description = ffi.gc(pango.pango_font_description_new(), pango.pango_font_description_free)
    pango.pango_font_description_set_family(description, family.encode())
    pango.pango_font_description_set_absolute_size(description, size * 1024 * 100)
    pango.pango_layout_set_font_description(layout, description)
    encoded = text.encode()
    pango.pango_layout_set_text(layout, encoded, len(encoded))
    line = pango.pango_layout_get_line_readonly(layout, 0)
    ink, logical = ffi.new("PangoRectangle *"), ffi.new("PangoRectangle *")
    pango.pango_layout_line_get_extents(line, ink, logical)
    return float(logical.width) / 1024 / 100


@functools.lru_cache(maxsize=8)
def _pango_context(lang: str) -> Any:
    """A Pango context for ``lang``, kept for the life of the process.

    Never freed on purpose: freeing it at interpreter exit (``ffi.gc``) crashed the
    process after the tests had passed.
    """
    from weasyprint.text.ffi import pango, pangoft2

    font_map = pangoft2.pango_ft2_font_map_new()
    context = pango.pango_font_map_create_context(font_map)
    pango.pango_context_set_language(context, pango.pango_language_from_string(lang.encode()))
    return context
