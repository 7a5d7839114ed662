"""Translation models: which Argos package drafts which language, and managing them.

Input: the ``[translate]`` table of the configuration and the packages folder.
Output: ``InstalledPackage`` records for the drafting stage, installs and removals
through argostranslate's own package functions, a per-language ``doctor`` report,
and ``.argosmodel`` archives wrapping an NLLB-200 CTranslate2 conversion.

The network is touched only by ``install_from_index`` (the index and the archive are
fetched here with urllib and a timeout; argostranslate's own index call recurses
without end when offline). Reading packages needs no argostranslate import at all:
``metadata.json`` is the package format.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from .errors import IndexUnreachableError, ModelMissingError, WorkflowError
from .project import Project

MODELS_DIR_ENV = "PRESSROOM_MODELS_DIR"
"""Environment variable that overrides ``[translate] models_dir``."""
INDEX_URL_ENV = "PRESSROOM_MODEL_INDEX"
"""Environment variable that overrides ``[translate] index_url``."""
DEFAULT_INDEX_URL = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json"

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
    """Package index (argospm ``index.json``); ``file://`` works offline."""
    timeout: float
    """Seconds before an index or download request gives up."""
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
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        line = exc.lineno if isinstance(exc, json.JSONDecodeError) else None
        raise WorkflowError(f"bad package metadata: {exc}", path=metadata_path, line=line) from exc
    if not isinstance(metadata, dict) or not metadata.get("from_code") or not metadata.get("to_code"):
        raise WorkflowError("package metadata has no from_code/to_code", path=metadata_path)
    return InstalledPackage(
        name=path.name,
        path=path,
        from_code=str(metadata["from_code"]),
        to_code=str(metadata["to_code"]),
        version=str(metadata.get("package_version", "")),
        engine=str(metadata.get("pressroom_engine", "argos")),
        target_prefix=str(metadata.get("target_prefix", "")),
    )


def list_packages(models_dir: Path) -> list[InstalledPackage]:
    """Installed packages, sorted by name; folders without metadata are ignored."""
    if not models_dir.is_dir():
        return []
    found = []
    for child in sorted(models_dir.iterdir()):
        if child.is_dir() and (child / "metadata.json").is_file() and not child.name.startswith("."):
            found.append(read_package(child))
    return found


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
    """Per target language: the package drafting will use, its version, what is missing."""
    settings = read_settings(project)
    installed = list_packages(settings.models_dir)
    report = []
    for lang in langs or project.targets:
        engine = settings.engines.get(lang, "argos")
        found = candidates(settings, lang, installed)
        notes: list[str] = []
        chosen = None
        for package in found:
            problems = package.problems()
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
    """Where argostranslate's own data and our downloads live, beside the models folder."""
    return models_dir.parent / f".{models_dir.name}-argos"


@contextlib.contextmanager
def _environment(values: Mapping[str, str]) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def argos_package_module(models_dir: Path) -> ModuleType:
    """``argostranslate.package`` pointed at ``models_dir``.

    argostranslate reads its folders from the environment when first imported (and
    creates them), so the import happens inside a temporary environment that keeps
    its data, cache and configuration beside the models folder (``.<name>-argos``;
    not inside it: argostranslate takes every sub-folder there for a package); later
    calls re-point the already imported settings at the requested folder.
    """
    models_dir.mkdir(parents=True, exist_ok=True)
    private = _private_dir(models_dir)
    private.mkdir(parents=True, exist_ok=True)
    with _environment(
        {
            "ARGOS_PACKAGES_DIR": str(models_dir),
            "XDG_DATA_HOME": str(private / "data"),
            "XDG_CACHE_HOME": str(private / "cache"),
            "XDG_CONFIG_HOME": str(private / "config"),
            "ARGOS_DEVICE_TYPE": "cpu",
        }
    ):
        import argostranslate.package
        import argostranslate.settings

    argostranslate.settings.package_data_dir = models_dir
    argostranslate.settings.package_dirs = [models_dir]
    module: ModuleType = argostranslate.package
    return module


def _archive_root(archive: Path) -> str:
    """The single top-level folder of an ``.argosmodel``; errors name the archive."""
    if not archive.is_file():
        raise WorkflowError("no such package file", path=archive, hint="check the path")
    if not zipfile.is_zipfile(archive):
        raise WorkflowError("not an Argos package (not a zip archive)", path=archive)
    with zipfile.ZipFile(archive) as bundle:
        names = bundle.namelist()
    roots = {name.split("/", 1)[0] for name in names if name.strip("/")}
    if len(roots) != 1 or f"{next(iter(roots))}/metadata.json" not in names:
        raise WorkflowError(
            "not an Argos package: expected one top-level folder holding metadata.json",
            path=archive,
        )
    root = next(iter(roots))
    if root.startswith(".") or root in ("..", ""):
        raise WorkflowError(f"refusing package folder name {root!r}", path=archive)
    return root


def install_package(settings: TranslateSettings, archive: Path) -> InstalledPackage:
    """Install a local ``.argosmodel`` through argostranslate; replaces a same-named package."""
    root = _archive_root(archive)
    package_module = argos_package_module(settings.models_dir)
    target = settings.models_dir / root
    if target.exists():
        shutil.rmtree(target)
    try:
        package_module.install_from_path(archive)
    except (OSError, zipfile.BadZipFile) as exc:
        raise WorkflowError(f"cannot install package: {exc}", path=archive) from exc
    return read_package(target)


def remove_package(settings: TranslateSettings, name: str) -> InstalledPackage:
    """Uninstall the package folder ``name`` through argostranslate."""
    installed = {p.name: p for p in list_packages(settings.models_dir)}
    if name not in installed:
        known = ", ".join(installed) or "none installed"
        raise ModelMissingError(f"no installed package named {name!r}", hint=f"installed: {known}")
    package_module = argos_package_module(settings.models_dir)
    package_module.uninstall(package_module.Package(installed[name].path))
    return installed[name]


@dataclass(frozen=True, slots=True, kw_only=True)
class IndexEntry:
    """One package offered by a package index."""

    name: str
    """argospm name, ``translate-en_ur``."""
    version: str
    from_code: str
    to_code: str
    links: tuple[str, ...]
    """Download URLs, absolute (relative links are resolved against the index)."""


def _fetch(url: str, timeout: float, *, what: str) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            data: bytes = response.read()
            return data
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise IndexUnreachableError(
            f"{what} {url} is unreachable: {reason}",
            hint="check [translate] index_url and the network, "
            "or install a downloaded .argosmodel file: workflow.py models install FILE",
        ) from exc


def read_index(settings: TranslateSettings) -> list[IndexEntry]:
    """Fetch and parse the package index (argospm ``index.json``: a list of metadata)."""
    data = _fetch(settings.index_url, settings.timeout, what="package index")
    try:
        entries = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise IndexUnreachableError(
            f"package index {settings.index_url} is not JSON: {exc}",
            hint="index_url must point at an argospm index.json",
        ) from exc
    if not isinstance(entries, list):
        raise IndexUnreachableError(f"package index {settings.index_url} is not a list of packages")
    index = []
    for item in entries:
        if not isinstance(item, dict) or not item.get("from_code") or not item.get("to_code"):
            continue
        kind = str(item.get("type", "translate"))
        links = tuple(urllib.parse.urljoin(settings.index_url, str(link)) for link in item.get("links", []))
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
        raise IndexUnreachableError(f"package {name!r} in {settings.index_url} has no download link")
    download_dir = _private_dir(settings.models_dir) / "downloads"
    download_dir.mkdir(parents=True, exist_ok=True)
    last: IndexUnreachableError | None = None
    for link in entry.links:
        try:
            data = _fetch(link, settings.timeout, what="package download")
        except IndexUnreachableError as exc:
            last = exc
            continue
        fd, tmp = tempfile.mkstemp(suffix=".argosmodel", dir=download_dir)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            return install_package(settings, Path(tmp))
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
