"""The ``[translate]`` table of the configuration, resolved and checked; where packages live."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import WorkflowError
from ..project import Project

MODELS_DIR_ENV = "PRESSROOM_MODELS_DIR"
"""Environment variable that overrides ``[translate] models_dir``."""
INDEX_URL_ENV = "PRESSROOM_MODEL_INDEX"
"""Environment variable that overrides ``[translate] index_url``."""
DEFAULT_INDEX_URL = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json"
MEGABYTE = 1024 * 1024

ENGINES = ("argos", "nllb")
NLLB_CODES: Mapping[str, str] = {"ur": "urd_Arab", "fa": "pes_Arab", "si": "sin_Sinh", "en": "eng_Latn"}
"""FLORES-200 codes NLLB-200 uses as language tokens."""
DOCS = "docs/machine-translation.md"


@dataclass(frozen=True, slots=True, kw_only=True)
class TranslateSettings:
    """The ``[translate]`` table, resolved and type-checked."""

    models_dir: Path
    """Folder holding installed packages (one sub-folder each)."""
    index_url: str
    """Package index (argospm ``index.json``), fetched over http(s) only."""
    timeout: float
    """Seconds an index request may take in all, and a download may wait for data."""
    download_timeout: float
    """Seconds a package download may take in all."""
    max_package_bytes: int
    """Largest package accepted, downloaded or unpacked (``max_package_mb``)."""
    beam_size: int
    compute_type: str
    """CTranslate2 compute type: ``int8``, ``int8_float32``, ``float32``, ``auto``."""
    inter_threads: int
    intra_threads: int
    """0 lets CTranslate2 choose (all cores)."""
    max_batch_tokens: int
    """Source tokens per ``translate_batch`` call (``batch_type="tokens"``)."""
    max_length_factor: float
    """Decoding stops at ``factor * source tokens + 16`` target tokens (at most 256)."""
    engines: Mapping[str, str]
    """lang -> ``argos`` or ``nllb``."""
    packages: Mapping[str, str]
    """lang -> installed package name pinned by configuration."""
    nllb_codes: Mapping[str, str]
    """lang -> NLLB language token (``sin_Sinh``)."""
    cache: bool
    """Keep decoded sentences in ``.cache/pressroom/drafts.sqlite``."""
    source_language: str


def _int(table: Mapping[str, Any], key: str, default: int, minimum: int = 0) -> int:
    value = table.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise WorkflowError(
            f"[translate] {key} must be an integer >= {minimum}, not {value!r}",
            path="workflow.toml",
            hint=f"set {key} = {default}",
        )
    return value


def _positive(table: Mapping[str, Any], key: str, default: float) -> float:
    value = table.get(key, default)
    if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
        raise WorkflowError(
            f"[translate] {key} must be a positive number, not {value!r}",
            path="workflow.toml",
            hint=f"set {key} = {default}",
        )
    return float(value)


def default_models_dir() -> Path:
    """``$XDG_DATA_HOME/pressroom/models`` (``~/.local/share/pressroom/models``)."""
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "pressroom" / "models"


def read_settings(project: Project) -> TranslateSettings:
    """Resolve the ``[translate]`` table; environment variables win over the file.

    ``models_dir`` may be relative (to the project root) or start with ``~``; empty
    means the per-user default, shared by every project of that user.
    """
    table = project.section("translate")
    env_dir = os.environ.get(MODELS_DIR_ENV)
    configured = env_dir or str(table.get("models_dir", "") or "")
    if configured:
        models_dir = Path(configured).expanduser()
        if not models_dir.is_absolute():
            models_dir = (Path.cwd() if env_dir else project.root) / models_dir
    else:
        models_dir = default_models_dir()
    engines: dict[str, str] = {}
    for lang, engine in dict(table.get("engine", {})).items():
        if engine not in ENGINES:
            raise WorkflowError(
                f"[translate.engine] {lang} = {engine!r} is not an engine",
                path="workflow.toml",
                hint=f"choose one of {', '.join(ENGINES)}",
            )
        engines[lang] = str(engine)
    return TranslateSettings(
        models_dir=models_dir,
        index_url=os.environ.get(INDEX_URL_ENV) or str(table.get("index_url") or DEFAULT_INDEX_URL),
        timeout=_positive(table, "timeout", 20.0),
        download_timeout=_positive(table, "download_timeout", 3600.0),
        max_package_bytes=_int(table, "max_package_mb", 4096, 1) * MEGABYTE,
        beam_size=_int(table, "beam_size", 4, 1),
        compute_type=str(table.get("compute_type", "auto")),
        inter_threads=_int(table, "inter_threads", 1, 1),
        intra_threads=_int(table, "intra_threads", 0),
        max_batch_tokens=_int(table, "max_batch_tokens", 2048, 1),
        max_length_factor=_positive(table, "max_length_factor", 2.0),
        engines=engines,
        packages={str(k): str(v) for k, v in dict(table.get("package", {})).items() if v},
        nllb_codes={**NLLB_CODES, **{str(k): str(v) for k, v in dict(table.get("nllb_code", {})).items()}},
        cache=bool(table.get("cache", True)),
        source_language=project.source_language,
    )


def private_dir(models_dir: Path) -> Path:
    """Where our downloads live, beside the models folder (every sub-folder in it is a package)."""
    return models_dir.parent / f".{models_dir.name}-argos"
