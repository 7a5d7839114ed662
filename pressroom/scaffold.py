"""A new content root: the folders, settings and glossary header a newsroom starts from.

Input: an empty (or new) folder. Output: ``workflow.toml`` with the settings worth
changing written out as comments, ``glossary.csv`` with its header row, ``source/``,
``translations/`` and, on request, a copy of pressroom's templates in ``render/`` to
restyle (each file there overrides the packaged one of the same name).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from .errors import ConfigError
from .fsio import atomic_write
from .glossary import FIXED_COLUMNS, LAST_COLUMN
from .project import CONFIG_NAME
from .site import PACKAGED_TEMPLATES_DIR

WORKFLOW_TOML = """\
# Settings of this content root; every key overrides pressroom's own defaults.toml
# (it lies beside pressroom/__init__.py, every key explained there).
[project]
name = "{name}"
targets = ["ur", "fa", "si"]
# source_dir = "source"
# translations_dir = "translations"
# glossary = "glossary.csv"
# build_dir = "build"

[render]
# base_url = "https://news.example.org/"   # absolute links for hreflang, feeds and sitemaps
# site_name = ""                           # og:site_name, JSON-LD publisher; default: [project] name
# logo = "render/logo.png"                 # publisher logo in JSON-LD, og:image when an article has none
# formats = ["html", "pdf"]
# bilingual = true
# page_size = "A4"
# templates_dir = "render"                 # your own templates; `workflow init --with-templates` copies ours

[translate]
# models_dir = ""                          # default: $PRESSROOM_MODELS_DIR or ~/.local/share/pressroom/models
# beam_size = 4

# A fourth language is a table plus its code in [project] targets, e.g.:
# [languages.hi]
# script = "Deva"
# numbering = "deva"
# font_family = "Noto Serif Devanagari"
# font_files = ["NotoSerifDevanagari-Regular.ttf", "NotoSerifDevanagari-Bold.ttf"]
"""


TARGETS = ("ur", "fa", "si")


def create_content_root(root: Path, *, name: str | None = None, with_templates: bool = False) -> list[Path]:
    """Lay out a new content root in ``root``; return what was created.

    Refuses a folder that already holds ``workflow.toml`` or ``glossary.csv``: init
    never overwrites an editor's settings or terms.
    """
    if root.exists() and not root.is_dir():
        raise ConfigError("is a file, not a folder", path=root, hint="give a new or empty folder")
    for existing in (root / CONFIG_NAME, root / "glossary.csv"):
        if existing.exists():
            raise ConfigError(
                "already exists: this folder is a content root",
                path=existing,
                hint="run init on a new folder, or edit the existing files",
            )
    created: list[Path] = []
    title = name or root.resolve().name.replace("-", " ").replace("_", " ").title()
    for folder in (root / "source", root / "translations"):
        if not folder.is_dir():
            folder.mkdir(parents=True)
            created.append(folder)
    escaped = title.replace("\\", "\\\\").replace('"', '\\"')
    atomic_write(root / CONFIG_NAME, WORKFLOW_TOML.format(name=escaped))
    atomic_write(root / "glossary.csv", ",".join((*FIXED_COLUMNS, *TARGETS, LAST_COLUMN)) + "\n")
    created += [root / CONFIG_NAME, root / "glossary.csv"]
    if with_templates:
        target = root / "render"
        if target.exists():
            raise ConfigError(
                "already exists", path=target, hint="remove it or run init without --with-templates"
            )
        shutil.copytree(PACKAGED_TEMPLATES_DIR, target, ignore=shutil.ignore_patterns("__pycache__"))
        created.append(target)
    return created
