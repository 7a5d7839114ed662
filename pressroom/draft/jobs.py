"""One entry being drafted: its layout of literal text and sentences, and what it needs decoded."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .markup import LETTER, PLACEHOLDER_OUT, Masked
from .sentences import SentenceSplitter, Unit


@dataclass(slots=True)
class Job:
    """One entry being drafted: its layout of literal text and sentences to decode."""

    path: Path
    entry: Any
    masked: Masked
    layout: list[str | Unit]
    mode: str = "placeholders"
    notes: list[str] = field(default_factory=list)
    repairs: dict[int, Unit] = field(default_factory=dict)
    """Layout index -> repair unit (glossary term forced as target prefix)."""
    repaired_terms: list[tuple[Any, str]] = field(default_factory=list)
    stage: str = "decode"
    refresh: bool = False
    """The entry holds an untouched machine draft being re-drafted."""
    done: bool = False


def sentence_layout(text: str, splitter: SentenceSplitter) -> list[str | Unit]:
    """Literal text and sentence units of ``text``, joining back to ``text`` exactly."""
    layout: list[str | Unit] = []
    for number, paragraph in enumerate(text.split("\n")):
        if number:
            layout.append("\n")
        cursor = 0
        for start, end in splitter.spans(paragraph) if paragraph.strip() else []:
            layout.append(paragraph[cursor:start])
            sentence = paragraph[start:end]
            # Placeholders, numbers and punctuation alone need no model.
            if LETTER.search(PLACEHOLDER_OUT.sub("", sentence)):
                layout.append(Unit(sentence))
            else:
                layout.append(sentence)
            cursor = end
        layout.append(paragraph[cursor:])
    return [part for part in layout if part != ""]


def runs_layout(masked: Masked, splitter: SentenceSplitter) -> list[str | Unit]:
    """Layout translating each text run between markup on its own (always restorable)."""
    layout: list[str | Unit] = []
    for part in masked.parts:
        if isinstance(part, int):
            layout.append(masked.tags[part].source)
        else:
            layout.extend(sentence_layout(part, splitter))
    return layout


def render_layout(
    layout: Sequence[str | Unit], results: Mapping[Unit, str], repairs: Mapping[int, Unit]
) -> str:
    out = []
    for index, part in enumerate(layout):
        if isinstance(part, Unit):
            out.append(results[repairs.get(index, part)])
        else:
            out.append(part)
    return "".join(out)


def needed_units(job: Job) -> list[Unit]:
    units = [p for p in job.layout if isinstance(p, Unit)]
    return [*units, *job.repairs.values()]
