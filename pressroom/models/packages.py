"""Installed packages: reading them, which one drafts a language, and ``doctor``.

A package is a folder in the Argos layout (``metadata.json`` is the package format:
no argostranslate import is needed to read it), holding a CTranslate2 ``model/``, a
``sentencepiece.model`` and optionally a MiniSBD ``minisbd/<lang>.onnx``.
"""

from __future__ import annotations

import json
import os
import re
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import ModelMissingError, WorkflowError
from ..project import Project
from .settings import DOCS, TranslateSettings, read_settings


@dataclass(frozen=True, slots=True, kw_only=True)
class InstalledPackage:
    """One package folder in the models folder, as its ``metadata.json`` describes it."""

    name: str
    """Folder name, e.g. ``translate-en_ur-1_9``; what ``models remove`` takes."""
    path: Path
    from_code: str
    to_code: str
    version: str
    """``package_version`` from the metadata."""
    engine: str
    """``argos`` or ``nllb`` (NLLB packages carry ``pressroom_engine``)."""
    target_prefix: str
    """Token forced at the start of every target (NLLB's ``sin_Sinh``), or ``""``."""

    @property
    def model_dir(self) -> Path:
        return self.path / "model"

    @property
    def sentencepiece_path(self) -> Path:
        return self.path / "sentencepiece.model"

    @property
    def splitter_path(self) -> Path | None:
        """The package's MiniSBD ONNX sentence splitter, if it ships one."""
        folder = self.path / "minisbd"
        found = sorted(folder.glob("*.onnx")) if folder.is_dir() else []
        return found[0] if found else None

    def problems(self) -> list[str]:
        """What keeps this package from drafting (missing files); empty when usable."""
        missing = []
        if not (self.model_dir / "model.bin").is_file():
            missing.append("model/model.bin is missing")
        if not self.sentencepiece_path.is_file():
            missing.append("sentencepiece.model is missing (BPE packages are not supported)")
        return missing


def read_package(path: Path) -> InstalledPackage:
    """Read one installed package folder; a bad ``metadata.json`` names the file."""
    metadata_path = path / "metadata.json"
    try:
        metadata = json.loads(metadata_path.read_text("utf-8"))
    except FileNotFoundError as exc:
        raise WorkflowError("not an Argos package: no metadata.json", path=path) from exc
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        line = exc.lineno if isinstance(exc, json.JSONDecodeError) else None
        raise WorkflowError(f"bad package metadata: {exc}", path=metadata_path, line=line) from exc
    except OSError as exc:
        raise WorkflowError(f"cannot read package metadata: {exc.strerror}", path=metadata_path) from exc
    problem = metadata_problem(metadata)
    if problem is not None:
        raise WorkflowError(problem, path=metadata_path)
    return InstalledPackage(
        name=path.name,
        path=path,
        from_code=str(metadata["from_code"]),
        to_code=str(metadata["to_code"]),
        version=str(metadata.get("package_version", "")),
        engine=str(metadata.get("pressroom_engine", "argos")),
        target_prefix=str(metadata.get("target_prefix", "")),
    )


_LANGUAGE_CODE = re.compile(r"[A-Za-z]{2,3}(?:[_-][A-Za-z0-9]{1,8})*")


def metadata_problem(metadata: object) -> str | None:
    """What makes parsed ``metadata.json`` unusable, or None."""
    if not isinstance(metadata, dict):
        return "package metadata is not a JSON object"
    for key in ("from_code", "to_code"):
        value = metadata.get(key)
        if not value:
            return "package metadata has no from_code/to_code"
        if not isinstance(value, str) or not _LANGUAGE_CODE.fullmatch(value):
            return f"package metadata {key} {value!r} is not a language code"
    return None


def scan_packages(models_dir: Path) -> tuple[list[InstalledPackage], dict[str, WorkflowError]]:
    """Installed packages sorted by name, and the package folders that cannot be read (by name).

    Hidden folders (an install or removal in progress) and folders without
    ``metadata.json`` are not packages.
    """
    if not models_dir.is_dir():
        return [], {}
    found: list[InstalledPackage] = []
    broken: dict[str, WorkflowError] = {}
    for child in sorted(models_dir.iterdir()):
        if child.is_dir() and (child / "metadata.json").is_file() and not child.name.startswith("."):
            try:
                found.append(read_package(child))
            except WorkflowError as exc:
                broken[child.name] = exc
    return found, broken


def list_packages(models_dir: Path) -> list[InstalledPackage]:
    """Installed packages, sorted by name; unreadable folders are left out (``scan_packages``)."""
    return scan_packages(models_dir)[0]


_POSITION_ENCODINGS = "position_encodings/encodings"


def model_position_limit(model_dir: Path) -> int | None:
    """How many positions a CTranslate2 model has encodings for; None when unlimited or unknown.

    Learned position encodings are saved in ``model.bin`` as a variable whose first
    dimension is the limit (the tiny test package has 260; NLLB about 1024); sinusoidal
    ones (Argos' OpenNMT models) are generated as long as needed and not saved. Only
    the variable headers are read: the weights are skipped.
    """
    try:
        with (model_dir / "model.bin").open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size

            def take(fmt: str) -> int:
                wanted = struct.calcsize("<" + fmt)
                data = handle.read(wanted)
                if len(data) != wanted:
                    raise ValueError("truncated")
                value: int = struct.unpack("<" + fmt, data)[0]
                return value

            def text() -> str:
                return handle.read(take("H")).rstrip(b"\0").decode("utf-8")

            version = take("I")
            if not 1 <= version <= 6:
                return None
            if version >= 2:
                text()  # spec name
                take("I")  # spec revision
            limits = []
            for _ in range(take("I")):
                name = text()
                dims = [take("I") for _ in range(take("B"))]
                take("B")  # data type
                handle.seek(take("I"), os.SEEK_CUR)
                if handle.tell() > size:
                    return None
                if name.endswith(_POSITION_ENCODINGS) and dims:
                    limits.append(dims[0])
            return min(limits) if limits else None
    except (OSError, ValueError, UnicodeDecodeError):
        return None


def source_special_tokens(model_dir: Path) -> int:
    """Tokens the model adds to every source (BOS, EOS), from its config; 1 when unknown."""
    try:
        config = json.loads((model_dir / "config.json").read_text("utf-8"))
    except (OSError, ValueError, RecursionError):
        return 1
    if not isinstance(config, dict) or "add_source_eos" not in config:
        return 1
    return int(bool(config.get("add_source_bos"))) + int(bool(config.get("add_source_eos")))


def load_problem(package: InstalledPackage, settings: TranslateSettings) -> str | None:
    """Load the package's model and tokenizer for real and decode one sentence; the error or None.

    A damaged ``model.bin`` (cut short by a failed copy, overwritten) fails here rather
    than in the middle of a draft run.
    """
    import ctranslate2
    import sentencepiece

    try:
        processor = sentencepiece.SentencePieceProcessor(model_file=str(package.sentencepiece_path))
        translator = ctranslate2.Translator(
            str(package.model_dir), device="cpu", compute_type=settings.compute_type, intra_threads=1
        )
        tokens = processor.encode("Hello.", out_type=str)
        prefix = [[package.target_prefix]] if package.target_prefix else None
        translator.translate_batch([tokens], target_prefix=prefix, beam_size=1, max_decoding_length=8)
    except Exception as exc:  # whatever CTranslate2 or SentencePiece raise, it is the answer
        return "does not load: " + " ".join(str(exc).split())[:300]
    return None


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version))


def install_hint(settings: TranslateSettings, lang: str) -> str:
    """The command that provides a package for ``lang`` under the configured engine."""
    engine = settings.engines.get(lang, "argos")
    if engine == "nllb":
        return (
            f"workflow.py models package-nllb DIR --lang {lang} "
            f"(DIR: an NLLB-200 CTranslate2 conversion, see {DOCS})"
        )
    pinned = settings.packages.get(lang)
    if pinned:
        return f"workflow.py models install {pinned}.argosmodel (or the package name from the index)"
    return f"workflow.py models install translate-{settings.source_language}_{lang}"


def candidates(
    settings: TranslateSettings, lang: str, installed: Sequence[InstalledPackage]
) -> list[InstalledPackage]:
    """Installed packages that fit ``lang`` under the configuration, best first."""
    pinned = settings.packages.get(lang)
    if pinned:
        return [p for p in installed if p.name == pinned]
    engine = settings.engines.get(lang, "argos")
    fitting = [
        p
        for p in installed
        if p.from_code == settings.source_language and p.to_code == lang and p.engine == engine
    ]
    return sorted(fitting, key=lambda p: version_key(p.version), reverse=True)


def select_package(settings: TranslateSettings, lang: str) -> InstalledPackage:
    """The package that drafts ``lang``; ``ModelMissingError`` with the fixing command."""
    found = candidates(settings, lang, list_packages(settings.models_dir))
    usable = [p for p in found if not p.problems()]
    if usable:
        return usable[0]
    engine = settings.engines.get(lang, "argos")
    what = f"package {settings.packages[lang]!r}" if lang in settings.packages else f"{engine} package"
    detail = f" ({'; '.join(found[0].problems())})" if found else ""
    raise ModelMissingError(
        f"no usable {what} for {settings.source_language}->{lang} in {settings.models_dir}{detail}",
        hint=f"run: {install_hint(settings, lang)}",
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class LanguageStatus:
    """One line of ``models doctor``: what drafts a language, or what is missing."""

    lang: str
    engine: str
    package: InstalledPackage | None
    """The package drafting will use, None when none is usable."""
    notes: tuple[str, ...]
    """Facts and problems worth knowing (no sentence splitter, missing files)."""
    fix: str | None
    """The command that makes this language draftable, None when it already is."""


def vocabulary(model_dir: Path) -> list[str] | None:
    """Target vocabulary of a CTranslate2 model folder, or None when not found."""
    for name in ("shared_vocabulary", "target_vocabulary"):
        json_path = model_dir / f"{name}.json"
        if json_path.is_file():
            return [str(t) for t in json.loads(json_path.read_text("utf-8"))]
        txt_path = model_dir / f"{name}.txt"
        if txt_path.is_file():
            return txt_path.read_text("utf-8").splitlines()
    return None


def doctor(project: Project, langs: Sequence[str] | None = None) -> list[LanguageStatus]:
    """Per target language: the package drafting will use, its version, what is missing.

    Each candidate package is loaded for real (``load_problem``), best first, so a
    damaged model fails here and the next candidate, if any, is reported instead.
    """
    settings = read_settings(project)
    installed, broken = scan_packages(settings.models_dir)
    loaded: dict[Path, str | None] = {}
    report = []
    for lang in langs or project.targets:
        engine = settings.engines.get(lang, "argos")
        found = candidates(settings, lang, installed)
        notes = [f"unreadable package folder: {error.render()}" for error in broken.values()]
        chosen = None
        for package in found:
            problems = package.problems()
            if not problems:
                if package.path not in loaded:
                    loaded[package.path] = load_problem(package, settings)
                problem = loaded[package.path]
                problems = [problem] if problem is not None else []
            if problems:
                notes.extend(f"{package.name}: {problem}" for problem in problems)
                continue
            chosen = package
            break
        if chosen is not None:
            if chosen.splitter_path is None:
                notes.append("no minisbd sentence splitter in the package: the built-in splitter is used")
            if chosen.target_prefix:
                vocab = vocabulary(chosen.model_dir)
                if vocab is not None and chosen.target_prefix not in vocab:
                    notes.append(f"target prefix {chosen.target_prefix} is not in the model vocabulary")
            limit = model_position_limit(chosen.model_dir)
            if limit is not None:
                notes.append(f"the model has {limit} positions: longer sentences are cut to fit")
        elif not found:
            notes.append(f"no {engine} package for {settings.source_language}->{lang} installed")
        report.append(
            LanguageStatus(
                lang=lang,
                engine=engine,
                package=chosen,
                notes=tuple(notes),
                fix=None if chosen is not None else install_hint(settings, lang),
            )
        )
    return report
