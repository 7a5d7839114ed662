"""Telling prose from what is not: markup, placeholders, entities, code and URLs.

Input: one source or translation string. Output: its non-prose tokens (inline HTML
tags, character entities, printf / Python-format / brace / ICU placeholders, code
spans, link destinations and URLs) and the text with them blanked out, offsets kept,
so a span found in the masked text is a span of the original.

Checks that judge words (script, numbers, punctuation, spacing, length, identical
text) look only at the masked text; ``markup`` compares the tokens themselves (same
tags well nested, same placeholders, entities by meaning).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

TAG = "tag"
ENTITY = "entity"
PLACEHOLDER = "placeholder"
CODE = "code"
URL = "url"

# One alternation, tried left to right at each position; the group that matched names
# the kind. printf excludes the space flag (``50% of`` is prose) and needs a
# conversion letter; ``%%`` is an escaped percent sign, masked but not a placeholder.
_TOKEN = re.compile(
    r"(?P<code>`+[^`]*`+)"
    r"|(?P<ident>\b[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+\b(?:\(\))?|\b[A-Za-z_][\w.]*\(\))"
    r"|(?P<link>\]\([^)]*\))"
    r"|(?P<autolink><[a-z][a-z0-9+.-]*:[^>\s]*>)"
    r"|(?P<tag><!--.*?-->|</?[A-Za-z][A-Za-z0-9:-]*(?:\s+[^<>]*?)?\s*/?>)"
    r"|(?P<entity>&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});)"
    r"|(?P<pyformat>%\([^\W\d][\w.-]*\)[-+#0]*\d*(?:\.\d+)?[sdifrxXeEgGcoua])"
    r"|(?P<percent>%%)"
    r"|(?P<printf>%(?:[1-9]\d?\$)?[-+#0']*(?:\d+|\*)?(?:\.(?:\d+|\*))?(?:hh|h|ll|l|L|q|j|z|t)?"
    r"[diouxXeEfFgGaAcsSpr@])"
    r"|(?P<icu>\{\s*[A-Za-z_]\w*\s*,\s*(?:plural|select|selectordinal|number|date|time|spellout)\b)"
    r"|(?P<brace>\{\{|\}\}|\{[A-Za-z_0-9]*(?:\.[A-Za-z_]\w*|\[[^\]{}]*\])*(?:![rsa])?(?::[^{}\s]*)?\})"
    r"|(?P<url>(?:https?|ftp)://[^\s<>\"'`)\]]+[^\s<>\"'`)\].,;:!?؟،۔]|(?:https?|ftp)://[^\s<>\"'`)\]]+"
    r"|www\.[^\s<>\"'`)\]]+[^\s<>\"'`)\].,;:!?؟،۔]"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|\b[\w-]+(?:\.[\w-]+)*\.(?:org|com|net|info|edu|gov|io|pk|ir|lk|uk)\b(?:/[^\s)\]<>\"']*)?"
    r"|(?<![\w/])(?:[A-Za-z0-9_.~-]*/)+[A-Za-z0-9_.-]*[A-Za-z0-9_]/?(?![\w/])"
    r"|\b[A-Za-z0-9_-]+\.(?:html?|py|txt|css|js|json|xml|po|mo|cfg|ini|conf|rst|md|png|jpe?g|svg|pdf|zip|gz)\b)",
)
_KINDS = {
    "code": CODE,
    "ident": CODE,
    "link": URL,
    "autolink": URL,
    "tag": TAG,
    "entity": ENTITY,
    "pyformat": PLACEHOLDER,
    "percent": "percent",
    "printf": PLACEHOLDER,
    "icu": PLACEHOLDER,
    "brace": PLACEHOLDER,
    "url": URL,
}
# Code includes identifiers (``get_absolute_url``, ``setup()``); URLs include bare file
# paths (``flatpages/default.html``, ``/events/search/``) and file names.
_HINTS = ("%", "{", "}", "`", "](", "<", "&", "://", "www.", "@", ".", "/", "_", "()")
ACRONYM_RUN = re.compile(r"[A-Z][A-Z0-9&-]{0,7}s?")


@dataclass(frozen=True, slots=True)
class Token:
    """One non-prose piece of a string."""

    kind: str
    """``tag``, ``entity``, ``placeholder``, ``code``, ``url`` or ``percent`` (``%%``)."""
    text: str
    """The token as written."""
    start: int
    """Offset of its first character."""
    end: int
    """Offset after its last character."""


@functools.lru_cache(maxsize=16384)
def iter_tokens(text: str) -> tuple[Token, ...]:
    """The non-prose tokens of ``text``, in order (cached: msgids are seen per language)."""
    if not any(hint in text for hint in _HINTS):
        return ()
    syntax = _icu_syntax(text) if "{" in text else []
    tokens = list(syntax)
    for found in _TOKEN.finditer(text):
        start, end = found.span()
        if syntax and any(s.start < end and start < s.end for s in syntax):
            continue
        tokens.append(Token(_KINDS[found.lastgroup or "url"], found.group(0), start, end))
    return tuple(sorted(tokens, key=lambda token: token.start)) if syntax else tuple(tokens)


_ICU_SELECTOR = re.compile(r"\s*(?:offset:\d+\s*)?(=\d+|[A-Za-z_]\w*)\s*\{")


def _icu_syntax(text: str) -> list[Token]:
    """The skeleton of ICU messages (``{n, plural, one {# file} other {# files}}``).

    The argument (``{n, plural``) is a placeholder; selectors, braces and ``#`` are
    syntax, masked but not compared (languages have different plural categories).
    The branch texts stay prose.
    """
    tokens: list[Token] = []
    for found in _TOKEN.finditer(text):
        if found.lastgroup != "icu" or any(t.start <= found.start() < t.end for t in tokens):
            continue
        tokens.append(Token(PLACEHOLDER, found.group(0), found.start(), found.end()))
        position = found.end()
        comma = text.find(",", position)
        brace = text.find("{", position)
        if comma != -1 and (brace == -1 or comma < brace):
            position = comma + 1  # the style part: "{n, plural," or "{d, date, short}"
        while True:
            selector = _ICU_SELECTOR.match(text, position)
            if selector is None:
                break
            tokens.append(Token("syntax", selector.group(0), selector.start(), selector.end()))
            depth, index = 1, selector.end()
            while index < len(text) and depth:
                char = text[index]
                if char == "{":
                    depth += 1
                elif char == "}":
                    depth -= 1
                elif char == "#" and depth == 1:
                    tokens.append(Token("syntax", "#", index, index + 1))
                index += 1
            if depth:
                return tokens  # unterminated: leave the rest as it is
            tokens.append(Token("syntax", "}", index - 1, index))
            position = index
        closing = re.compile(r"\s*\}").match(text, position)
        if closing:
            tokens.append(Token("syntax", closing.group(0), closing.start(), closing.end()))
    return tokens


@functools.lru_cache(maxsize=16384)
def mask_non_prose(text: str, fill: str = " ") -> str:
    """``text`` with every non-prose token replaced by ``fill`` characters (offsets kept).

    ``fill=" "`` suits checks of words and numbers; ``fill="\\x00"`` keeps a token
    from looking like whitespace (for the spacing check).
    """
    tokens = iter_tokens(text)
    if not tokens:
        return text
    pieces = []
    position = 0
    for token in tokens:
        pieces.append(text[position : token.start])
        pieces.append(fill * (token.end - token.start))
        position = token.end
    pieces.append(text[position:])
    return "".join(pieces)


def tokens_of(text: str, kind: str) -> list[Token]:
    """The tokens of one kind in ``text``."""
    return [token for token in iter_tokens(text) if token.kind == kind]


def is_prose(text: str) -> bool:
    """Whether English ``text`` has words to translate (not only URLs, code, acronyms or a name).

    A lone capitalised or mixed-case word (``Daemon``, ``UPnP``, ``Infohash:``) may be
    a name or product kept as it is; two words or a lowercase word are prose.
    """
    masked = mask_non_prose(text)
    words = [word for word in re.findall(r"[A-Za-z]{2,}", masked) if not ACRONYM_RUN.fullmatch(word)]
    if len(words) == 1 and not words[0].islower() and len(re.findall(r"[A-Za-z]+", masked)) == 1:
        return False
    return bool(words)
