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
from collections.abc import Callable
from dataclasses import dataclass

TAG = "tag"
ENTITY = "entity"
PLACEHOLDER = "placeholder"
CODE = "code"
URL = "url"

# The token branches in the order they are tried, each with the substrings without
# which it cannot match: a string is searched with only the branches it may hold (one
# regex per combination, compiled once), which keeps the common case cheap. printf
# excludes the space flag (``50% of`` is prose) and needs a conversion letter; ``%%``
# is an escaped percent sign, masked but not a placeholder. Code includes identifiers
# (``get_absolute_url``, ``setup()``); URLs include e-mail addresses, domains, bare
# file paths (``flatpages/default.html``, ``/events/search/``) and file names.
_TLDS = ("org", "com", "net", "info", "edu", "gov", "io", "pk", "ir", "lk", "uk")
_FILE_TYPES = "html? py txt css js json xml po mo cfg ini conf rst md png jpe?g svg pdf zip gz".split()
_BRANCHES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("code", CODE, r"`+[^`]*`+", ("`",)),
    (
        "ident",
        CODE,
        r"\b[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+\b(?:\(\))?|\b[A-Za-z_][\w.]*\(\)",
        ("_", "()"),
    ),
    ("link", URL, r"\]\([^)]*\)", ("](",)),
    ("autolink", URL, r"<[a-z][a-z0-9+.-]*:[^>\s]*>", ("<",)),
    ("tag", TAG, r"<!--.*?-->|</?[A-Za-z][A-Za-z0-9:-]*(?:\s+[^<>]*?)?\s*/?>", ("<",)),
    ("entity", ENTITY, r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});", ("&",)),
    ("pyformat", PLACEHOLDER, r"%\([^\W\d][\w.-]*\)[-+#0]*\d*(?:\.\d+)?[sdifrxXeEgGcoua]", ("%(",)),
    ("percent", "percent", r"%%", ("%%",)),
    (
        "printf",
        PLACEHOLDER,
        r"%(?:[1-9]\d?\$)?[-+#0']*(?:\d+|\*)?(?:\.(?:\d+|\*))?(?:hh|h|ll|l|L|q|j|z|t)?[diouxXeEfFgGaAcsSpr@]",
        ("%",),
    ),
    (
        "icu",
        PLACEHOLDER,
        r"\{\s*[A-Za-z_]\w*\s*,\s*(?:plural|select|selectordinal|number|date|time|spellout)\b",
        (",",),
    ),
    (
        "brace",
        PLACEHOLDER,
        r"\{\{|\}\}|\{[A-Za-z_0-9]*(?:\.[A-Za-z_]\w*|\[[^\]{}]*\])*(?:![rsa])?(?::[^{}\s]*)?\}",
        ("{", "}"),
    ),
    (
        "web",
        URL,
        r"(?:https?|ftp)://[^\s<>\"'`)\]]+[^\s<>\"'`)\].,;:!?؟،۔]|(?:https?|ftp)://[^\s<>\"'`)\]]+"
        r"|www\.[^\s<>\"'`)\]]+[^\s<>\"'`)\].,;:!?؟،۔]",
        ("://", "www."),
    ),
    ("email", URL, r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", ("@",)),
    (
        "domain",
        URL,
        r"\b[\w-]+(?:\.[\w-]+)*\.(?:" + "|".join(_TLDS) + r")\b(?:/[^\s)\]<>\"']*)?",
        tuple(f".{tld}" for tld in _TLDS),
    ),
    ("path", URL, r"(?<![\w/])(?:[A-Za-z0-9_.~-]*/)+[A-Za-z0-9_.-]*[A-Za-z0-9_]/?(?![\w/])", ("/",)),
    (
        "file",
        URL,
        r"\b[A-Za-z0-9_-]+\.(?:" + "|".join(_FILE_TYPES) + r")\b",
        tuple(f".{kind[:2]}" for kind in _FILE_TYPES),
    ),
)
_KINDS = {name: kind for name, kind, _, _ in _BRANCHES}
_HINTS = tuple(sorted({trigger for *_, triggers in _BRANCHES for trigger in triggers if trigger != ","}))
_ANY_HINT = re.compile("|".join(re.escape(hint) for hint in _HINTS))
_ANY_TRIGGER = re.compile("|".join(re.escape(hint) for hint in sorted((*_HINTS, ","), key=len, reverse=True)))


@functools.lru_cache(maxsize=256)
def _token_pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    """One alternation of the named branches, in their order; the group that matched names the kind."""
    return re.compile("|".join(f"(?P<{name}>{body})" for name, _, body, _ in _BRANCHES if name in names))


# Which branches a trigger found in a text enables: those with a trigger inside it
# (a text holding "%(" holds "%" too, so printf is tried as well).
_ENABLES = {
    hint: frozenset(name for name, _, _, triggers in _BRANCHES if any(t in hint for t in triggers))
    for hint in (*_HINTS, ",")
}


def _pattern_for(text: str) -> re.Pattern[str] | None:
    found = set(_ANY_TRIGGER.findall(text))
    enabled = frozenset().union(*(_ENABLES[hint] for hint in found))
    if "icu" in enabled and "{" not in text:
        enabled -= {"icu"}
    names = tuple(name for name, *_ in _BRANCHES if name in enabled)
    return _token_pattern(names) if names else None


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


@functools.lru_cache(maxsize=65536)
def iter_tokens(text: str) -> tuple[Token, ...]:
    """The non-prose tokens of ``text``, in order (cached: msgids are seen per language)."""
    if not _ANY_HINT.search(text):
        return ()  # the common case, one scan in C
    pattern = _pattern_for(text)
    if pattern is None:
        return ()
    syntax = _icu_syntax(text, pattern) if "{" in text and "," in text else []
    tokens = list(syntax)
    for found in pattern.finditer(text):
        start, end = found.span()
        if syntax and any(s.start < end and start < s.end for s in syntax):
            continue
        tokens.append(Token(_KINDS[found.lastgroup or "web"], found.group(0), start, end))
    return tuple(sorted(tokens, key=lambda token: token.start)) if syntax else tuple(tokens)


_ICU_SELECTOR = re.compile(r"\s*(?:offset:\d+\s*)?(=\d+|[A-Za-z_]\w*)\s*\{")


def _icu_syntax(text: str, pattern: re.Pattern[str]) -> list[Token]:
    """The skeleton of ICU messages (``{n, plural, one {# file} other {# files}}``).

    The argument (``{n, plural``) is a placeholder; selectors, braces and ``#`` are
    syntax, masked but not compared (languages have different plural categories).
    The branch texts stay prose.
    """
    tokens: list[Token] = []
    for found in pattern.finditer(text):
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


@functools.lru_cache(maxsize=65536)
def mask_non_prose(text: str, fill: str = " ") -> str:
    """``text`` with every non-prose token replaced by ``fill`` characters (offsets kept).

    ``fill=" "`` suits checks of words and numbers; ``fill="\\x00"`` keeps a token
    from looking like whitespace (for the spacing check).
    """
    return replace_tokens(text, lambda token: fill * (token.end - token.start))


def replace_tokens(text: str, replacement: Callable[[Token], str]) -> str:
    """``text`` with each non-prose token replaced by ``replacement(token)``, of the same length."""
    tokens = iter_tokens(text)
    if not tokens:
        return text
    pieces = []
    position = 0
    for token in tokens:
        pieces.append(text[position : token.start])
        pieces.append(replacement(token))
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
