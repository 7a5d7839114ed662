"""Rendering, glyph coverage: the characters of a page that no configured font has.

Input: a page's HTML and the font faces of the plan (every language's own, the
fallback chain of emoji, symbol and mathematics faces, the code face). Output: one
warning per character that none of them maps, naming the character, the page and
the article. The page is still written: a browser or WeasyPrint draws a box there,
and the warning says which font to add (``[render] fallback_fonts``).
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterator, Sequence
from html.parser import HTMLParser
from pathlib import Path

from .fonts import describe_character, font_coverage
from .plan import Plan

_SKIPPED_TAGS = frozenset({"head", "script", "style", "template"})
_INVISIBLE = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})
"""Controls, format characters (joiners, bidi marks) and spaces: shaped, not drawn from a font."""


def _invisible(char: str) -> bool:
    code = ord(char)
    if 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF:  # variation selectors
        return True
    return unicodedata.category(char) in _INVISIBLE


class _TextOf(HTMLParser):
    """The text a reader sees: data outside head, scripts and styles."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self.skipping += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS and self.skipping:
            self.skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def iter_visible_characters(html_text: str) -> Iterator[str]:
    """Each distinct character of the page's visible text that a font must draw, in order."""
    parser = _TextOf()
    parser.feed(html_text)
    parser.close()
    seen: set[str] = set()
    for part in parser.parts:
        for char in part:
            if char not in seen:
                seen.add(char)
                if not _invisible(char):
                    yield char


@functools.lru_cache(maxsize=16)
def _covered(paths: tuple[Path, ...]) -> frozenset[int]:
    covered: set[int] = set()
    for path in paths:
        covered |= font_coverage(path)
    return frozenset(covered)


def plan_font_paths(plan: Plan) -> tuple[Path, ...]:
    """Every font file the plan's stylesheets name, in a stable order."""
    faces = [face for faces in plan.faces.values() for face in faces]
    faces += [*plan.fallback_faces, *plan.code_faces]
    return tuple(dict.fromkeys(face.path for face in faces))


def uncovered_characters(html_text: str, font_paths: Sequence[Path]) -> list[str]:
    """Characters of the page's visible text that none of ``font_paths`` has."""
    covered = _covered(tuple(font_paths))
    return [char for char in iter_visible_characters(html_text) if ord(char) not in covered]


def coverage_warnings(chars: Sequence[str], *, page: str, article: str) -> list[str]:
    """One warning per page naming every character no font has (with its name when few)."""
    if not chars:
        return []
    if len(chars) <= 3:
        named = "; ".join(describe_character(char) for char in chars)
    else:
        named = f"{len(chars)} characters: " + ", ".join(f"U+{ord(char):04X} {char}" for char in chars)
    return [
        f"{page} ({article}): no configured font has {named}; they show as boxes "
        "(hint: add a font that has them to [render] fallback_fonts)"
    ]
