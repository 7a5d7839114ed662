"""A content root: where sources, catalogs and the glossary live, and its settings.

``workflow.py --project DIR`` points at any folder holding ``source/``,
``translations/`` and ``glossary.csv``; its optional ``workflow.toml`` overrides the
packaged ``defaults.toml`` key by key.
"""

from __future__ import annotations

import os
import re
import stat
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from .config import CONFIG_NAME, key_lines, line_of, validate_config
from .errors import CatalogError, ConfigError, SourceError, WorkflowError
from .fsio import read_text
from .languages import Language, build_language, select_languages

__all__ = ["CONFIG_NAME", "MAX_NAME_BYTES", "Project", "check_layout", "check_name", "load_project"]

MAX_NAME_BYTES = 200
"""Longest slug or language code in a file name, in UTF-8 bytes (file systems allow 255 in all)."""


def check_name(name: str, *, what: str = "article") -> str:
    """``name`` if it is safe as one file-name component under a project folder.

    The last line of defence against ``translate ../../outside/x``: the CLI checks
    slugs properly (``source.check_slug``); this refuses anything that could leave
    its folder or overflow a file name, whoever calls.
    """
    if (
        not name
        or name in (".", "..")
        or len(name.encode("utf-8", "surrogateescape")) > MAX_NAME_BYTES
        or any(ch in name for ch in "/\\\0")
    ):
        shown = name if len(name) <= 60 else name[:57] + "..."
        raise SourceError(
            f"invalid {what} name {shown!r}",
            hint="use lowercase letters, digits and hyphens, at most 100 characters",
        )
    return name


def _merge(base: dict[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


@dataclass(frozen=True, slots=True, kw_only=True)
class Project:
    """Paths and settings of one content root."""

    root: Path
    config: Mapping[str, Any]
    """Merged configuration; stages read their own sections (``[translate]``, ``[render]``)."""
    languages: Mapping[str, Language]
    """Every configured language, the source language included."""
    targets: tuple[str, ...]
    """Codes of the languages articles are translated into."""
    source_language: str

    @property
    def name(self) -> str:
        return str(self.config["project"]["name"])

    @property
    def source_dir(self) -> Path:
        return self.root / str(self.config["project"]["source_dir"])

    @property
    def translations_dir(self) -> Path:
        return self.root / str(self.config["project"]["translations_dir"])

    @property
    def templates_dir(self) -> Path:
        return self.translations_dir / "templates"

    @property
    def glossary_path(self) -> Path:
        return self.root / str(self.config["project"]["glossary"])

    @property
    def build_dir(self) -> Path:
        return self.root / str(self.config["project"]["build_dir"])

    def source_path(self, slug: str) -> Path:
        return self.source_dir / f"{check_name(slug)}.md"

    def pot_path(self, slug: str) -> Path:
        return self.templates_dir / f"{check_name(slug)}.pot"

    def po_path(self, lang: str, slug: str) -> Path:
        return self.translations_dir / check_name(lang, what="language") / f"{check_name(slug)}.po"

    def section(self, name: str) -> Mapping[str, Any]:
        """One top-level table of the configuration, empty when absent."""
        value = self.config.get(name, {})
        return value if isinstance(value, Mapping) else {}

    def target_languages(self, requested: list[str] | None = None) -> list[Language]:
        """Languages a command works on (``--lang`` or every target)."""
        return select_languages(self.languages, requested, list(self.targets))

    def relative(self, path: Path) -> str:
        """``path`` relative to the project root when inside it, for messages and references."""
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except (ValueError, OSError, RuntimeError):  # outside, or a symlink loop
            return str(path)


def load_project(root: Path | str = ".") -> Project:
    """Read ``workflow.toml`` (if any) over the packaged defaults, check it, and check the layout.

    Every problem is a ``WorkflowError`` naming the file (``workflow.toml:LINE`` for
    settings): unreadable or non-UTF-8 bytes, TOML syntax, a key of the wrong type
    or unknown (see :mod:`pressroom.config`), a file where a folder belongs.
    """
    root = Path(root)
    if not root.is_dir():
        what = "is not a folder" if root.exists() else "project folder does not exist"
        raise ConfigError(what, path=root, hint="pass --project DIR")
    defaults = tomllib.loads(resources.files("pressroom").joinpath("defaults.toml").read_text("utf-8"))
    config = defaults
    config_path = root / CONFIG_NAME
    text = ""
    if config_path.exists() or config_path.is_symlink():
        text = read_text(config_path, error=ConfigError)
        try:
            override = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            # Python 3.11's TOMLDecodeError only says "(at line N, column M)" in its text.
            found = re.search(r"at line (\d+)", str(exc))
            line = int(found.group(1)) if found else None
            raise ConfigError(str(exc), path=config_path, line=line, hint="fix the TOML syntax") from exc
        config = _merge(defaults, override)
    validate_config(config, root=root, config_path=config_path, text=text)
    project_table = config["project"]
    source_language = project_table["source_language"]
    targets = tuple(project_table["targets"])
    tables = config["languages"]
    languages = {}
    for code in (source_language, *targets):
        try:
            languages[code] = build_language(code, tables[code])
        except ConfigError as exc:
            if exc.path is None:
                exc.path = config_path
                exc.line = line_of(key_lines(text), ("languages", code)) or line_of(
                    key_lines(text), ("project", "targets")
                )
            raise
    project = Project(
        root=root,
        config=config,
        languages=languages,
        targets=targets,
        source_language=source_language,
    )
    check_layout(project)
    return project


def _kind_error(path: Path, error: type[WorkflowError], expected: str, hint: str) -> WorkflowError:
    return error(
        f"is a {'directory' if path.is_dir() else 'file'}, expected {expected}", path=path, hint=hint
    )


def check_layout(project: Project) -> None:
    """Folders where the project keeps folders, files where it keeps files.

    A file named like a language folder, or a folder, pipe or symlink loop named like
    a catalog or a source article, is reported here, once, instead of as an ``OSError``
    (or a read that blocks forever) deep inside whichever stage trips on it first; so
    is a catalog or article that links out of the project. Missing folders are fine
    (commands create them).
    """
    folders: list[tuple[Path, type[WorkflowError], str]] = [
        (project.source_dir, SourceError, "the source articles"),
        (project.translations_dir, CatalogError, "the catalogs"),
        (project.templates_dir, CatalogError, "the catalog templates"),
    ]
    folders += [
        (project.translations_dir / code, CatalogError, f"the {code} catalogs") for code in project.targets
    ]
    for folder, error, what in folders:
        if (folder.exists() or folder.is_symlink()) and not folder.is_dir():
            raise _kind_error(
                folder, error, "a directory", f"pressroom keeps {what} in this folder; move the file away"
            )
    files: list[tuple[Path, str, type[WorkflowError]]] = [
        (project.source_dir, ".md", SourceError),
        (project.templates_dir, ".pot", CatalogError),
    ]
    files += [(project.translations_dir / code, ".po", CatalogError) for code in project.targets]
    root = Path(os.path.realpath(project.root))
    for folder, suffix, error in files:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if not entry.name.endswith(suffix) or entry.name.startswith("."):
                continue
            try:
                mode = entry.stat().st_mode
            except OSError as exc:  # a dangling link or a symlink loop
                path = Path(entry.path)
                if not entry.is_symlink() or os.path.lexists(os.path.realpath(path)):
                    raise error(
                        f"cannot be read: {(exc.strerror or str(exc)).lower()}",
                        path=path,
                        hint="fix or remove the link",
                    ) from exc
                continue  # dangling: read as missing, like any absent file
            if stat.S_ISREG(mode) and not entry.is_symlink():
                continue  # the common case, decided without a Path: archives hold thousands
            path = Path(entry.path)
            if entry.is_symlink() and not Path(os.path.realpath(path)).is_relative_to(root):
                raise error(
                    "is a symbolic link out of the project",
                    path=path,
                    hint="copy the file into the project instead of linking it",
                )
            if stat.S_ISDIR(mode):
                raise _kind_error(
                    path, error, "a file", f"a {suffix} name is kept for a file; rename the folder"
                )
            if not stat.S_ISREG(mode):
                raise error(
                    "is not a regular file",
                    path=path,
                    hint=f"a {suffix} name is kept for a text file; remove it",
                )
