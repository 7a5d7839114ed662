"""The ``markup-mismatch`` checks: inline Markdown, HTML, entities and placeholders survive.

Links (same URLs), images, code spans (same content), emphasis and strong emphasis
are compared as markdown-it parses them; inline HTML tags, character entities and
format placeholders (printf ``%s`` ``%1$s``, ``%(name)s``, ``{name}``, ICU
``{n, plural``) as :mod:`~pressroom.review.masking` finds them: the same tags, well
nested when the source's are; the same placeholders; the entities that are syntax
(``&lt;`` ``&gt;``) by meaning, and no unknown entity.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .codes import Problem
from .masking import CODE, ENTITY, PLACEHOLDER, TAG, Token, iter_tokens, mask_non_prose, tokens_of

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

_ANY_MARKUP = re.compile(r"[\[\]*_`<>!]")
_SKELETON = re.compile(r"\]\([^)]*\)|`+[^`]*`+|<[^>]*>|[*_\[\]!]")
_TAG_NAME = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)")
_TRANSLATED_ATTRIBUTE = re.compile(r"""\s(title|alt|aria-label|placeholder)\s*=\s*("[^"]*"|'[^']*')""", re.I)
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_SYNTAX_ENTITIES = frozenset("<>")
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
    if not _ANY_MARKUP.search(text):
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


def _only_placeholders(code: str) -> bool:
    """Whether a code span holds only placeholders and punctuation between them."""
    rest = mask_non_prose(code)
    return rest != code and not any(char.isalnum() for char in rest)


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
    if not _ANY_MARKUP.search(source) and not _ANY_MARKUP.search(target):
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
        if _only_placeholders(code) and code in target:
            continue  # `%(app)s.%(model)s` quoted otherwise (not Markdown): the placeholders are kept
        add(f"code span `{code}` is missing or changed", "copy code spans unchanged, backticks included")
    for code in _missing(got.code, want.code):
        add(f"code span `{code}` is not in the source", "code spans are copied, not translated", code)
    for name, count, have in (
        ("emphasis (*...*)", want.emphasis, got.emphasis),
        ("strong (**...**)", want.strong, got.strong),
    ):
        if count != have:
            add(f"{name}: {count} in the source, {have} in the translation", "keep the same inline markup")
    return problems


def _tag_key(tag: str) -> str:
    """A tag as compared: whitespace normalised, translatable attribute values left out."""
    return " ".join(_TRANSLATED_ATTRIBUTE.sub(r" \1", tag).split())


def _nesting_error(tags: Sequence[Token]) -> Token | None:
    """The first tag that breaks the nesting (a close without its open), or an unclosed open."""
    stack: list[tuple[str, Token]] = []
    for tag in tags:
        found = _TAG_NAME.match(tag.text)
        if found is None or tag.text.endswith("/>"):
            continue  # a comment or a self-closed element
        closing, name = found.group(1), found.group(2).lower()
        if name in _VOID:
            continue
        if not closing:
            stack.append((name, tag))
        elif stack and stack[-1][0] == name:
            stack.pop()
        else:
            return tag
    return stack[-1][1] if stack else None


def check_tags(source: str, target: str) -> list[Problem]:
    """Inline HTML tags: the source's tags, no others, and well nested when the source's are."""
    if "<" not in source and "<" not in target:
        return []
    want, got = tokens_of(source, TAG), tokens_of(target, TAG)
    if not want and not got:
        return []
    problems = []
    got_keys = [_tag_key(tag.text) for tag in got]
    want_keys = [_tag_key(tag.text) for tag in want]
    for key in _missing(want_keys, got_keys):
        problems.append(
            Problem(
                code="markup-mismatch", message=f"HTML tag {key} is missing", hint="copy HTML tags unchanged"
            )
        )
    for key in _missing(got_keys, want_keys):
        tag = got[got_keys.index(key)]
        problems.append(
            Problem(
                code="markup-mismatch",
                message=f"HTML tag {key} is not in the source",
                hint="remove it or use the source's tag",
                span=(tag.start, tag.end),
            )
        )
    if problems or _nesting_error(want) is not None:
        return problems
    wrong = _nesting_error(got)
    if wrong is not None:
        problems.append(
            Problem(
                code="markup-mismatch",
                message=f"HTML tags out of order: {wrong.text} breaks the nesting",
                hint="keep each opening tag before its closing tag, pairs nested as in the source",
                span=(wrong.start, wrong.end),
            )
        )
    return problems


def check_entities(source: str, target: str) -> list[Problem]:
    """Character entities: ``&lt;`` and ``&gt;`` kept by meaning, none unknown.

    ``&amp;`` may become the language's word for "and"; quotes and dashes its own marks.
    """
    if "&" not in target and "&" not in source:
        return []
    import html

    problems = []
    want = [html.unescape(token.text) for token in tokens_of(source, ENTITY)]
    got = tokens_of(target, ENTITY)
    meanings = [html.unescape(token.text) for token in got]
    for token, meaning in zip(got, meanings, strict=True):
        if meaning == token.text:
            problems.append(
                Problem(
                    code="markup-mismatch",
                    message=f"unknown character entity {token.text}",
                    hint="check its spelling, or write the character itself",
                    span=(token.start, token.end),
                )
            )
    required = [meaning for meaning in want if meaning in _SYNTAX_ENTITIES]
    for meaning in _missing(required, meanings):
        problems.append(
            Problem(
                code="markup-mismatch",
                message=f"entity for {meaning!r} is missing (the source escapes it)",
                hint=f"write it escaped, as {html.escape(meaning)}",
            )
        )
    return problems


def _placeholder_key(token: Token, numbered: bool) -> str:
    """A placeholder as compared; with ``numbered``, ``%s`` counts as its positional form."""
    text = token.text
    if numbered and text.startswith("%") and "$" not in text and not text.startswith("%("):
        return "%" + text[-1]
    if text.startswith("%") and "$" in text:
        return "%" + text[-1] if numbered else text
    if text.startswith("{") and "," in text:
        return " ".join(text.replace(",", ", ").split())  # ICU argument: name and type
    return text


def _placeholders(text: str) -> list[Token]:
    """Placeholders of ``text``, those inside code spans too (the program fills them alike)."""
    found = []
    for token in iter_tokens(text):
        if token.kind == PLACEHOLDER:
            found.append(token)
        elif token.kind == CODE:
            found += [
                Token(PLACEHOLDER, inner.text, token.start + inner.start, token.start + inner.end)
                for inner in iter_tokens(token.text.strip("`"))
                if inner.kind == PLACEHOLDER
            ]
    return found


def check_placeholders(source: str, target: str) -> list[Problem]:
    """Format placeholders (printf, ``%(name)s``, ``{name}``, ICU) are kept, none invented."""
    if not any(c in source or c in target for c in "%{"):
        return []
    want, got = _placeholders(source), _placeholders(target)
    # %s %s may become %2$s %1$s: compare by conversion only when one side numbers them.
    numbered = any("$" in t.text for t in want) != any("$" in t.text for t in got)
    want_keys = [_placeholder_key(t, numbered) for t in want]
    got_keys = [_placeholder_key(t, numbered) for t in got]
    problems = [
        Problem(
            code="markup-mismatch",
            message=f"placeholder {want[want_keys.index(key)].text} is missing or changed",
            hint=f"copy {want[want_keys.index(key)].text} unchanged; the program fills it in",
        )
        for key in _missing(want_keys, got_keys)
    ]
    for key in _missing(got_keys, want_keys):
        token = got[got_keys.index(key)]
        problems.append(
            Problem(
                code="markup-mismatch",
                message=f"placeholder {token.text} is not in the source",
                hint="remove it or use the source's placeholder",
                span=(token.start, token.end),
            )
        )
    return problems
