"""Sentences, the unit the model translates: splitting text into them, and cutting one too long."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_CLAUSE_END = re.compile(r"(?:[,;:،؛)\]”’]|[—–]+)$")
_CHARACTER = re.compile(r"⟦\d+⟧|.", re.DOTALL)


_SENTENCE_END = re.compile(r"""(?<=[.!?…۔؟])["'”’)\]]*(?P<gap>\s+)(?=["'“‘(\[]?[^\s\W_a-z]|⟦)""")
_ABBREVIATION = re.compile(
    r"(?:^|\s)(?:Mr|Mrs|Ms|Dr|Prof|St|Gen|Col|Lt|Sgt|Capt|Rev|Jr|Sr|No|vs|etc|[A-Z])\.$"
)


def split_simple(text: str) -> list[str]:
    """Sentences of ``text`` by punctuation: the fallback when a package has no splitter.

    A full stop after a common title (Mr., Dr.) or a single initial does not end a sentence.
    """
    sentences, start = [], 0
    for found in _SENTENCE_END.finditer(text):
        if _ABBREVIATION.search(text[start : found.start("gap")]):
            continue
        sentences.append(text[start : found.start("gap")])
        start = found.end("gap")
    sentences.append(text[start:])
    return [s.strip() for s in sentences if s.strip()]


class SentenceSplitter:
    """Splits text into sentences the way the package expects (MiniSBD when shipped)."""

    def __init__(self, onnx_path: Path | None, *, threads: int = 1) -> None:
        self._detector: Any = None
        if onnx_path is not None:
            from minisbd import SBDetect

            self._detector = SBDetect(str(onnx_path), use_gpu=False, max_threads=threads)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of each sentence in ``text``; gaps between them are whitespace."""
        pieces = self._detector.sentences(text) if self._detector is not None else split_simple(text)
        spans, cursor = [], 0
        for piece in pieces:
            piece = piece.strip()
            if not piece:
                continue
            start = text.find(piece, cursor)
            if start < 0:  # the splitter normalised something: do not trust it here
                return [] if self._detector is None else self._fallback(text)
            spans.append((start, start + len(piece)))
            cursor = start + len(piece)
        return spans

    def _fallback(self, text: str) -> list[tuple[int, int]]:
        detector, self._detector = self._detector, None
        try:
            return self.spans(text)
        finally:
            self._detector = detector


@dataclass(frozen=True, slots=True)
class Unit:
    """One sentence to decode, with an optional forced start of the translation."""

    text: str
    prefix: str = ""


def cut_sentence(unit: Unit, budget: int, count: Callable[[str], int]) -> list[str | Unit]:
    """Cut a sentence too long for the model into pieces of at most ``budget`` tokens.

    Pieces end at whitespace, preferably after a clause mark (comma, semicolon,
    colon, dash, closing bracket) in the second half of a piece; a single word longer
    than the budget is cut between characters, never inside a placeholder. The result
    alternates pieces (Units; the first keeps the unit's forced prefix) and the
    whitespace between them, and joins back to ``unit.text`` exactly.
    """
    pieces: list[str] = []  # each with its trailing whitespace
    current: list[str] = []
    sizes: list[int] = []
    for word in re.findall(r"\S+\s*", unit.text):
        size = count(word.strip())
        if size > budget:
            if current:
                pieces.append("".join(current))
                current, sizes = [], []
            pieces.extend(_cut_word(word, budget, count))
            continue
        if current and sum(sizes) + size > budget:
            end = len(current)
            for index in range(len(current) - 1, len(current) // 2 - 1, -1):
                if _CLAUSE_END.search(current[index].rstrip()):
                    end = index + 1
                    break
            pieces.append("".join(current[:end]))
            current, sizes = current[end:], sizes[end:]
        current.append(word)
        sizes.append(size)
    if current:
        pieces.append("".join(current))
    fitted = [part for piece in pieces for part in _refit(piece, budget, count)]
    parts: list[str | Unit] = []
    leading = unit.text[: len(unit.text) - len(unit.text.lstrip())]
    if leading:
        parts.append(leading)
    for index, piece in enumerate(fitted):
        text = piece.rstrip()
        parts.append(Unit(text, prefix=unit.prefix if index == 0 else ""))
        if piece[len(text) :]:
            parts.append(piece[len(text) :])
    return parts


def _refit(piece: str, budget: int, count: Callable[[str], int]) -> list[str]:
    """Halve a piece whose whole count exceeds the sum of its words' counts."""
    if count(piece.strip()) <= budget:
        return [piece]
    words = re.findall(r"\S+\s*", piece)
    if len(words) < 2:
        return _cut_word(piece, budget, count)
    middle = len(words) // 2
    return _refit("".join(words[:middle]), budget, count) + _refit("".join(words[middle:]), budget, count)


def _cut_word(word: str, budget: int, count: Callable[[str], int]) -> list[str]:
    """Cut one over-long word into chunks that fit; the last keeps its trailing whitespace."""
    stripped = word.rstrip()
    characters = _CHARACTER.findall(stripped)
    chunks: list[str] = []
    start = 0
    while start < len(characters):
        low, high = start + 1, len(characters)
        while low < high:  # the longest chunk from ``start`` that fits (at least one character)
            middle = (low + high + 1) // 2
            if count("".join(characters[start:middle])) <= budget:
                low = middle
            else:
                high = middle - 1
        chunks.append("".join(characters[start:low]))
        start = low
    chunks[-1] += word[len(stripped) :]
    return chunks
