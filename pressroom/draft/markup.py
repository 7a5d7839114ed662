"""Inline Markdown kept out of the model: numbered placeholders in, markup back out."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

PLACEHOLDER = "⟦{}⟧"
PLACEHOLDER_OUT = re.compile(r"⟦\s*([0-9\u06f0-\u06f9\u0660-\u0669]+)\s*⟧")
"""A placeholder as a model may give it back: spaces inside, localised digits."""
LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True, slots=True, kw_only=True)
class Tag:
    """One piece of inline markup kept out of the model."""

    source: str
    """The exact Markdown text it stands for (a URL, ``**``, ``](https://...)``)."""
    role: str
    """``atom`` (code, URL, image, HTML, escape), ``open`` or ``close``."""
    partner: int | None = None
    """Index of the matching close (for ``open``) or open (for ``close``) tag."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Masked:
    """A segment with its inline markup replaced by placeholders."""

    text: str
    """The segment with ``⟦n⟧`` where tag n was."""
    tags: tuple[Tag, ...]
    parts: tuple[str | int, ...]
    """The segment as text runs (str) and tag indices (int), in order."""


_ATOM = re.compile(
    r"""
      \\[!-/:-@\[-`{-~]                                   # backslash escape
    | (?P<ticks>`+).+?(?P=ticks)                          # code span
    | <(?:[A-Za-z][A-Za-z0-9+.-]{1,31}:[^<>\s]*|[^<>\s@]+@[^<>\s]+)>   # autolink
    | </?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>            # inline HTML
    | !\[[^\]]*\]\([^)]*\)                                # image
    | (?:https?://|www\.)[^\s<>()]*[^\s<>().,;:!?'"]      # bare URL
    """,
    re.VERBOSE | re.DOTALL,
)
_LINK = re.compile(
    r"""\[(?P<text>(?:[^\[\]\\]|\\.|\[[^\[\]]*\])*)\]
        (?P<rest>\((?:<[^>]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)(?:\s+(?:"[^"]*"|'[^']*'|\([^)]*\)))?\s*\)
               |\[[^\[\]]+\])""",
    re.VERBOSE,
)
_DELIMITER = re.compile(r"\*{1,3}|_{1,3}|~~")


def mask_markup(text: str) -> Masked:
    """Replace inline Markdown markup by placeholders; see ``Masked``.

    Link text and emphasised text stay in the sentence (between an open and a close
    placeholder) so the model translates them in context; what must never change
    (URLs, code, HTML, images) becomes an atom. Delimiters that cannot pair are kept
    as atoms too, so they come back byte for byte.
    """
    items: list[Any] = []  # chars, or [role, source, partner, delimiter info] lists
    pending_close: dict[int, tuple[int, int]] = {}
    delimiters: list[int] = []  # positions in items of delimiter candidates
    i, n = 0, len(text)
    while i < n:
        if i in pending_close:
            end, opener = pending_close.pop(i)
            items[opener][2] = len(items)
            items.append(["close", text[i:end], opener, None])
            i = end
            continue
        found = _ATOM.match(text, i)
        if found:
            items.append(["atom", found.group(0), None, None])
            i = found.end()
            continue
        found = _LINK.match(text, i) if text[i] == "[" else None
        if found and found.group("text").strip():
            pending_close[found.end("text")] = (found.end(), len(items))
            items.append(["open", "[", None, None])
            i += 1
            continue
        found = _DELIMITER.match(text, i)
        if found:
            run = found.group(0)
            before = text[i - 1] if i else " "
            after = text[found.end()] if found.end() < n else " "
            can_open = not after.isspace()
            can_close = not before.isspace()
            if run[0] == "_" and before.isalnum() and after.isalnum():
                can_open = can_close = False  # snake_case, intraword underscore
            if can_open or can_close:
                delimiters.append(len(items))
                items.append(["delim", run, None, (can_open, can_close)])
                i = found.end()
                continue
        items.append(text[i])
        i += 1
    stack: list[int] = []
    for position in delimiters:
        entry = items[position]
        assert isinstance(entry, list)
        can_open, can_close = entry[3]
        match = next((s for s in reversed(stack) if items[s][1] == entry[1]), None)
        if can_close and match is not None:
            stack = stack[: stack.index(match)]
            opener = items[match]
            assert isinstance(opener, list)
            opener[0], opener[2] = "open", position
            entry[0], entry[2] = "close", match
        elif can_open:
            stack.append(position)
    tags: list[Tag] = []
    index_of: dict[int, int] = {}
    for position, entry in enumerate(items):
        if isinstance(entry, list):
            index_of[position] = len(tags)
            tags.append(Tag(source=entry[1], role="atom" if entry[0] in ("atom", "delim") else entry[0]))
    for position, entry in enumerate(items):
        if isinstance(entry, list) and entry[0] in ("open", "close") and entry[2] is not None:
            tag = tags[index_of[position]]
            tags[index_of[position]] = Tag(source=tag.source, role=tag.role, partner=index_of[entry[2]])
    parts: list[str | int] = []
    for position, entry in enumerate(items):
        if isinstance(entry, list):
            parts.append(index_of[position])
        elif parts and isinstance(parts[-1], str):
            parts[-1] += entry
        else:
            parts.append(entry)
    masked = "".join(PLACEHOLDER.format(p) if isinstance(p, int) else p for p in parts)
    return Masked(text=masked, tags=tuple(tags), parts=tuple(parts))


def _ascii_digits(text: str) -> int:
    return int("".join(str(int(ch)) if not ch.isascii() else ch for ch in text))


def unmask_markup(translated: str, masked: Masked) -> str | None:
    """Put the markup back into a translation of ``masked.text``; None when impossible.

    Every placeholder must come back exactly once (the model may add spaces inside
    it or localise its digits), each open before its close, and nothing else that
    looks like a placeholder. Whitespace the model put just inside a link or an
    emphasis is moved out, or the Markdown would stop being emphasis.
    """
    found = list(PLACEHOLDER_OUT.finditer(translated))
    numbers = [_ascii_digits(m.group(1)) for m in found]
    if sorted(numbers) != list(range(len(masked.tags))):
        return None
    position = {number: k for k, number in enumerate(numbers)}
    for number, tag in enumerate(masked.tags):
        if tag.role == "open" and tag.partner is not None and position[number] > position[tag.partner]:
            return None
    canon = PLACEHOLDER_OUT.sub(lambda m: PLACEHOLDER.format(_ascii_digits(m.group(1))), translated)
    for number, tag in enumerate(masked.tags):
        mark = re.escape(PLACEHOLDER.format(number))
        if tag.role == "open":
            canon = re.sub(
                rf"(\S?)({mark})\s+",
                lambda m: m.group(1) + (" " if LETTER.match(m.group(1)) else "") + m.group(2),
                canon,
            )
        elif tag.role == "close":
            canon = re.sub(
                rf"\s+({mark})(\S?)",
                lambda m: m.group(1) + (" " + m.group(2) if LETTER.match(m.group(2)) else m.group(2)),
                canon,
            )
    return re.sub(r"⟦(\d+)⟧", lambda m: masked.tags[int(m.group(1))].source, canon)
