"""Build a tiny but real Argos Translate package offline, in a few seconds.

The package has the layout ``argostranslate.package.install_from_path`` expects (one
top-level folder in the zip holding ``metadata.json``, ``sentencepiece.model``, a
CTranslate2 ``model/`` and ``minisbd/en.onnx``). Its transformer has hand-set weights
that **copy the input**: the "translation" of a sentence is the sentence itself, so
tests can assert exact drafts through the real decoding path.

The SentencePiece model uses byte fallback, so any character (Urdu, Sinhala, the
markup placeholders) survives encode -> copy -> decode. ``nllb=True`` builds the same
model in the shape of an NLLB-200 conversion: the vocabulary carries the language
tokens, the model config sets ``bos_token`` to ``eng_Latn`` with source BOS and EOS and
``</s>`` as decoder start, which is what ``workflow.py models package-nllb`` expects.

Used by the test suite (built once per session) and by ``benchmarks/argos_bench_model.py``
for its SentencePiece and sentence-splitter parts.
"""

from __future__ import annotations

import json
import random
import zipfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

SUBJECTS = (
    "The prime minister",
    "Officials in Karachi",
    "The central bank of Sri Lanka",
    "Iran's foreign ministry",
    "Opposition leaders in Lahore",
    "The election commission",
    "Health authorities in Colombo",
    "Farmers in the Punjab province",
    "The International Monetary Fund",
    "Police in Tehran",
    "The Supreme Court",
)
VERBS = (
    "said on Tuesday that",
    "warned late on Sunday that",
    "announced in a statement that",
    "told reporters in Islamabad that",
    "confirmed on Friday that",
    "acknowledged in a briefing that",
)
CLAUSES = (
    "fuel prices would rise by nearly twelve percent from the start of next month",
    "at least forty people had been killed after heavy monsoon rains triggered landslides",
    "negotiations over a new loan programme were expected to resume within two weeks",
    "inflation had eased for a third consecutive month but remained far above target",
    "thousands of families were still living in temporary shelters along the river",
    "the new budget would increase spending on schools, hospitals and rural roads",
    "exports of tea and garments had fallen sharply because of weak demand in Europe",
    "electricity shortages could last until the end of the summer in several cities",
)
TAILS = (
    "according to local media reports.",
    "despite growing criticism from business groups.",
    "officials said.",
    "as the country struggles with a severe economic crisis.",
    "while rescue teams continued to search for survivors.",
)


def news_sentences(count: int, *, seed: int = 0) -> list[str]:
    """Deterministic English news-style sentences (about 25 words each)."""
    rng = random.Random(seed)
    return [
        f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(CLAUSES)}, {rng.choice(TAILS)}"
        for _ in range(count)
    ]


def train_sentencepiece(
    sentences: Iterable[str],
    prefix: Path,
    *,
    vocab_size: int,
    model_type: str = "unigram",
    byte_fallback: bool = True,
) -> list[str]:
    """Train a SentencePiece model at ``prefix.model``; return its pieces in id order.

    The ``.vocab`` side file is removed: Argos packages ship only the model.
    """
    import sentencepiece as spm

    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(list(sentences)),
        model_prefix=str(prefix),
        vocab_size=vocab_size,
        model_type=model_type,
        character_coverage=1.0,
        hard_vocab_limit=False,
        byte_fallback=byte_fallback,
        minloglevel=2,
    )
    Path(f"{prefix}.vocab").unlink()
    processor = spm.SentencePieceProcessor(model_file=f"{prefix}.model")
    return [processor.id_to_piece(i) for i in range(processor.get_piece_size())]


def save_copy_model(
    vocab: Sequence[str],
    model_dir: Path,
    *,
    max_positions: int = 260,
    config: dict[str, Any] | None = None,
) -> None:
    """Save a 1+1-layer CTranslate2 transformer whose output sequence equals its input.

    The model width is ``len(vocab) + max_positions``: one block holds a one-hot token,
    the other a one-hot position. All self-attention and feed-forward weights are zero;
    decoder cross-attention looks from target position t at source position t and
    copies that token into the output projection. With ``add_source_eos`` the model
    copies ``</s>`` after the last token and stops by itself. ``max_positions`` must
    exceed CTranslate2's default decoding cap (256): losing beams decode that far.
    """
    from ctranslate2.specs import transformer_spec

    size, positions = len(vocab), max_positions
    width = size + positions
    f32 = np.float32
    tokens_eye = np.zeros((width, width), f32)
    tokens_eye[np.arange(size), np.arange(size)] = 1.0
    positions_eye = np.zeros((width, width), f32)
    positions_eye[np.arange(size, width), np.arange(size, width)] = 1.0
    embeddings = np.zeros((size, width), f32)
    embeddings[np.arange(size), np.arange(size)] = 1.0
    encodings = np.zeros((positions, width), f32)
    encodings[np.arange(positions), size + np.arange(positions)] = 1.0

    def layer_norm(spec: Any) -> None:
        spec.gamma = np.ones(width, f32)
        spec.beta = np.zeros(width, f32)

    def linear(spec: Any, weight: np.ndarray[Any, Any]) -> None:
        spec.weight = weight.astype(f32)
        spec.bias = np.zeros(weight.shape[0], f32)

    def silent_block(layer: Any) -> None:
        linear(layer.self_attention.linear[0], np.zeros((3 * width, width), f32))
        linear(layer.self_attention.linear[1], np.zeros((width, width), f32))
        layer_norm(layer.self_attention.layer_norm)
        layer_norm(layer.ffn.layer_norm)
        linear(layer.ffn.linear_0, np.zeros((4, width), f32))
        linear(layer.ffn.linear_1, np.zeros((width, 4), f32))

    spec = transformer_spec.TransformerSpec.from_config((1, 1), num_heads=1)
    encoder, decoder = spec.encoder, spec.decoder
    encoder.embeddings[0].weight = embeddings
    encoder.scale_embeddings = False
    encoder.position_encodings.encodings = encodings
    layer_norm(encoder.layer_norm)
    silent_block(encoder.layer[0])

    decoder.embeddings.weight = embeddings
    decoder.scale_embeddings = False
    decoder.position_encodings.encodings = encodings
    layer_norm(decoder.layer_norm)
    linear(decoder.projection, 50.0 * tokens_eye[:size])
    layer = decoder.layer[0]
    silent_block(layer)
    linear(layer.attention.linear[0], 8.0 * positions_eye)  # query: target position
    linear(layer.attention.linear[1], np.concatenate([positions_eye, tokens_eye]))  # key: position
    linear(layer.attention.linear[2], 10.0 * tokens_eye)  # value: the source token, dominant
    layer_norm(layer.attention.layer_norm)

    spec.config.add_source_eos = True
    for key, value in (config or {}).items():
        setattr(spec.config, key, value)
    spec.register_source_vocabulary(list(vocab))
    spec.register_target_vocabulary(list(vocab))
    spec.validate()
    spec.optimize(quantization=None)
    model_dir.mkdir(parents=True, exist_ok=True)
    spec.save(str(model_dir))


def _varint(number: int) -> bytes:
    out = bytearray()
    while True:
        low, number = number & 0x7F, number >> 7
        out.append(low | (0x80 if number else 0))
        if not number:
            return bytes(out)


def _field(number: int, payload: str | bytes) -> bytes:
    """A length-delimited protobuf field."""
    data = payload.encode() if isinstance(payload, str) else payload
    return _varint(number << 3 | 2) + _varint(len(data)) + data


def _int_field(number: int, value: int) -> bytes:
    return _varint(number << 3) + _varint(value)


def _value_info(name: str, elem_type: int, dims: Sequence[str | int]) -> bytes:
    shape = b"".join(
        _field(1, _field(2, dim) if isinstance(dim, str) else _int_field(1, dim)) for dim in dims
    )
    return _field(1, name) + _field(2, _field(1, _int_field(1, elem_type) + _field(2, shape)))


def write_minisbd_onnx(path: Path, *, lang: str = "en") -> None:
    """Write a MiniSBD sentence splitter (ONNX, raw protobuf) that ends sentences at . ! ?

    The graph is one ``Gather``: logits for a character unit come from a table where
    ``.``, ``!`` and ``?`` score "end of sentence" and everything else "no boundary".
    Shipping it keeps minisbd from downloading ``en.onnx``.
    """
    chars = ["<PAD>", "<UNK>", ".", "!", "?"]
    table = np.zeros((len(chars), 5), np.float32)
    table[:, 0] = 1.0
    table[2:5, 0] = 0.0
    table[2:5, 2] = 1.0
    dims = b"".join(_int_field(1, dim) for dim in table.shape)
    tensor = dims + _int_field(2, 1) + _field(8, "table") + _field(9, table.tobytes())
    node = _field(1, "table") + _field(1, "units") + _field(2, "logits") + _field(3, "gather")
    node += _field(4, "Gather")
    graph = (
        _field(1, node)
        + _field(2, "tiny_sbd")
        + _field(5, tensor)
        + _field(11, _value_info("units", 7, ["B", "T"]))
        + _field(11, _value_info("features", 1, ["B", "T", 1]))
        + _field(12, _value_info("logits", 1, ["B", "T", 5]))
    )
    vocab = {
        "lang": lang,
        "idx": 0,
        "cutoff": 0,
        "lower": False,
        "_id2unit": chars,
        "_unit2id": {c: i for i, c in enumerate(chars)},
    }
    config = {
        "feat_funcs": ["space_before"],
        "batch_size": 32,
        "max_seqlen": 1000,
        "skip_newline": False,
        "no_ssplit": False,
        "use_dictionary": False,
        "num_dict_feat": 0,
    }
    meta = {
        "lang_code": lang,
        "config": json.dumps(config),
        "vocab": json.dumps(vocab),
        "lexicon": "null",
    }
    model = (
        _int_field(1, 8)
        + _field(8, _field(1, "") + _int_field(2, 13))
        + _field(2, "pressroom-tests")
        + _field(7, graph)
        + b"".join(_field(14, _field(1, k) + _field(2, v)) for k, v in meta.items())
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(model)


def zip_package(package_dir: Path, archive: Path) -> Path:
    """Zip ``package_dir`` as an ``.argosmodel`` (the folder itself at the zip root)."""
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        for path in sorted(package_dir.rglob("*")):
            bundle.write(path, path.relative_to(package_dir.parent))
    return archive


# Characters the SentencePiece model is trained on besides the news text, so common
# punctuation and digits are whole pieces rather than byte-fallback sequences.
_ALPHABET = "".join(chr(c) for c in range(33, 127))


def build_copy_package(
    work_dir: Path,
    *,
    to_code: str = "ur",
    version: str = "1.0",
    max_positions: int = 260,
) -> Path:
    """Build ``translate-en_<to_code>-<version>.argosmodel`` in ``work_dir``; return its path.

    ``max_positions`` below 260 makes a model that fails on long sentences the way
    CTranslate2 models with learned positions do (``No position encodings ...``).
    """
    name = f"translate-en_{to_code}-{version.replace('.', '_')}"
    package_dir = work_dir / "build" / name
    package_dir.mkdir(parents=True, exist_ok=True)
    pieces = train_sentencepiece(
        [*news_sentences(300, seed=1), _ALPHABET], package_dir / "sentencepiece", vocab_size=400
    )
    save_copy_model(pieces, package_dir / "model", max_positions=max_positions)
    write_minisbd_onnx(package_dir / "minisbd" / "en.onnx")
    metadata = {
        "package_version": version,
        "argos_version": "1.9",
        "type": "translate",
        "from_code": "en",
        "from_name": "English",
        "to_code": to_code,
        "to_name": f"Copy ({to_code})",
    }
    (package_dir / "metadata.json").write_text(json.dumps(metadata, indent=2), encoding="utf-8")
    return zip_package(package_dir, work_dir / f"{name}.argosmodel")


def build_nllb_conversion(work_dir: Path, *, language_tokens: Sequence[str]) -> Path:
    """Build a folder shaped like ``ct2-transformers-converter`` output for NLLB-200.

    It holds ``model.bin``, ``config.json``, ``shared_vocabulary.json`` and the
    tokenizer ``sentencepiece.bpe.model``; the vocabulary includes ``eng_Latn`` and
    ``language_tokens``. The config is the converter's plain one: setting the NLLB
    options is the job of ``models package-nllb``.
    """
    out = work_dir / "nllb-200-ct2"
    out.mkdir(parents=True, exist_ok=True)
    pieces = train_sentencepiece(
        [*news_sentences(300, seed=2), _ALPHABET], out / "sentencepiece.bpe", vocab_size=400
    )
    save_copy_model([*pieces, "eng_Latn", *language_tokens], out)
    return out


def cached_build(folder: Path, name: str, build: Callable[[Path], Path]) -> Path:
    """Build once per folder: tests of several modules share one package per session."""
    marker = folder / f"{name}.path"
    if marker.exists():
        built = Path(marker.read_text("utf-8"))
        if built.exists():
            return built
    folder.mkdir(parents=True, exist_ok=True)
    built = build(folder)
    marker.write_text(str(built), "utf-8")
    return built


PO_HEADER = (
    'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
    '"Content-Transfer-Encoding: 8bit\\n"\n"Language: {lang}\\n"\n'
)


def po_text(lang: str, body: str) -> str:
    """A minimal valid catalog: the header, then ``body`` (entries in PO syntax)."""
    return PO_HEADER.format(lang=lang) + "\n" + body.strip("\n") + "\n"


def make_project(root: Path, *, targets: Sequence[str], config: str = "", glossary: str = "") -> Path:
    """A content root with ``workflow.toml`` (targets + extra ``config``) and empty folders."""
    (root / "source").mkdir(parents=True, exist_ok=True)
    (root / "translations").mkdir(exist_ok=True)
    quoted = ", ".join(f'"{t}"' for t in targets)
    (root / "workflow.toml").write_text(f"[project]\ntargets = [{quoted}]\n{config}", "utf-8")
    if glossary:
        (root / "glossary.csv").write_text(glossary, "utf-8")
    return root


def write_catalog_text(root: Path, lang: str, slug: str, body: str) -> Path:
    path = root / "translations" / lang / f"{slug}.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(po_text(lang, body), "utf-8")
    return path
