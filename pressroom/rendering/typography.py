"""Rendering, typography: a language's quotation marks and no-break spaces, set as its press sets them.

Input: a markdown-it parser and a :class:`~pressroom.languages.Language`. Output: the
same parser with two core rules on the text of inline tokens (never on code, never on
markup), so every page and both columns of a bilingual edition follow the language:

- ``quotes``: straight, curly and angle double quotes become the language's pair,
  opening and closing told apart by the character before each (logical order, so
  right-to-left text needs nothing special). Urdu opens with ” and closes with “:
  in a right-to-left line the opening mark stands at the right of the quotation and
  must face it. Persian uses « », Sinhala and English “ ”. Single quotes and
  apostrophes are left as written.
- ``no_break_after_numbers``: a space between a number and the word after it
  (``5 جنوری``, ``24 گھنٹوں``), and between a month name and the number after it
  (``ජනවාරි 3``), becomes a no-break space, so a number never ends a line without
  its unit or month.
"""

from __future__ import annotations

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
    return [token.children for token in state.tokens if token.type == "inline" and token.children]
