"""Names and acronyms in the sources that the glossary lacks (``glossary suggest``)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .terms import _NOT_PROSE, Glossary

_CAPITALISED = r"[A-Z][a-zA-Z]*(?:['’][a-z]+)?(?:-[A-Za-z]+)*"
_NAME_RUN = re.compile(
    rf"(?<![\w-]){_CAPITALISED}(?:(?:\s+(?:of|for|the|de|al|ul|bin|e|i)){{0,2}}\s+{_CAPITALISED})*"
)
_ACRONYM_TOKEN = re.compile(r"(?<![\w-])[A-Z][A-Z0-9]+(?:-[A-Z0-9]+)*(?![\w-])")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s+|\n\s*|[\"“(*#>]\s*)$")
_LEADING_WORDS = frozenset(
    """a an the in on at of for and but or nor so yet if when while after before since as by
    from to with without however moreover instead also this that these those there their they he she it
    its his her we our you your i many some most one two three four five six seven eight nine ten
    eleven twelve not only both like what which who whom why how no yes according following
    despite during unless until soon any all each every other such more less those boosted seeking
    leaders later earlier then now today yesterday meanwhile""".split()
)
_CALENDAR = frozenset(
    """january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday""".split()
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Suggestion:
    """A name or acronym found in the sources and not in the glossary."""

    text: str
    kind: str
    """``acronym`` or ``name``."""
    count: int
    articles: tuple[str, ...]


def _covered(glossary: Glossary | None, text: str) -> list[bool]:
    covered = [False] * len(text)
    if glossary is not None:
        for match in glossary.match_source(text):
            for index in range(match.start, match.end):
                covered[index] = True
    return covered


def _candidates(text: str) -> Iterable[tuple[str, str]]:
    """(kind, text) of proper-noun candidates in English ``text``."""
    prose = _NOT_PROSE.sub(lambda found: " " * len(found.group(0)), text)
    for found in _ACRONYM_TOKEN.finditer(prose):
        yield "acronym", found.group(0)
    for found in _NAME_RUN.finditer(prose):
        words = found.group(0).split()
        start = found.start()
        # Drop function words and sentence-initial capitals in front of the name.
        sentence_initial = bool(_SENTENCE_START.search(prose[:start]))
        if sentence_initial and len(words) > 2 and words[1] == "the":
            words = words[2:]  # "Later the IMF": a sentence opener, then the name
            sentence_initial = False
        while words and (
            words[0].lower() in _LEADING_WORDS
            or words[0].lower() in _CALENDAR
            or (sentence_initial and len(words) == 1)
        ):
            words.pop(0)
            sentence_initial = False
        while words and words[-1].lower() in _LEADING_WORDS | _CALENDAR:
            words.pop()
        if not words:
            continue
        name = re.sub(r"['’]s$", "", " ".join(words))
        if name.isupper() and " " not in name:
            continue  # acronyms are counted above
        yield "name", name


def suggest_terms(articles: Iterable[tuple[str, str]], glossary: Glossary | None) -> list[Suggestion]:
    """Names and acronyms in ``(slug, English text)`` pairs that the glossary lacks.

    Capitalised word runs (joined by of/for/the...) not covered by a glossary term,
    with leading function words and lone sentence-initial capitals dropped, and
    acronyms; counted over all articles, most frequent first.
    """
    counts: dict[tuple[str, str], int] = {}
    seen_in: dict[tuple[str, str], dict[str, None]] = {}
    for slug, text in articles:
        for kind, candidate in _candidates(text):
            covered = _covered(glossary, candidate)
            if all(covered[index] for index, char in enumerate(candidate) if not char.isspace()):
                continue
            # Keep only the uncovered words: "Army Chief General" -> "General".
            pieces = re.split(r"\s+", "".join(c if not covered[i] else " " for i, c in enumerate(candidate)))
            remainder = " ".join(piece for piece in pieces if piece)
            remainder = re.sub(r"^(?:(?:of|for|and|the)\s+)+|(?:\s+(?:of|for|and|the))+$", "", remainder)
            if not remainder or remainder.lower() in _LEADING_WORDS | _CALENDAR:
                continue
            if len(remainder) < 2 or not remainder[0].isupper():
                continue  # a covered name's leftovers: "-backed", "'s"
            key = (kind, remainder)
            counts[key] = counts.get(key, 0) + 1
            seen_in.setdefault(key, {})[slug] = None
    suggestions = [
        Suggestion(text=text, kind=kind, count=count, articles=tuple(seen_in[(kind, text)]))
        for (kind, text), count in counts.items()
    ]
    suggestions.sort(key=lambda item: (-item.count, item.text.casefold()))
    return suggestions
