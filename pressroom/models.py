"""Translation models: which Argos package drafts which language, and managing them.

Input: the ``[translate]`` table of the configuration and the packages folder.
Output: ``InstalledPackage`` records for the drafting stage, installs and removals,
a per-language ``doctor`` report (each model loaded for real), and ``.argosmodel``
archives wrapping an NLLB-200 CTranslate2 conversion.

A package is the Argos layout (``metadata.json`` is the package format), read and
written here without importing argostranslate. An install checks the archive
(one top-level folder, no path leaving it, no links, a size limit and no zip bomb,
metadata that agrees with the folder name and with a package of that name already
installed), unpacks it into a hidden folder beside the packages, loads its model, and
only then swaps it in with a rename: a broken archive never touches the installed
package.

The network is touched only by ``install_from_index``: the index and the archive are
fetched over http(s) only, streamed with a size limit and a deadline that holds
against a server sending a byte at a time (argostranslate's own index call recurses
without end when offline).
"""

from __future__ import annotations

import contextlib
import http.client
import io
import json
import os
import re
import secrets
import shutil
import socket
import stat
import struct
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from . import __version__
from .errors import IndexUnreachableError, ModelMissingError, WorkflowError
from .project import Project

MODELS_DIR_ENV = "PRESSROOM_MODELS_DIR"
"""Environment variable that overrides ``[translate] models_dir``."""
INDEX_URL_ENV = "PRESSROOM_MODEL_INDEX"
"""Environment variable that overrides ``[translate] index_url``."""
DEFAULT_INDEX_URL = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json"

INDEX_MAX_BYTES = 16 * 1024 * 1024
"""Largest package index accepted (Argos' public one is about 100 kB)."""
MEGABYTE = 1024 * 1024
BOMB_RATIO = 100
"""A package that unpacks to more than this many times its compressed size (past 64 MB) is refused."""

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
        max_batch_tokens=_int(table, "max_batch_tokens", 1024, 1),
        max_length_factor=_positive(table, "max_length_factor", 2.0),
        engines=engines,
        packages={str(k): str(v) for k, v in dict(table.get("package", {})).items() if v},
        nllb_codes={**NLLB_CODES, **{str(k): str(v) for k, v in dict(table.get("nllb_code", {})).items()}},
        cache=bool(table.get("cache", True)),
        source_language=project.source_language,
    )


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
    problem = _metadata_problem(metadata)
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


def _metadata_problem(metadata: object) -> str | None:
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


def _version_key(version: str) -> tuple[int, ...]:
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
    return sorted(fitting, key=lambda p: _version_key(p.version), reverse=True)


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


def _vocabulary(model_dir: Path) -> list[str] | None:
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
                vocab = _vocabulary(chosen.model_dir)
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


def _private_dir(models_dir: Path) -> Path:
    """Where our downloads live, beside the models folder (every sub-folder in it is a package)."""
    return models_dir.parent / f".{models_dir.name}-argos"


# --------------------------------------------------------------------------- installing

_NAME_PAIR = re.compile(r"[a-z]+-([a-z]{2,3})_([a-z]{2,3})(?:-.*)?")
_STALE_SECONDS = 3600
_BOMB_FLOOR = 64 * MEGABYTE
_CHUNK = 1024 * 1024


def _refuse(message: str, archive: Path, hint: str | None = None) -> WorkflowError:
    return WorkflowError(message, path=archive, hint=hint)


def _check_member(info: zipfile.ZipInfo, root: str, archive: Path) -> None:
    """Every entry must stay inside the package folder and be a plain file or folder."""
    name = info.filename
    parts = name.rstrip("/").split("/")
    if (
        name.startswith("/")
        or "\\" in name
        or "\0" in name
        or re.match(r"[A-Za-z]:", name)
        or any(part in ("", ".", "..") for part in parts)
        or parts[0] != root
    ):
        raise _refuse(f"refusing package entry {name!r}: it would be written outside the package", archive)
    kind = stat.S_IFMT(info.external_attr >> 16)  # 0 when the archiver recorded no type
    if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
        raise _refuse(f"refusing package entry {name!r}: not a plain file (a link?)", archive)


def _inspect_archive(archive: Path, max_bytes: int) -> tuple[str, dict[str, Any]]:
    """The package folder name and metadata of an ``.argosmodel``, after checking the whole archive."""
    if not archive.is_file():
        raise _refuse("no such package file", archive, hint="check the path")
    if not zipfile.is_zipfile(archive):
        raise _refuse("not an Argos package (not a zip archive)", archive)
    try:
        with zipfile.ZipFile(archive) as bundle:
            infos = bundle.infolist()
            names = [info.filename for info in infos]
            roots = {name.split("/", 1)[0] for name in names if name.strip("/")}
            if len(roots) != 1 or f"{next(iter(roots))}/metadata.json" not in names:
                raise _refuse(
                    "not an Argos package: expected one top-level folder holding metadata.json", archive
                )
            root = next(iter(roots))
            if root.startswith(".") or root in ("..", ""):
                raise _refuse(f"refusing package folder name {root!r}", archive)
            for info in infos:
                _check_member(info, root, archive)
            unpacked = sum(info.file_size for info in infos)
            packed = sum(info.compress_size for info in infos)
            if unpacked > max_bytes:
                raise _refuse(
                    f"the package unpacks to {unpacked // MEGABYTE} MB, more than the limit "
                    f"of {max_bytes // MEGABYTE} MB",
                    archive,
                    hint="raise [translate] max_package_mb if the package is genuine",
                )
            if unpacked > _BOMB_FLOOR and unpacked > BOMB_RATIO * max(packed, 1):
                raise _refuse(
                    f"refusing a zip bomb: {packed // 1024} kB of archive unpack to "
                    f"{unpacked // MEGABYTE} MB",
                    archive,
                )
            meta = bundle.getinfo(f"{root}/metadata.json")
            if meta.file_size > MEGABYTE:
                raise _refuse("package metadata.json is larger than 1 MB", archive)
            raw = bundle.read(meta)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
        raise _refuse(f"damaged package archive: {exc}", archive) from exc
    try:
        metadata = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise _refuse(
            f"bad package metadata ({root}/metadata.json): {exc}",
            archive,
            hint="the archive is damaged or not an Argos package; nothing was installed",
        ) from exc
    problem = _metadata_problem(metadata)
    if problem is not None:
        raise _refuse(f"{problem} ({root}/metadata.json)", archive, hint="nothing was installed")
    assert isinstance(metadata, dict)
    named = _NAME_PAIR.fullmatch(root)
    pair = (metadata["from_code"], metadata["to_code"])
    if named is not None and (named.group(1), named.group(2)) != pair:
        raise _refuse(
            f"the package folder {root} says {named.group(1)}->{named.group(2)}, "
            f"but its metadata.json says {pair[0]}->{pair[1]}",
            archive,
            hint="the archive is mislabelled; get it again from its publisher",
        )
    return root, metadata


def _check_collision(target: Path, metadata: Mapping[str, Any], archive: Path) -> None:
    """A same-named package may be replaced only by the same language pair and engine."""
    if not target.exists():
        return
    try:
        installed = read_package(target)
    except WorkflowError:
        return  # an unreadable folder: replacing it is the repair
    incoming = (
        str(metadata["from_code"]),
        str(metadata["to_code"]),
        str(metadata.get("pressroom_engine", "argos")),
    )
    if (installed.from_code, installed.to_code, installed.engine) != incoming:
        raise _refuse(
            f"a package named {target.name} is installed for {installed.from_code}->{installed.to_code} "
            f"({installed.engine}); this archive holds {incoming[0]}->{incoming[1]} ({incoming[2]})",
            archive,
            hint="remove the installed one first if you mean to replace it: "
            f"workflow.py models remove {target.name}",
        )


def _unpack(archive: Path, staging: Path, max_bytes: int) -> None:
    """Extract into ``staging``, counting the bytes really written (headers can lie)."""
    written = 0
    try:
        with zipfile.ZipFile(archive) as bundle:
            for info in bundle.infolist():
                target = staging / info.filename
                if info.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                with bundle.open(info) as source, target.open("wb") as out:
                    while chunk := source.read(_CHUNK):
                        written += len(chunk)
                        if written > max_bytes:
                            raise _refuse(
                                f"the package unpacks to more than {max_bytes // MEGABYTE} MB", archive
                            )
                        out.write(chunk)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise _refuse(f"cannot unpack the package: {exc}", archive) from exc


def _remove_stale(models_dir: Path) -> None:
    """Delete what a killed install or removal left behind (hidden, older than an hour)."""
    now = time.time()
    for child in models_dir.glob(".*-*"):
        if child.name.startswith((".staging-", ".replaced-", ".removing-")):
            with contextlib.suppress(OSError):
                if now - child.stat().st_mtime > _STALE_SECONDS:
                    shutil.rmtree(child, ignore_errors=True)


def _swap_in(fresh: Path, target: Path) -> None:
    """Put ``fresh`` where ``target`` is, by renames; the old folder is deleted afterwards."""
    if not target.exists():
        os.rename(fresh, target)
        return
    old = target.with_name(f".replaced-{target.name}-{secrets.token_hex(4)}")
    os.rename(target, old)
    try:
        os.rename(fresh, target)
    except BaseException:
        os.rename(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


def install_package(settings: TranslateSettings, archive: Path) -> InstalledPackage:
    """Install a local ``.argosmodel``; replaces an installed package of the same name and pair.

    See the module docstring: the archive is checked whole, unpacked into a hidden
    folder of the models folder and its model loaded before anything installed is
    touched; the swap is two renames.
    """
    root, metadata = _inspect_archive(archive, settings.max_package_bytes)
    models_dir = settings.models_dir
    target = models_dir / root
    _check_collision(target, metadata, archive)
    models_dir.mkdir(parents=True, exist_ok=True)
    _remove_stale(models_dir)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=models_dir))
    try:
        _unpack(archive, staging, settings.max_package_bytes)
        package = read_package(staging / root)
        problems = package.problems()
        problem = load_problem(package, settings) if not problems else None
        if problem is not None:
            problems = [f"its model {problem}"]
        if problems:
            raise _refuse(
                f"not a usable package: {'; '.join(problems)}",
                archive,
                hint="the archive is damaged or incomplete; nothing was installed",
            )
        _check_collision(target, metadata, archive)  # again: another install may have finished meanwhile
        _swap_in(staging / root, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return read_package(target)


def remove_package(settings: TranslateSettings, name: str) -> InstalledPackage:
    """Uninstall the package folder ``name`` (an unreadable one too): rename it away, then delete."""
    installed, broken = scan_packages(settings.models_dir)
    by_name = {p.name: p for p in installed}
    target = settings.models_dir / name
    if name not in by_name and name not in broken:
        known = ", ".join(by_name) or "none installed"
        raise ModelMissingError(f"no installed package named {name!r}", hint=f"installed: {known}")
    package = by_name.get(name) or InstalledPackage(
        name=name, path=target, from_code="", to_code="", version="", engine="", target_prefix=""
    )
    trash = target.with_name(f".removing-{name}-{secrets.token_hex(4)}")
    os.rename(target, trash)
    shutil.rmtree(trash, ignore_errors=True)
    return package


# --------------------------------------------------------------------------- the package index


@dataclass(frozen=True, slots=True, kw_only=True)
class IndexEntry:
    """One package offered by a package index."""

    name: str
    """argospm name, ``translate-en_ur``."""
    version: str
    from_code: str
    to_code: str
    links: tuple[str, ...]
    """Download URLs, absolute http(s) (relative links are resolved against the index)."""


class _Deadline:
    """Shuts down every socket of a request when its time is up, wherever it is blocked."""

    def __init__(self, seconds: float) -> None:
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if not self.expired:
                return
        self._shutdown(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            sockets = list(self._sockets)
        for sock in sockets:
            self._shutdown(sock)

    @staticmethod
    def _shutdown(sock: socket.socket) -> None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)

    def cancel(self) -> None:
        self._timer.cancel()


def _opener(deadline: _Deadline) -> urllib.request.OpenerDirector:
    """urllib with http and https only (redirects included), every socket watched by ``deadline``."""

    def connect(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
        sock = socket.create_connection(address, *args, **kwargs)
        deadline.watch(sock)
        return sock

    class Connection(http.client.HTTPConnection):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._create_connection = connect

    class SecureConnection(http.client.HTTPSConnection):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._create_connection = connect

    class Handler(urllib.request.HTTPHandler):
        def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
            return self.do_open(Connection, req)

    class SecureHandler(urllib.request.HTTPSHandler):
        def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
            return self.do_open(SecureConnection, req, context=getattr(self, "_context", None))

    class Redirects(urllib.request.HTTPRedirectHandler):
        def redirect_request(
            self,
            req: urllib.request.Request,
            fp: Any,
            code: int,
            msg: str,
            headers: Any,
            newurl: str,
        ) -> urllib.request.Request | None:
            if urllib.parse.urlsplit(newurl).scheme not in ("http", "https"):
                raise urllib.error.URLError(f"redirect to {newurl} refused (http and https only)")
            return super().redirect_request(req, fp, code, msg, headers, newurl)

    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        urllib.request.UnknownHandler(),
        Handler(),
        SecureHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        Redirects(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


_OFFLINE_HINT = "or install a downloaded .argosmodel file: workflow.py models install FILE"


def _stream(url: str, out: BinaryIO, *, timeout: float, total: float, max_bytes: int, what: str) -> int:
    """Copy ``url`` into ``out``: http(s) only, at most ``max_bytes``, within ``total`` seconds.

    ``timeout`` bounds each wait for the server; ``total`` the whole request, enforced
    by shutting the connection down wherever it is blocked. Returns the bytes copied.
    """
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise IndexUnreachableError(
            f"{what} {url}: only http:// and https:// URLs are fetched",
            hint="serve a mirror folder over http (python3 -m http.server in it), " + _OFFLINE_HINT,
        )
    deadline = _Deadline(total)
    request = urllib.request.Request(url, headers={"User-Agent": f"pressroom/{__version__}"})
    received = 0
    try:
        with _opener(deadline).open(request, timeout=min(timeout, total)) as response:
            length = str(response.headers.get("Content-Length") or "")
            if length.isdigit() and int(length) > max_bytes:
                raise IndexUnreachableError(
                    f"{what} {url} is {int(length) // MEGABYTE} MB, more than the limit of "
                    f"{max(max_bytes // MEGABYTE, 1)} MB",
                    hint="raise [translate] max_package_mb if it is genuine",
                )
            while chunk := response.read1(_CHUNK):
                received += len(chunk)
                if received > max_bytes:
                    raise IndexUnreachableError(
                        f"{what} {url} is larger than the limit of {max(max_bytes // MEGABYTE, 1)} MB",
                        hint="raise [translate] max_package_mb if it is genuine",
                    )
                out.write(chunk)
            if not deadline.expired and length.isdigit() and received != int(length):
                raise IndexUnreachableError(f"{what} {url} ended after {received} of {length} bytes")
    except (urllib.error.URLError, OSError, ValueError, http.client.HTTPException) as exc:
        if not deadline.expired:
            reason = getattr(exc, "reason", exc)
            raise IndexUnreachableError(
                f"{what} {url} is unreachable: {reason}",
                hint="check [translate] index_url and the network, " + _OFFLINE_HINT,
            ) from exc
    finally:
        deadline.cancel()
    if deadline.expired:
        raise IndexUnreachableError(
            f"{what} {url} did not arrive within {total:g} s",
            hint="check the network or raise [translate] timeout / download_timeout, " + _OFFLINE_HINT,
        )
    return received


def read_index(settings: TranslateSettings) -> list[IndexEntry]:
    """Fetch and parse the package index (argospm ``index.json``: a list of metadata)."""
    buffer = io.BytesIO()
    _stream(
        settings.index_url,
        buffer,
        timeout=settings.timeout,
        total=settings.timeout,
        max_bytes=INDEX_MAX_BYTES,
        what="package index",
    )
    try:
        entries = json.loads(buffer.getvalue())
    except (ValueError, RecursionError) as exc:
        raise IndexUnreachableError(
            f"package index {settings.index_url} is not JSON: {str(exc) or 'nested too deeply'}",
            hint="index_url must point at an argospm index.json",
        ) from exc
    if not isinstance(entries, list):
        raise IndexUnreachableError(f"package index {settings.index_url} is not a list of packages")
    index = []
    for item in entries:
        if not isinstance(item, dict) or _metadata_problem(item) is not None:
            continue
        kind = item.get("type")
        kind = kind if isinstance(kind, str) and kind else "translate"
        raw_links = item.get("links")
        links = tuple(
            absolute
            for link in (raw_links if isinstance(raw_links, list) else [])
            if isinstance(link, str)
            and urllib.parse.urlsplit(absolute := urllib.parse.urljoin(settings.index_url, link)).scheme
            in ("http", "https")
        )
        index.append(
            IndexEntry(
                name=f"{kind}-{item['from_code']}_{item['to_code']}",
                version=str(item.get("package_version", "")),
                from_code=str(item["from_code"]),
                to_code=str(item["to_code"]),
                links=links,
            )
        )
    return index


def install_from_index(settings: TranslateSettings, name: str) -> InstalledPackage:
    """Download package ``name`` (``translate-en_ur``, optionally ``-1_9``) and install it."""
    index = read_index(settings)
    matching = [
        entry for entry in index if name in (entry.name, f"{entry.name}-{entry.version.replace('.', '_')}")
    ]
    if not matching:
        offered = ", ".join(sorted({e.name for e in index})) or "nothing"
        raise ModelMissingError(
            f"package {name!r} is not in the index {settings.index_url}",
            hint=f"the index offers: {offered}",
        )
    entry = max(matching, key=lambda e: _version_key(e.version))
    if not entry.links:
        raise IndexUnreachableError(f"package {name!r} in {settings.index_url} has no http(s) download link")
    download_dir = _private_dir(settings.models_dir) / "downloads"
    download_dir.mkdir(parents=True, exist_ok=True)
    last: IndexUnreachableError | None = None
    for link in entry.links:
        fd, tmp = tempfile.mkstemp(suffix=".argosmodel", dir=download_dir)
        try:
            with os.fdopen(fd, "wb") as handle:
                _stream(
                    link,
                    handle,
                    timeout=settings.timeout,
                    total=settings.download_timeout,
                    max_bytes=settings.max_package_bytes,
                    what="package download",
                )
            return install_package(settings, Path(tmp))
        except IndexUnreachableError as exc:
            last = exc
        finally:
            os.unlink(tmp)
    assert last is not None
    raise last


def package_nllb(
    settings: TranslateSettings,
    conversion_dir: Path,
    lang: str,
    *,
    output: Path,
    version: str = "1.0",
) -> Path:
    """Wrap an NLLB-200 CTranslate2 conversion as an en-><lang> Argos package archive.

    The model config gets NLLB's input convention (source ``eng_Latn ... </s>``,
    decoder start ``</s>``) and the metadata the target language token as
    ``target_prefix``, so the package drafts through the same path as Argos ones.
    """
    source = settings.source_language
    target_token = settings.nllb_codes.get(lang)
    source_token = settings.nllb_codes.get(source)
    if target_token is None or source_token is None:
        raise WorkflowError(
            f"no NLLB language code known for {lang if target_token is None else source}",
            hint=f'add it under [translate.nllb_code], e.g. {lang} = "xxx_Latn"',
        )
    if not (conversion_dir / "model.bin").is_file():
        raise WorkflowError(
            "not a CTranslate2 model folder (no model.bin)",
            path=conversion_dir,
            hint=f"convert NLLB-200 with ct2-transformers-converter first, see {DOCS}",
        )
    spm_path = next(
        (
            conversion_dir / n
            for n in ("sentencepiece.bpe.model", "sentencepiece.model")
            if (conversion_dir / n).is_file()
        ),
        None,
    )
    if spm_path is None:
        raise WorkflowError(
            "no sentencepiece.bpe.model beside the model",
            path=conversion_dir,
            hint="pass --copy_files sentencepiece.bpe.model to ct2-transformers-converter",
        )
    vocab = _vocabulary(conversion_dir)
    if vocab is None:
        raise WorkflowError("no shared_vocabulary.json/.txt in the model folder", path=conversion_dir)
    absent = [token for token in (source_token, target_token) if token not in vocab]
    if absent:
        raise WorkflowError(
            f"the model vocabulary lacks the language token(s) {', '.join(absent)}: not an NLLB-200 model?",
            path=conversion_dir,
        )
    config_path = conversion_dir / "config.json"
    try:
        config = json.loads(config_path.read_text("utf-8")) if config_path.is_file() else {}
    except json.JSONDecodeError as exc:
        raise WorkflowError(f"bad model config: {exc}", path=config_path, line=exc.lineno) from exc
    config.update(
        {
            "bos_token": source_token,
            "add_source_bos": True,
            "add_source_eos": True,
            "decoder_start_token": "</s>",
        }
    )
    name = f"nllb-{source}_{lang}-{version.replace('.', '_')}"
    metadata = {
        "package_version": version,
        "argos_version": "1.9",
        "type": "translate",
        "from_code": source,
        "from_name": source,
        "to_code": lang,
        "to_name": lang,
        "target_prefix": target_token,
        "pressroom_engine": "nllb",
        "pressroom_source": conversion_dir.name,
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".tmp", dir=output.parent)
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_STORED) as bundle:
            bundle.writestr(f"{name}/metadata.json", json.dumps(metadata, indent=2) + "\n")
            bundle.writestr(f"{name}/model/config.json", json.dumps(config, indent=2) + "\n")
            for item in sorted(conversion_dir.iterdir()):
                if item.is_file() and item.name != "config.json" and item != spm_path:
                    bundle.write(item, f"{name}/model/{item.name}")
            bundle.write(spm_path, f"{name}/sentencepiece.model")
        os.replace(tmp, output)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return output
