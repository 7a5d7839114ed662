"""A content root: where sources, catalogs and the glossary live, and its settings.

``workflow.py --project DIR`` points at any folder holding ``source/``,
``translations/`` and ``glossary.csv``; its optional ``workflow.toml`` overrides the
packaged ``defaults.toml`` key by key.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .languages import Language, build_language, select_languages

CONFIG_NAME = "workflow.toml"


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
        return self.source_dir / f"{slug}.md"

    def pot_path(self, slug: str) -> Path:
        return self.templates_dir / f"{slug}.pot"

    def po_path(self, lang: str, slug: str) -> Path:
        return self.translations_dir / lang / f"{slug}.po"

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
        except ValueError:
            return str(path)


def load_project(root: Path | str = ".") -> Project:
    """Read ``workflow.toml`` (if any) over the packaged defaults."""
    root = Path(root)
    if not root.is_dir():
        raise ConfigError("project folder does not exist", path=root, hint="pass --project DIR")
    defaults = tomllib.loads(resources.files("pressroom").joinpath("defaults.toml").read_text("utf-8"))
    config = defaults
    config_path = root / CONFIG_NAME
    if config_path.exists():
        try:
            override = tomllib.loads(config_path.read_text("utf-8"))
        except tomllib.TOMLDecodeError as exc:
            # Python 3.11's TOMLDecodeError only says "(at line N, column M)" in its text.
            found = re.search(r"at line (\d+)", str(exc))
            line = int(found.group(1)) if found else None
            raise ConfigError(str(exc), path=config_path, line=line, hint="fix the TOML syntax") from exc
        config = _merge(defaults, override)
    project_table = config["project"]
    source_language = project_table["source_language"]
    targets = tuple(project_table["targets"])
    tables = config.get("languages", {})
    languages = {}
    for code in (source_language, *targets):
        if code not in tables:
            raise ConfigError(
                f"target language {code!r} has no [languages.{code}] table",
                path=config_path,
                hint=f"add [languages.{code}] with script, numbering and font_family",
            )
        languages[code] = build_language(code, tables[code])
    return Project(
        root=root,
        config=config,
        languages=languages,
        targets=targets,
        source_language=source_language,
    )
