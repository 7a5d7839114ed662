"""The ``markup-mismatch`` checks: inline Markdown and format placeholders survive translation.

Links (same URLs), images, code spans (same content), emphasis, strong emphasis and
raw HTML are compared as markdown-it parses them; the placeholders of site strings
(``%(link)s``, ``%s``, ``{name}``) are compared verbatim.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .codes import Problem

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

_MARKUP_CHARS = frozenset("[]*_`<>!")
_SKELETON = re.compile(r"\]\([^)]*\)|`+[^`]*`+|<[^>]*>|[*_\[\]!]")
_PLACEHOLDER = re.compile(r"%\([A-Za-z_]\w*\)[sdifr]|%[sdifr]|\{[A-Za-z_]\w*\}")
_PARSER: MarkdownIt | None = None


def _parser() -> MarkdownIt:
    global _PARSER
    if _PARSER is None:
        from markdown_it import MarkdownIt

        _PARSER = MarkdownIt("commonmark")
    return _PARSER


@dataclass(slots=True)
class InlineMarkup:
    links: list[str]
    images: list[str]
    code: list[str]
    emphasis: int
    strong: int
    html: list[str]


def inline_markup(text: str) -> InlineMarkup:
    """Links, images, code spans, emphasis and raw HTML of one segment, as markdown-it parses it."""
    markup = InlineMarkup([], [], [], 0, 0, [])
    if not _MARKUP_CHARS.intersection(text):
        return markup
    tokens = _parser().parseInline(text)
    stack = list(tokens)
    while stack:
        token = stack.pop(0)
        if token.children:
            stack[:0] = token.children
        if token.type == "link_open":
            markup.links.append(str(token.attrGet("href") or ""))
        elif token.type == "image":
            markup.images.append(str(token.attrGet("src") or ""))
        elif token.type == "code_inline":
            markup.code.append(token.content)
        elif token.type == "em_open":
            markup.emphasis += 1
        elif token.type == "strong_open":
            markup.strong += 1
        elif token.type == "html_inline":
            markup.html.append(token.content)
    return markup


def _missing(first: Sequence[str], second: Sequence[str]) -> list[str]:
    rest = list(second)
    result = []
    for item in first:
        if item in rest:
            rest.remove(item)
        else:
            result.append(item)
    return result


def check_markup(source: str, target: str) -> list[Problem]:
    """Links (same URLs), images, code spans (same content), emphasis, strong and HTML tags match."""
    if not _MARKUP_CHARS.intersection(source) and not _MARKUP_CHARS.intersection(target):
        return []
    if _SKELETON.findall(source) == _SKELETON.findall(target):
        return []  # the same markup characters and link URLs in the same order: parsing would agree
    want, got = inline_markup(source), inline_markup(target)
    problems = []

    def add(message: str, hint: str, located: str | None = None) -> None:
        span = None
        if located:
            at = target.find(located)
            span = (at, at + len(located)) if at >= 0 else None
        problems.append(Problem(code="markup-mismatch", message=message, hint=hint, span=span))

    for kind, source_items, target_items in (
        ("link", want.links, got.links),
        ("image", want.images, got.images),
    ):
        lost = _missing(source_items, target_items)
        added = _missing(target_items, source_items)
        for url in lost:
            add(
                f"{kind} to {url} is missing or its URL was changed",
                f"keep [text]({url}) with the URL exactly as in the source",
                added[0] if added else None,
            )
        for url in added[len(lost) :]:
            add(f"{kind} to {url} is not in the source", "remove it or use the source's URL", url)
    for code in _missing(want.code, got.code):
        add(f"code span `{code}` is missing or changed", "copy code spans unchanged, backticks included")
    for code in _missing(got.code, want.code):
        add(f"code span `{code}` is not in the source", "code spans are copied, not translated", code)
    for name, count, have in (
        ("emphasis (*...*)", want.emphasis, got.emphasis),
        ("strong (**...**)", want.strong, got.strong),
    ):
        if count != have:
            add(f"{name}: {count} in the source, {have} in the translation", "keep the same inline markup")
    for tag in _missing(want.html, got.html):
        add(f"HTML tag {tag} is missing", "copy HTML tags unchanged")
    return problems


def check_placeholders(source: str, target: str) -> list[Problem]:
    """Format placeholders (``%(link)s``, ``%s``, ``{name}``) of site strings are kept verbatim."""
    if "%" not in source and "{" not in source and "%" not in target and "{" not in target:
        return []
    want, got = _PLACEHOLDER.findall(source), _PLACEHOLDER.findall(target)
    problems = [
        Problem(
            code="markup-mismatch",
            message=f"placeholder {name} is missing or changed",
            hint=f"copy {name} unchanged; the program fills it in",
        )
        for name in _missing(want, got)
    ]
    for name in _missing(got, want):
        at = target.find(name)
        problems.append(
            Problem(
                code="markup-mismatch",
                message=f"placeholder {name} is not in the source",
                hint="remove it or use the source's placeholder",
                span=(at, at + len(name)),
            )
        )
    return problems
