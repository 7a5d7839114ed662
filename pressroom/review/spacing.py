"""The ``double-space`` and ``bidi-control`` checks: what the eye does not see in a translation.

A doubled space the source does not have, and bidi control characters (LRM, RLM,
embeddings, isolates) the source does not have: direction comes from the page's
``lang`` and ``dir`` attributes, never from characters in the text. A directional
mark beside a Latin, numeric or placeholder run is deliberate ordering and passes.
"""

from __future__ import annotations

import re

from ..scripts import BIDI_CONTROLS, BIDI_NAMES
from .codes import Problem
from .masking import mask_non_prose

_DOUBLE_SPACE = re.compile(r"(?<=\S)[ \u00a0]{2,}(?=\S)")
_BIDI = re.compile("[" + "".join(sorted(BIDI_CONTROLS)) + "]")


def check_double_space(source: str, target: str) -> list[Problem]:
    """No doubled space between words, unless the source has one."""
    if "  " not in target and "\u00a0" not in target:
        return []
    if _DOUBLE_SPACE.search(mask_non_prose(source, "\x00")):
        return []
    found = _DOUBLE_SPACE.search(mask_non_prose(target, "\x00"))  # spaces inside code stay
    if not found:
        return []
    return [
        Problem(
            code="double-space",
            message="doubled space in the translation",
            hint="use one space between words",
            span=(found.start(), found.end()),
        )
    ]


_MARKS = frozenset("\u200e\u200f\u061c")


def _steers_neutral(text: str, index: int) -> bool:
    """Whether the mark at ``index`` orders a Latin, numeric or placeholder run in RTL text.

    In UI strings shown outside our pages (no ``dir`` to rely on), an LRM after
    ``[DD] [HH:]MM`` or an RLM before a leading ``%(name)s`` is deliberate. A mark
    between two words of the same script is not.
    """
    if text[index] not in _MARKS:
        return False
    before = text[:index].rstrip()
    after = text[index + 1 :].lstrip()
    neighbours = (before[-1:] or " ", after[:1] or " ")
    return any(not ("\u0600" <= char <= "\u06ff" or char == " ") for char in neighbours)


def check_bidi_controls(source: str, target: str) -> list[Problem]:
    """No invisible bidi control characters that the source does not have."""
    if not _BIDI.search(target):
        return []
    stray = [
        index
        for index, char in enumerate(target)
        if char in BIDI_CONTROLS and char not in source and not _steers_neutral(target, index)
    ]
    if not stray:
        return []
    names = sorted({BIDI_NAMES[target[index]] for index in stray})
    return [
        Problem(
            code="bidi-control",
            message=f"invisible bidi control character{'s' if len(names) > 1 else ''} "
            f"{', '.join(names)} in the translation",
            hint="delete it; direction comes from the page's lang and dir attributes",
            span=(stray[0], stray[0] + 1),
        )
    ]
