"""An installed Argos package with the architecture of the real Argos en->ur 1.9 model.

Transformer-base as Argos trains it: 6+6 layers, d_model 512, 8 heads, FFN 2048, one
shared 50,000-token vocabulary with tied embeddings, sinusoidal positions, int8
weights. The weights are random and the end-of-sentence logit is pushed to -1e4, so
every hypothesis decodes to the length cap: a fixed, fair workload for throughput,
whatever decoder drives it. SentencePiece is trained on the benchmark's own news text
(so words are about one piece, as with a 50k model); the MiniSBD sentence splitter is
the tiny one from ``tests/tiny_argos.py``.

``build_bench_package(models_dir)`` writes ``models_dir/translate-en_ur-1_9`` (an
installed package folder) once and reuses it on later runs.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

# tests/ is not a package (and site-packages may hold an unrelated "tests"): load the
# fixture builder by its folder.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from tiny_argos import (
    CLAUSES,
    SUBJECTS,
    TAILS,
    VERBS,
    news_sentences,
    train_sentencepiece,
    write_minisbd_onnx,
)

NAME = "translate-en_ur-1_9"
VOCAB, WIDTH, FFN, HEADS, LAYERS = 50_000, 512, 2048, 8, 6


def build_bench_package(models_dir: Path) -> Path:
    """Build (or reuse) the random-weight en->ur package in ``models_dir``; return its folder."""
    package = models_dir / NAME
    if (package / "metadata.json").is_file() and (package / "model" / "model.bin").is_file():
        return package
    from ctranslate2.specs import transformer_spec

    package.mkdir(parents=True, exist_ok=True)
    text = [*news_sentences(2000, seed=7), *SUBJECTS, *VERBS, *CLAUSES, *TAILS]
    pieces = train_sentencepiece(
        text, package / "sentencepiece", vocab_size=1200, model_type="bpe", byte_fallback=False
    )
    vocab = pieces + [f"madeupword{i}" for i in range(VOCAB - len(pieces))]

    rng = np.random.default_rng(0)

    def random(*shape: int) -> np.ndarray[Any, Any]:
        return rng.standard_normal(shape, dtype=np.float32) * 0.02

    def layer_norm(spec: Any) -> None:
        spec.gamma = np.ones(WIDTH, np.float32)
        spec.beta = np.zeros(WIDTH, np.float32)

    def linear(spec: Any, rows: int, cols: int) -> None:
        spec.weight = random(rows, cols)
        spec.bias = np.zeros(rows, np.float32)

    def feed_forward(spec: Any) -> None:
        layer_norm(spec.layer_norm)
        linear(spec.linear_0, FFN, WIDTH)
        linear(spec.linear_1, WIDTH, FFN)

    spec = transformer_spec.TransformerSpec.from_config((LAYERS, LAYERS), HEADS)
    embeddings = random(VOCAB, WIDTH)
    spec.encoder.embeddings[0].weight = embeddings
    spec.decoder.embeddings.weight = embeddings
    layer_norm(spec.encoder.layer_norm)
    layer_norm(spec.decoder.layer_norm)
    for layer in spec.encoder.layer:
        linear(layer.self_attention.linear[0], 3 * WIDTH, WIDTH)
        linear(layer.self_attention.linear[1], WIDTH, WIDTH)
        layer_norm(layer.self_attention.layer_norm)
        feed_forward(layer.ffn)
    for layer in spec.decoder.layer:
        linear(layer.self_attention.linear[0], 3 * WIDTH, WIDTH)
        linear(layer.self_attention.linear[1], WIDTH, WIDTH)
        layer_norm(layer.self_attention.layer_norm)
        linear(layer.attention.linear[0], WIDTH, WIDTH)
        linear(layer.attention.linear[1], 2 * WIDTH, WIDTH)
        linear(layer.attention.linear[2], WIDTH, WIDTH)
        layer_norm(layer.attention.layer_norm)
        feed_forward(layer.ffn)
    bias = np.zeros(VOCAB, np.float32)
    bias[vocab.index("</s>")] = -1e4
    spec.decoder.projection.weight = embeddings
    spec.decoder.projection.bias = bias
    spec.register_source_vocabulary(vocab)
    spec.register_target_vocabulary(vocab)
    spec.validate()
    spec.optimize(quantization="int8")
    (package / "model").mkdir(exist_ok=True)
    spec.save(str(package / "model"))
    write_minisbd_onnx(package / "minisbd" / "en.onnx")
    metadata = {
        "package_version": "1.9",
        "argos_version": "1.9",
        "type": "translate",
        "from_code": "en",
        "from_name": "English",
        "to_code": "ur",
        "to_name": "Urdu (random weights)",
    }
    (package / "metadata.json").write_text(json.dumps(metadata, indent=2), "utf-8")
    return package
