"""Rendering, settings: the ``[render]`` table of workflow.toml, checked and completed with defaults.

Input: the project configuration. Output: :class:`RenderSettings`; an unknown
format or ``searchable_text`` mode is an error naming the setting.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError, RenderError
from ..project import Project
from .fonts import DEFAULT_FONT_DIRS
from .searchable import SEARCHABLE_MODES

FORMATS = ("html", "pdf")


@dataclass(frozen=True, slots=True, kw_only=True)
class RenderSettings:
    """The ``[render]`` table, completed with defaults."""

    formats: tuple[str, ...]
    bilingual: bool
    base_url: str
    """Absolute site URL for hreflang links; relative links when empty."""
    page_size: str
    pdf_variant: str
    """WeasyPrint ``pdf_variant``: ``pdf/ua-1`` tags the PDF; empty for none."""
    searchable_text: str
    """``none``, ``ltr`` or ``clusters``: which complex-script PDF text gets ActualText spans."""
    font_dirs: tuple[Path, ...]
    jobs: int
    fallback_fonts: tuple[str, ...] = ()
    """Font files tried after each language's faces: emoji, symbols, mathematics."""
    code_fonts: tuple[str, ...] = ()
    """Monospaced font file(s) for code blocks and inline code."""
    embed_hosts: tuple[str, ...] = ()
    """Hosts whose ``<iframe>`` embeds raw HTML may keep (``www.youtube-nocookie.com`` ...)."""


def read_settings(project: Project) -> RenderSettings:
    """``[render]`` of the project configuration as typed settings."""
    table = project.section("render")
    formats = tuple(str(f) for f in table.get("formats", FORMATS))
    check_formats(formats)
    font_dirs = tuple(project.root / str(d) for d in table.get("font_dirs", ())) + DEFAULT_FONT_DIRS
    return RenderSettings(
        formats=formats,
        bilingual=bool(table.get("bilingual", True)),
        base_url=str(table.get("base_url", "")).rstrip("/"),
        page_size=str(table.get("page_size", "A4")),
        pdf_variant=str(table.get("pdf_variant", "pdf/ua-1")),
        searchable_text=_searchable(table.get("searchable_text", "clusters")),
        font_dirs=font_dirs,
        jobs=int(table.get("jobs", 1)),
        fallback_fonts=tuple(str(name) for name in table.get("fallback_fonts", ())),
        code_fonts=tuple(str(name) for name in table.get("code_fonts", ())),
        embed_hosts=tuple(str(host).lower() for host in table.get("embed_hosts", ())),
    )


def _searchable(value: object) -> str:
    mode = ("clusters" if value else "none") if isinstance(value, bool) else str(value)
    if mode not in SEARCHABLE_MODES:
        raise ConfigError(
            f"[render] searchable_text = {value!r} is not one of {', '.join(SEARCHABLE_MODES)}",
            hint="ltr marks Sinhala lines; clusters also Urdu and Persian glyph clusters",
        )
    return mode


def check_formats(formats: Iterable[str]) -> None:
    """Raise RenderError for a format other than html and pdf."""
    for fmt in formats:
        if fmt not in FORMATS:
            raise RenderError(f"unknown output format {fmt!r}", hint="use html, pdf or html,pdf")
