"""Decoding: a package's CTranslate2 and SentencePiece models, and the cache of decoded sentences."""

from __future__ import annotations

import hashlib
import json
import math
import re
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from ..errors import ModelMissingError
from ..models import InstalledPackage, TranslateSettings, model_position_limit, source_special_tokens
from .allocator import keep_freed_memory
from .sentences import SentenceSplitter, Unit, cut_sentence

if TYPE_CHECKING:
    from .report import DraftReport

CACHE_PATH = Path(".cache") / "pressroom" / "drafts.sqlite"
"""Draft cache, relative to the project root."""
MAX_DECODING_LENGTH = 256
"""No draft sentence is decoded longer than this many tokens (runaway guard)."""

_POSITION_ERROR = re.compile(r"No position encodings are defined for positions >= (\d+)")


class Decoder:
    """A package's CTranslate2 model and SentencePiece model, batched decoding."""

    def __init__(
        self, package: InstalledPackage, settings: TranslateSettings, *, beam_size: int, device: str = "cpu"
    ) -> None:
        keep_freed_memory()  # before the model's first buffers: see allocator
        import ctranslate2
        import sentencepiece

        self.package = package
        self.settings = settings
        self.beam_size = beam_size
        self.max_batch_tokens = settings.max_batch_tokens
        self.max_length_factor = settings.max_length_factor
        try:
            self.translator = ctranslate2.Translator(
                str(package.model_dir),
                device=device,
                compute_type=settings.compute_type,
                inter_threads=settings.inter_threads,
                intra_threads=settings.intra_threads,
            )
            self.processor = sentencepiece.SentencePieceProcessor(model_file=str(package.sentencepiece_path))
        except (RuntimeError, ValueError, OSError) as exc:
            raise ModelMissingError(
                f"package {package.name} does not load: {' '.join(str(exc).split())}",
                path=package.path,
                hint="reinstall it (workflow.py models install FILE_OR_NAME); "
                "workflow.py models doctor checks every package",
            ) from exc
        self.splitter = SentenceSplitter(package.splitter_path)
        self.position_limit = model_position_limit(package.model_dir)
        """Positions the model has encodings for (None: unlimited); lowered when the model says so."""
        self.source_extras = source_special_tokens(package.model_dir)
        self.package_prefix = [package.target_prefix] if package.target_prefix else []
        self._tokens: dict[str, list[str]] = {}
        self.options = json.dumps(
            {
                "beam": beam_size,
                "compute": settings.compute_type,
                "prefix": package.target_prefix,
                "length": settings.max_length_factor,
            },
            sort_keys=True,
        )

    def encode(self, text: str) -> list[str]:
        pieces = self._tokens.get(text)
        if pieces is None:
            pieces = list(self.processor.encode(text, out_type=str))
            self._tokens[text] = pieces
        return pieces

    def budget(self, unit: Unit) -> int:
        """The most source tokens one piece of ``unit`` may have.

        The encoder needs a position for every source token and the special tokens the
        model adds; the decoder one for every target token after its forced prefix, and
        a translation is about as long as its source. Whatever the model, a piece stays
        within ``MAX_DECODING_LENGTH`` less the 16 tokens of slack decoding allows.
        """
        prefix = len(self.package_prefix) + (len(self.encode(unit.prefix)) if unit.prefix else 0)
        limits = [MAX_DECODING_LENGTH - 16 - prefix]
        if self.position_limit is not None:
            limits.append(self.position_limit - self.source_extras)
            limits.append(self.position_limit - 1 - prefix)
        return max(1, min(limits))

    def fit(self, unit: Unit) -> list[str | Unit] | None:
        """None when ``unit`` fits the model whole, else its pieces and the text between them."""
        budget = self.budget(unit)
        if len(self.encode(unit.text)) <= budget:
            return None
        return cut_sentence(unit, budget, lambda text: len(self.encode(text)))

    def lower_position_limit(self, error: BaseException) -> bool:
        """Learn the position limit from CTranslate2's error; True when it is lower than assumed."""
        found = _POSITION_ERROR.search(str(error))
        if found is None:
            return False
        limit = int(found.group(1))
        if self.position_limit is not None and limit >= self.position_limit:
            return False
        self.position_limit = limit
        return True

    def translate(self, units: Sequence[Unit], tokens: Sequence[list[str]]) -> list[tuple[str, bool]]:
        """Translate one batch with one ``translate_batch`` call: (text, cut short) per unit.

        Decoding stops at ``max_length_factor`` times the longest source plus 16
        tokens (at most ``MAX_DECODING_LENGTH``, and within the model's positions): a
        real translation ends long before, and a runaway hypothesis costs no more than
        that. A hypothesis that reached the cap is reported as cut short.
        """
        package_prefix = self.package_prefix
        prefixes = [package_prefix + (self.encode(u.prefix) if u.prefix else []) for u in units]
        longest = max(len(t) for t in tokens)
        cap = min(
            MAX_DECODING_LENGTH,
            math.ceil(self.max_length_factor * longest) + 16 + max(len(p) for p in prefixes),
        )
        if self.position_limit is not None:
            cap = min(cap, self.position_limit - 1)
        results = self.translator.translate_batch(
            list(tokens),
            target_prefix=prefixes if any(prefixes) else None,
            beam_size=self.beam_size,
            max_batch_size=0,  # batched already (run._batches); see there why not again
            max_decoding_length=cap,
            replace_unknowns=True,
        )
        outputs = []
        for result in results:
            hypothesis = list(result.hypotheses[0])
            cut = len(hypothesis) >= cap
            if package_prefix and hypothesis[: len(package_prefix)] == package_prefix:
                hypothesis = hypothesis[len(package_prefix) :]
            text = self.processor.decode_pieces(hypothesis)
            if self.package.target_prefix:  # a prefix leaked as text (sin_Sinh)
                text = text.removeprefix(self.package.target_prefix).lstrip()
            outputs.append((text.strip(), cut))
        return outputs


Batch = list[tuple[Unit, list[str]]]
"""Sentences with their SentencePiece tokens, decoded by one ``translate_batch`` call."""
Decoded = list[tuple[str, bool]] | Exception
"""A batch's ``(text, cut short)`` pairs, or the ``RuntimeError``/``ValueError`` it raised."""


class BatchDecoding(Protocol):
    """Batches decoded somewhere else than here (a cluster): the seam of a remote executor."""

    def decode(
        self, decoder: Decoder, batches: Sequence[Batch], report: DraftReport
    ) -> Iterator[tuple[Batch, Decoded]]:
        """Each batch with what :meth:`Decoder.translate` gives for it, in any order.

        Adds the decoding time to ``report.decode_seconds`` and the per-worker load to
        ``report.workers``. Stopping the iteration abandons the batches not yet back.
        """
        ...


class DraftCache:
    """Decoded sentences by (package, version, options, source, prefix): sqlite, append-safe."""

    def __init__(self, path: Path | None) -> None:
        self._db: sqlite3.Connection | None = None
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, timeout=30)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS drafts "
                "(key TEXT PRIMARY KEY, output TEXT NOT NULL, cut INTEGER NOT NULL)"
            )
            self._db.commit()

    @staticmethod
    def key(decoder: Decoder, unit: Unit) -> str:
        raw = json.dumps(
            [decoder.package.name, decoder.package.version, decoder.options, unit.text, unit.prefix]
        )
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()

    def get_many(self, keys: Sequence[str]) -> dict[str, tuple[str, bool]]:
        if self._db is None or not keys:
            return {}
        found: dict[str, tuple[str, bool]] = {}
        for start in range(0, len(keys), 500):
            chunk = list(keys[start : start + 500])
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(f"SELECT key, output, cut FROM drafts WHERE key IN ({marks})", chunk)
            found.update({str(k): (str(v), bool(c)) for k, v, c in rows})
        return found

    def put_many(self, items: Mapping[str, tuple[str, bool]]) -> None:
        if self._db is None or not items:
            return
        rows = [(key, text, int(cut)) for key, (text, cut) in items.items()]
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO drafts VALUES (?, ?, ?)", rows)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
