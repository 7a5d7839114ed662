"""Drafting, remote decoding: batches of tokenised sentences -> translations, on a cluster.

Input: the driver's :class:`~pressroom.draft.Decoder` (which package, settings,
beam) and its length-sorted batches. Output: each batch's ``(text, cut short)``
pairs, yielded as workers finish them. The package folder travels to the workers
as bytes once per run (:class:`~pressroom.cluster.FileBundle`), is written once per
worker and content, and its CTranslate2 model stays loaded in the worker process
for every later batch. Workers see no catalog, cache or glossary: the driver keeps
planning, repairs, the draft cache and every write.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..cluster import Engine, FileBundle, bundle_files, materialise, record_load, worker_cached
from ..models import InstalledPackage, TranslateSettings

if TYPE_CHECKING:
    from ..draft import DraftReport, Unit
    from ..draft.decoder import Batch, Decoded, Decoder

DEVICE_ENV = "PRESSROOM_DEVICE"
"""On a worker: ``cpu``, ``cuda`` or ``auto`` (the default: CUDA when the worker has a GPU)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class DecoderSpec:
    """What a worker needs to decode like the driver would: sent once per run."""

    package: InstalledPackage
    """The driver's package; its ``path`` is replaced by the worker's copy."""
    files: FileBundle
    """The package folder's files."""
    settings: TranslateSettings
    beam_size: int


@dataclass(frozen=True, slots=True, kw_only=True)
class DecodeJob:
    """One batch: the units and their SentencePiece tokens, as the driver cut it."""

    units: tuple[Unit, ...]
    tokens: tuple[tuple[str, ...], ...]
    position_limit: int | None
    """The model's position limit as the driver knows it now (it may learn a lower one)."""


def worker_device() -> str:
    """The device this worker decodes on: ``$PRESSROOM_DEVICE``, else CUDA if it has one."""
    wanted = os.environ.get(DEVICE_ENV, "auto").strip().lower() or "auto"
    if wanted != "auto":
        return wanted
    import ctranslate2

    return "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"


def _threads() -> int:
    """Task threads of this Dask worker: that many batches may decode at once."""
    try:
        from distributed import get_worker

        return max(1, int(getattr(get_worker(), "nthreads", 1)))
    except (ImportError, ValueError):
        return 1


def _load(spec: DecoderSpec) -> Decoder:
    from ..draft.decoder import Decoder

    folder = materialise(spec.files)
    package = dataclasses.replace(spec.package, path=folder)
    # One batch per task thread in parallel; each with [translate] intra_threads
    # cores, or one: a worker is sized in threads, and 0 ("all cores") would put
    # every worker of a machine on every core.
    settings = dataclasses.replace(
        spec.settings, inter_threads=_threads(), intra_threads=spec.settings.intra_threads or 1
    )
    return Decoder(package, settings, beam_size=spec.beam_size, device=worker_device())


def decode_job(spec: DecoderSpec, job: DecodeJob) -> Decoded:
    """Worker side: decode one batch with the spec's model, loaded once per process.

    CTranslate2's ``RuntimeError`` or ``ValueError`` comes back as the value: the
    driver handles it as it would a local one (it retries the units one by one).
    """
    settings = hashlib.sha256(repr(spec.settings).encode("utf-8")).hexdigest()[:16]
    key = f"decoder:{spec.files.digest}:{spec.beam_size}:{settings}"
    decoder = worker_cached(key, lambda: _load(spec))
    decoder.position_limit = job.position_limit
    try:
        return decoder.translate(job.units, [list(tokens) for tokens in job.tokens])
    except (RuntimeError, ValueError) as exc:
        return exc


class ClusterDecoding:
    """:class:`~pressroom.draft.BatchDecoding` on a cluster engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def decode(
        self, decoder: Decoder, batches: Sequence[Batch], report: DraftReport
    ) -> Iterator[tuple[Batch, Decoded]]:
        """Every batch decoded on the engine; each yielded as it comes back."""
        for batch in batches:
            if not batch:
                yield batch, []
        work = [batch for batch in batches if batch]
        if not work:
            return
        spec = DecoderSpec(
            package=decoder.package,
            files=bundle_files(decoder.package.path),
            settings=decoder.settings,
            beam_size=decoder.beam_size,
        )
        jobs = (
            DecodeJob(
                units=tuple(u for u, _ in batch),
                tokens=tuple(tuple(t) for _, t in batch),
                position_limit=decoder.position_limit,
            )
            for batch in work
        )
        for outcome in self.engine.map(decode_job, spec, jobs):
            report.decode_seconds += outcome.seconds
            record_load(report.workers, outcome, len(work[outcome.index]))
            yield work[outcome.index], outcome.value
