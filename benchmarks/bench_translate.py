"""Drafting throughput, like with like: argostranslate vs raw CTranslate2 vs ``workflow.py translate``.

With a package of the real Argos en->ur architecture and random weights
(``benchmarks/argos_bench_model.py``, built into ``benchmarks/out/translate/``) the
same deterministic news segments are translated at beam 4 and **the same decoding
cap** three ways, each measurement in a fresh child process (model loading untimed):

- ``argos``: ``argostranslate.translate.translate()`` once per segment, as a user
  calls it; its ``translate_batch`` is given ``max_decoding_length=cap`` (256 is what
  it uses anyway: CTranslate2's default);
- ``raw``: one ``Translator.translate_batch`` over all the tokenised segments,
  ``batch_type="tokens"``, ``max_batch_size`` 2048 unless named: with glibc's
  defaults (``raw``), with ``mallopt`` at start (``raw+mallopt``, what pressroom does)
  at ``max_batch_size`` 1024, 2048 and 4096, and with ``MALLOC_MMAP_MAX_=0
  MALLOC_TRIM_THRESHOLD_=1073741824`` in the environment (``raw+env``); the fastest
  of those with the allocator fixed is "best raw";
- ``ours``: ``workflow.py translate`` in-process on a project holding one catalog of
  the segments (catalog I/O, sentence splitting, batching, saving every batch,
  provenance; draft cache off), its cap pinned to the same value.

The model never emits end of sentence, so every hypothesis decodes to the cap: the
work is the same on every side, and the cap alone sets its size. Two caps: 76 tokens
(what ``max_length_factor`` 2.0 gives these segments) over 48 segments, and 256 over
8 (a 256-token beam search is about 3x the work per segment; fewer segments keep the
run to minutes on a shared machine). ``--quick``: 24 and 4 segments, one repetition.
Raw and ours alternate ``REPEATS`` times and the median counts; wall seconds and CPU
seconds (all threads of the child, ``time.process_time``) are printed with the load
average. The ratios are of wall time, what a user waits for; on a loaded machine read
them next to the CPU seconds.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import polib

from benchmarks.argos_bench_model import CLAUSES, NAME, SUBJECTS, TAILS, VERBS, build_bench_package
from benchmarks.launch import run_measured

OUT = Path(__file__).resolve().parent / "out" / "translate"
MODELS = OUT / "models"
BEAM = 4
SHORT_CAP = 76
LONG_CAP = 256
REPEATS = 3
RAW_BATCH = 2048
RAW_KINDS = ("raw", "raw+mallopt@1024", "raw+mallopt", "raw+mallopt@4096", "raw+env")
ENV_MALLOC = {"MALLOC_MMAP_MAX_": "0", "MALLOC_TRIM_THRESHOLD_": str(1 << 30)}


def news_segments(count: int, *, seed: int = 11) -> list[str]:
    """``count`` distinct English news sentences, the same on every run."""
    rng = random.Random(seed)
    seen: dict[str, None] = {}
    while len(seen) < count:
        seen.setdefault(
            f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(CLAUSES)}, {rng.choice(TAILS)}", None
        )
    return list(seen)


# --------------------------------------------------------------------------- children


def _child_raw(segments: list[str], cap: int, *, mallopt: bool, batch: int) -> tuple[float, float]:
    if mallopt:
        from pressroom.draft.allocator import keep_freed_memory

        keep_freed_memory()
    import ctranslate2
    import sentencepiece

    package = MODELS / NAME
    translator = ctranslate2.Translator(str(package / "model"), device="cpu", compute_type="auto")
    processor = sentencepiece.SentencePieceProcessor(model_file=str(package / "sentencepiece.model"))
    tokens = [processor.encode(s, out_type=str) for s in segments]
    started, cpu = time.perf_counter(), time.process_time()
    translator.translate_batch(
        tokens, beam_size=BEAM, max_batch_size=batch, batch_type="tokens", max_decoding_length=cap
    )
    return time.perf_counter() - started, time.process_time() - cpu


def _child_argos(segments: list[str], cap: int) -> tuple[float, float]:
    os.environ.update(
        {
            "ARGOS_PACKAGES_DIR": str(MODELS),
            "XDG_DATA_HOME": str(OUT / "argos" / "data"),
            "XDG_CACHE_HOME": str(OUT / "argos" / "cache"),
            "XDG_CONFIG_HOME": str(OUT / "argos" / "config"),
            "ARGOS_DEVICE_TYPE": "cpu",
            "ARGOS_BEAM_SIZE": str(BEAM),
        }
    )
    import ctranslate2

    class CappedTranslator(ctranslate2.Translator):  # type: ignore[misc]
        def translate_batch(self, *args: Any, **kwargs: Any) -> Any:
            kwargs.setdefault("max_decoding_length", cap)
            return super().translate_batch(*args, **kwargs)

    ctranslate2.Translator = CappedTranslator  # argostranslate calls ctranslate2.Translator(...)
    import argostranslate.translate

    argostranslate.translate.translate("Officials said.", "en", "ur")  # loads the model
    started, cpu = time.perf_counter(), time.process_time()
    for segment in segments:
        argostranslate.translate.translate(segment, "en", "ur")
    return time.perf_counter() - started, time.process_time() - cpu


def _child_ours(segments: list[str], cap: int) -> dict[str, float]:
    import pressroom.draft
    import pressroom.draft.decoder
    from pressroom.catalog import read_catalog, write_catalog
    from pressroom.cli import main

    root = OUT / f"project-{os.getpid()}"
    if root.exists():
        shutil.rmtree(root)
    (root / "source").mkdir(parents=True)
    # The factor is high so the pinned MAX_DECODING_LENGTH is the cap of every batch.
    (root / "workflow.toml").write_text(
        '[project]\ntargets = ["ur"]\n'
        f'[translate]\nmodels_dir = "{MODELS}"\nbeam_size = {BEAM}\ncache = false\n'
        "max_length_factor = 100.0\n",
        "utf-8",
    )
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "ur"}
    for segment in segments:
        po.append(polib.POEntry(msgid=segment, msgstr=""))
    catalog = root / "translations" / "ur" / "bench.po"
    write_catalog(catalog, po)
    pressroom.draft.decoder.MAX_DECODING_LENGTH = cap

    reports: list[pressroom.draft.DraftReport] = []
    original = pressroom.draft.draft_missing

    def recording(*args: Any, **kwargs: Any) -> pressroom.draft.DraftReport:
        reports.append(original(*args, **kwargs))
        return reports[-1]

    pressroom.draft.draft_missing = recording  # the CLI imports it at call time
    try:
        started, cpu = time.perf_counter(), time.process_time()
        code = main(["--project", str(root), "-q", "translate", "--lang", "ur"])
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    finally:
        pressroom.draft.draft_missing = original
    drafted = sum(1 for e in read_catalog(catalog) if e.msgstr)
    shutil.rmtree(root)
    if code != 0 or drafted != len(segments):
        raise SystemExit(f"workflow.py translate failed: exit {code}, {drafted}/{len(segments)} drafted")
    return {
        "seconds": elapsed,
        "cpu": cpu,
        "decode": reports[0].decode_seconds,
        "batches": reports[0].batches,
    }


def child(argv: list[str]) -> None:
    """``python -m benchmarks.bench_translate KIND CAP COUNT``: time one path, print JSON."""
    kind, cap, count = argv[0], int(argv[1]), int(argv[2])
    segments = news_segments(count)
    result: dict[str, float]
    if kind == "argos":
        result = dict(zip(("seconds", "cpu"), _child_argos(segments, cap), strict=True))
    elif kind.startswith("raw"):
        name, _, batch = kind.partition("@")
        timed = _child_raw(segments, cap, mallopt=name == "raw+mallopt", batch=int(batch or RAW_BATCH))
        result = dict(zip(("seconds", "cpu"), timed, strict=True))
    elif kind == "ours":
        result = _child_ours(segments, cap)
    else:
        raise SystemExit(f"unknown kind {kind}")
    print(json.dumps(result))


# --------------------------------------------------------------------------- parent


def measure(kind: str, cap: int, count: int) -> dict[str, float]:
    """Run one timed path in a fresh interpreter; its JSON result, with its own peak memory."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: modules compiled once, not every run
    if kind.startswith("raw+env"):
        env.update(ENV_MALLOC)
    usage, done = run_measured(
        [sys.executable, "-m", "benchmarks.bench_translate", kind, str(cap), str(count)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    if usage.returncode != 0:
        raise SystemExit(f"benchmark child {kind} failed:\n{done.stderr.decode()[-2000:]}")
    result: dict[str, float] = json.loads(done.stdout.decode().strip().splitlines()[-1])
    result["peak_mb"] = usage.peak_mb
    return result


def _line(label: str, seconds: float, cpu: float, count: int, peak: float) -> None:
    print(
        f"  {label:<36} {seconds:8.1f}s  {count / seconds:6.2f} segments/s  CPU {cpu:7.1f}s  "
        f"peak {peak:5.0f} MB",
        flush=True,
    )


def compare(cap: int, count: int, repeats: int) -> dict[str, float]:
    """All paths at one cap; the ratios (ours vs argos, ours vs best raw)."""
    print(f"cap {cap} tokens, {count} segments, beam {BEAM}, load {os.getloadavg()[0]:.1f}", flush=True)
    times: dict[str, list[float]] = {kind: [] for kind in (*RAW_KINDS, "ours")}
    cpus: dict[str, list[float]] = {kind: [] for kind in times}
    peaks: dict[str, list[float]] = {kind: [] for kind in times}
    decode: list[float] = []
    for _ in range(repeats):  # alternate, so load drifts hit every path alike
        for kind in times:
            result = measure(kind, cap, count)
            times[kind].append(result["seconds"])
            cpus[kind].append(result["cpu"])
            peaks[kind].append(result["peak_mb"])
            if kind == "ours":
                decode.append(result["decode"])
    argos_result = measure("argos", cap, count)
    argos = argos_result["seconds"]
    median = {kind: statistics.median(values) for kind, values in times.items()}
    cpu = {kind: statistics.median(values) for kind, values in cpus.items()}
    peak = {kind: max(values) for kind, values in peaks.items()}
    _line("argostranslate per segment", argos, argos_result["cpu"], count, argos_result["peak_mb"])
    for kind in RAW_KINDS:
        _line(f"{kind} translate_batch", median[kind], cpu[kind], count, peak[kind])
    _line("workflow.py translate", median["ours"], cpu["ours"], count, peak["ours"])
    inside = statistics.median(decode)
    overhead = 100 * (median["ours"] / inside - 1)
    print(f"  {'  of which translate_batch':<36} {inside:8.1f}s  (own overhead {overhead:.1f}%)")
    best = min(median[kind] for kind in RAW_KINDS if kind != "raw")
    ratios = {
        "vs_argos": argos / median["ours"],
        "vs_best_raw": median["ours"] / best - 1,
        "mallopt_gain": median["raw"] / median["raw+mallopt"],
    }
    print(f"  best raw: {min((k for k in RAW_KINDS if k != 'raw'), key=median.__getitem__)}")
    print(
        f"  ours vs argostranslate {ratios['vs_argos']:.2f}x (aim >= 3x); ours vs best raw "
        f"{100 * ratios['vs_best_raw']:+.1f}% (aim <= +10%); mallopt vs glibc defaults "
        f"{ratios['mallopt_gain']:.2f}x; load {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    return ratios


def run(quick: bool = False) -> dict[str, str]:
    started = time.perf_counter()
    build_bench_package(MODELS)
    print(
        f"package {NAME} (6+6 layers, d 512, 50k vocab, int8, random weights) "
        f"ready in {time.perf_counter() - started:.1f}s",
        flush=True,
    )
    repeats = 1 if quick else REPEATS
    summary = {}
    for cap, count in ((SHORT_CAP, 24 if quick else 48), (LONG_CAP, 4 if quick else 8)):
        ratios = compare(cap, count, repeats)
        summary[f"cap {cap}: ours vs argostranslate"] = f"{ratios['vs_argos']:.2f}x (aim >= 3x)"
        summary[f"cap {cap}: ours vs best raw translate_batch"] = (
            f"{100 * ratios['vs_best_raw']:+.1f}% (aim <= +10%)"
        )
        summary[f"cap {cap}: raw, mallopt vs glibc defaults"] = f"{ratios['mallopt_gain']:.2f}x"
    return summary


if __name__ == "__main__":
    child(sys.argv[1:])
