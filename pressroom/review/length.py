"""The ``identical-to-source`` and ``length-ratio`` checks: a translation's size and sameness.

An entry whose translation is its English prose was not translated; one far shorter
or longer than the language usually is (``[review] length_ratio``) may have lost or
gained text.
"""

from __future__ import annotations

from ..languages import Language
from .codes import Problem, ReviewSettings
from .masking import is_prose, mask_non_prose

MIN_LENGTH_FOR_RATIO = 30
"""Shorter sources (titles, names) vary too much for a ratio to mean anything."""


def check_identical(source: str, target: str, language: Language) -> list[Problem]:
    """The translation is not the English prose of the source, left as it was."""
    if target.strip() != source.strip() or not is_prose(source):
        return []
    return [
        Problem(
            code="identical-to-source",
            message="translation is the English source text",
            hint=f"translate it into {language.name}",
            span=(0, len(target)),
        )
    ]


def check_length(source: str, target: str, lang: str, settings: ReviewSettings) -> list[Problem]:
    """The translation is not far shorter or longer than the language usually is."""
    if len(source) < MIN_LENGTH_FOR_RATIO:
        return []  # masking only shortens it
    source_length = len(mask_non_prose(source).strip())
    if source_length < MIN_LENGTH_FOR_RATIO:
        return []
    expected = settings.length_ratio.get(lang, 1.0)
    ratio = len(mask_non_prose(target).strip()) / source_length
    tolerance = settings.length_tolerance
    if expected / tolerance <= ratio <= expected * tolerance:
        return []
    side = "short" if ratio < expected else "long"
    return [
        Problem(
            code="length-ratio",
            message=f"translation is {ratio:.2f}x the source length (usual for {lang}: {expected:.2f}x)",
            hint=f"check that nothing was left out or added; {side} translations often are truncated"
            if side == "short"
            else "check for repeated or added text",
        )
    ]
