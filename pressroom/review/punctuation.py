"""The ``end-punctuation`` check: a translation ends as its source does, in its own marks.

Urdu ends a sentence with ``۔``, Persian with ``.``, both ask with ``؟`` and pause
with ``،``; Sinhala uses Latin marks. Markup, entities and placeholders are masked first
(the ``;`` of ``&#8221;`` is no mark). A title without a full stop stays without one.
"""

from __future__ import annotations

import html
import re

from ..languages import Language
from .codes import Problem
from .masking import ENTITY, TAG, Token, mask_non_prose, replace_tokens

_TRAILING = " \t\n\u00a0\"'”’»)]*_\u200f\u200e\u061c"
_END_MARKS = ".?!,;:۔؟،؛…"
_ENTITY_MARKS = frozenset(_TRAILING + _END_MARKS) - {" ", "\t", "\n"}
_SENTENCE_BREAK = re.compile(r"[.!?]\s+[A-Z]")
_ABBREVIATION_END = re.compile(r"(?:\b(?:[A-Za-z]\.){2,}|\betc\.|^\W*[A-Za-z]{1,4}\.)\W*$")
"""A source ending in an abbreviation (``6 a.m.``, ``Nov.``, ``etc.``): its dot is no full stop."""


def _punctuation_view(text: str) -> str:
    """``text`` as punctuation sees it (offsets kept): tags are spaces, an entity is its
    character when that is a quote or mark, placeholders, code and URLs are a word."""
    stripped = text.rstrip(_TRAILING)
    if stripped[-1:] not in (">", ";"):
        return text  # only a tag's ">" or an entity's ";" can pass for a mark at the end
    return replace_tokens(text, _punctuation_token)


def _punctuation_token(token: Token) -> str:
    size = token.end - token.start
    if token.kind == TAG:
        return " " * size
    if token.kind == ENTITY and (meaning := html.unescape(token.text)) in _ENTITY_MARKS:
        return meaning + " " * (size - 1)
    return "x" * size


def _end_mark(text: str) -> tuple[str, int]:
    """The last punctuation mark before closing quotes, brackets and markup, and its offset."""
    index = len(text) - 1
    while index >= 0 and text[index] in _TRAILING:
        index -= 1
    if index >= 2 and text[index - 2 : index + 1] == "...":
        return "…", index
    if index >= 0 and text[index] in _END_MARKS:
        return text[index], index
    return "", index


def check_end_punctuation(source: str, target: str, language: Language) -> list[Problem]:
    """The translation ends the way the source does, in the language's own punctuation."""
    source_view = _punctuation_view(source)
    want, _ = _end_mark(source_view)
    have, at = _end_mark(_punctuation_view(target))
    arabic = language.script == "Arab"
    span = (at, at + 1) if have else None
    expected = {
        ".": language.full_stop,
        "?": language.question_mark,
        ",": language.comma,
        ";": "؛" if arabic else ";",
    }

    def problem(message: str, hint: str) -> list[Problem]:
        return [Problem(code="end-punctuation", message=message, hint=hint, span=span)]

    if arabic and have and have in "?,;":
        return problem(
            f"Latin {have!r} at the end of {language.name} text",
            f"use {expected[have]!r}",
        )
    if have == "۔" and language.full_stop != "۔":
        return problem(f"Urdu full stop '۔' in {language.name}", f"use {language.full_stop!r}")
    if want == "." and _ABBREVIATION_END.search(source_view.rstrip(_TRAILING)):
        want = ""
        if have in (".", "۔"):
            return []
    if want == "?" and have == language.full_stop and _SENTENCE_BREAK.search(mask_non_prose(source)):
        return []  # "X. Why not add one?" may be rephrased "X. You can add one." in a longer message
    if want in expected:
        target_mark = expected[want]
        accepted = {target_mark}
        if want == ".":
            accepted |= {language.question_mark, "!", "…", ":"}
        elif want == ",":
            accepted.add(language.full_stop)  # a segment cannot end mid-sentence; the source slipped
            if not arabic:
                accepted.add("?")
        if have not in accepted:
            found = f"ends with {have!r}" if have else "has no end punctuation"
            return problem(
                f"source ends with {want!r}, translation {found}",
                f"end with {target_mark!r}",
            )
    elif want in ("!", ":", "…"):
        if not have:
            return problem(
                f"source ends with {want!r}, translation has no end punctuation", f"end with {want!r}"
            )
    elif not want and have in (".", "۔"):
        return problem(
            "translation ends with a full stop, the source does not",
            "titles, headings and list items keep the source's (absent) end punctuation",
        )
    return []
