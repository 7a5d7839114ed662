"""Telling prose from what is not: link destinations, URLs, domains, code, placeholders.

Checks that look at words (script, numbers, length, identical text) first blank out
the regions that are copied verbatim rather than translated, keeping offsets, so a
span found in the masked text is a span of the original.
"""

from __future__ import annotations

import functools
import re

_NOT_PROSE = re.compile(
    r"%\([A-Za-z_]\w*\)[sdifr]|%[sdifr]|\{[A-Za-z_]\w*\}"
    r"|`+[^`]*`+"
    r"|\]\([^)]*\)"
    r"|<[a-z][a-z0-9+.-]*:[^>\s]*>"
    r"|(?:https?://|www\.)[^\s)\]>]+"
    r"|\b[\w-]+(?:\.[\w-]+)*\.(?:org|com|net|info|edu|gov|pk|ir|lk|uk)(?:/[^\s)\]]*)?",
    re.I,
)
ACRONYM_RUN = re.compile(r"[A-Z][A-Z0-9&-]{0,7}s?")
_NOT_PROSE_HINTS = (
    "%", "{", "`", "](", "<", "://", "www.", ".org", ".com", ".net", ".info", ".edu", ".gov",
    ".pk", ".ir", ".lk", ".uk", ".ORG", ".COM",
)  # fmt: skip


@functools.lru_cache(maxsize=8192)
def mask_non_prose(text: str) -> str:
    """``text`` with non-prose regions blanked out (offsets kept)."""
    if not any(hint in text for hint in _NOT_PROSE_HINTS):
        return text  # the common case, decided without the regex
    return _NOT_PROSE.sub(lambda found: " " * len(found.group(0)), text)


def is_prose(text: str) -> bool:
    """Whether English ``text`` has words to translate (not only URLs, code or acronyms)."""
    masked = mask_non_prose(text)
    words = re.findall(r"[A-Za-z]{2,}", masked)
    return any(not ACRONYM_RUN.fullmatch(word) for word in words)
