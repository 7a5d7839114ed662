"""Rendering, plan: which editions exist, which pages are out of date, and the manifest.

Input: the articles, the languages asked for, the publishing gate's verdicts and the
manifest of the last run (``.pressroom-render.json`` in the build folder). Output: a
picklable :class:`Plan` (everything a page builder needs, in any process) and the
:class:`Task` list: one task per page with at least one output whose input
fingerprint changed. Rendering is incremental through these fingerprints.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import __version__
from ..errors import UnknownLanguageError, WorkflowError
from ..fsio import atomic_write
from ..languages import Language
from ..model import Article, Finding
from ..project import Project
from ..site import SITE_SLUG, iter_template_files
from .failures import PageFailure, failure_cause
from .fonts import FontFace
from .gate import BlockedEdition, publish_blockers
from .settings import RenderSettings

MANIFEST_NAME = ".pressroom-render.json"


@dataclass(frozen=True, slots=True, kw_only=True)
class Edition:
    """One article in one language, as it will be rendered."""

    lang: str
    slug: str
    draft: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class Task:
    """One page to build, in one or more formats."""

    kind: str
    """``article``, ``bilingual`` or ``index``."""
    lang: str
    slug: str
    outputs: tuple[tuple[str, str], ...]
    """(format, path relative to the output folder) that are out of date."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Plan:
    """Everything the page builders need, picklable for worker processes."""

    project: Project
    output_dir: Path
    settings: RenderSettings
    include_drafts: bool
    editions: Mapping[str, tuple[Edition, ...]]
    """slug -> its editions (en first)."""
    bilingual: bool
    faces: Mapping[str, tuple[FontFace, ...]]
    fallback_faces: tuple[FontFace, ...] = ()
    """Emoji, symbol and mathematics faces tried after every language's own."""
    code_faces: tuple[FontFace, ...] = ()
    """The monospaced face of code."""


def page_path(lang: str, slug: str, kind: str, fmt: str = "html") -> str:
    """Output path relative to the build folder."""
    if kind == "index":
        return f"{lang}/index.html"
    suffix = ".bilingual" if kind == "bilingual" else ""
    return f"{lang}/{slug}{suffix}.{fmt}"


def rendered_languages(project: Project, langs: Sequence[str] | None) -> list[Language]:
    """The languages asked for (source language first), or all of them; unknown codes raise."""
    source = project.languages[project.source_language]
    if not langs:
        return [source, *project.target_languages(None)]
    wanted = [code for code in langs if code != project.source_language]
    chosen = project.target_languages(wanted) if wanted else []
    for code in langs:
        if code not in project.languages:
            raise UnknownLanguageError(
                f"unknown language {code!r}",
                hint="configured languages: " + ", ".join(project.languages),
            )
    return ([source] if project.source_language in langs else []) + chosen


# --------------------------------------------------------------------------- editions


@dataclass(frozen=True, slots=True, kw_only=True)
class EditionPlan:
    """The publishing gate's verdict on every article in every language."""

    editions: Mapping[str, tuple[Edition, ...]]
    """slug -> its published (or draft) editions in every language, rendered now or not."""
    blocked: tuple[BlockedEdition, ...]
    """Editions in the languages asked for that the gate holds back."""
    drafts: tuple[tuple[str, str], ...]
    """(lang, slug) in the languages asked for, rendered as unreviewed drafts."""
    failures: tuple[PageFailure, ...] = ()
    """Editions whose catalogs could not be read (a broken PO file): not rendered."""


def plan_editions(
    project: Project,
    articles: Sequence[Article],
    languages: Sequence[Language],
    *,
    include_drafts: bool,
    findings: Sequence[Finding] | None,
) -> EditionPlan:
    """Every article's editions, each target language through the publishing gate.

    All target languages are gated, not only ``languages``: the language switcher and
    hreflang links of every page name every published edition. Only blocked editions
    and drafts of ``languages`` are reported. Without ``include_drafts`` a blocked
    edition is not rendered; with it, it is rendered as a draft unless its catalog
    does not exist at all.
    """
    from ..review.runner import load_glossary

    glossary = load_glossary(project) if findings is None else None
    source = project.source_language
    chosen = {language.code for language in languages}
    blocked: list[BlockedEdition] = []
    drafts: list[tuple[str, str]] = []
    failures: list[PageFailure] = []
    editions: dict[str, tuple[Edition, ...]] = {}
    for article in articles:
        found = []
        for language in [project.languages[source], *project.target_languages(None)]:
            if language.code == source:
                found.append(Edition(lang=source, slug=article.slug, draft=False))
                continue
            try:
                blockers = publish_blockers(
                    project, language.code, article.slug, glossary=glossary, findings=findings
                )
            except WorkflowError as exc:  # one broken catalog holds back its edition only
                if language.code in chosen:
                    cause = failure_cause(exc, project.root, project.po_path(language.code, article.slug))
                    failures.append(
                        PageFailure(slug=article.slug, page=f"{language.code}/{article.slug}", cause=cause)
                    )
                continue
            no_catalog = any(b.reason == "no catalog" and b.path.stem == article.slug for b in blockers)
            if blockers and (not include_drafts or no_catalog):
                if language.code in chosen:
                    blocked.append(
                        BlockedEdition(lang=language.code, slug=article.slug, blockers=tuple(blockers))
                    )
                continue
            found.append(Edition(lang=language.code, slug=article.slug, draft=bool(blockers)))
            if blockers and language.code in chosen:
                drafts.append((language.code, article.slug))
        editions[article.slug] = tuple(found)
    return EditionPlan(
        editions=editions, blocked=tuple(blocked), drafts=tuple(drafts), failures=tuple(failures)
    )


# --------------------------------------------------------------------------- fingerprints


def _digest(*parts: Any) -> str:
    """sha256 over file contents (a Path) and JSON values (anything else), in order."""
    hasher = hashlib.sha256()
    for part in parts:
        if isinstance(part, Path):
            try:
                hasher.update(part.read_bytes())
            except FileNotFoundError:
                hasher.update(b"<missing>")
        else:
            hasher.update(json.dumps(part, sort_keys=True, default=str).encode())
        hasher.update(b"\0")
    return hasher.hexdigest()


def global_fingerprint(plan: Plan) -> str:
    """Everything every page depends on: code, templates, CSS, fonts, settings."""
    here = Path(__file__).resolve().parent
    code_files = [*sorted(here.glob("*.py")), here.parent / "site.py"]
    templates = [path for _name, path in iter_template_files(plan.project)]
    fonts = [
        (face.family, str(face.path), face.path.stat().st_size, face.path.stat().st_mtime_ns)
        for faces in (*plan.faces.values(), plan.fallback_faces, plan.code_faces)
        for face in faces
    ]
    config = {
        "render": dict(plan.project.section("render")),
        "languages": dict(plan.project.section("languages")),
        "name": plan.project.name,
    }
    from importlib.metadata import version

    return _digest(
        __version__,
        version("weasyprint"),
        *code_files,
        *templates,
        fonts,
        config,
        plan.include_drafts,
        plan.bilingual,
        str(plan.output_dir),
    )


def task_fingerprint(plan: Plan, common: str, kind: str, lang: str, slug: str) -> str:
    """Inputs of one page: its article, catalogs and the set of editions it links to."""
    project = plan.project
    source = project.source_language
    if kind == "index":
        slugs = sorted(s for s, eds in plan.editions.items() if any(e.lang == lang for e in eds))
    else:
        slugs = [slug]
    parts: list[Any] = [common, kind, lang]
    for item in slugs:
        parts.append(project.source_path(item))
        if lang != source:
            parts.append(project.po_path(lang, item))
        parts.append([(e.lang, e.draft) for e in plan.editions[item]])
    if lang != source:
        parts.append(project.po_path(lang, SITE_SLUG))
    if kind == "index":
        parts.append(sorted({e.lang for eds in plan.editions.values() for e in eds}))
    return _digest(*parts)


def read_manifest(output_dir: Path) -> dict[str, str]:
    """Output path -> fingerprint of the last run; empty when missing or unreadable."""
    try:
        data = json.loads((output_dir / MANIFEST_NAME).read_text("utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def write_manifest(output_dir: Path, manifest: Mapping[str, str]) -> None:
    """The manifest, sorted, so an unchanged build rewrites nothing."""
    atomic_write(output_dir / MANIFEST_NAME, json.dumps(dict(sorted(manifest.items())), indent=1) + "\n")


# --------------------------------------------------------------------------- tasks


@dataclass(frozen=True, slots=True, kw_only=True)
class TaskPlan:
    """The pages to build and the fingerprints the manifest records for them."""

    tasks: tuple[Task, ...]
    """Pages with at least one output out of date: articles, bilingual editions, then indexes."""
    fingerprints: Mapping[str, str]
    """Output path (relative to the build folder) -> fingerprint of its inputs, up to date or not."""
    skipped: tuple[Path, ...]
    """Outputs whose fingerprint matches the manifest and that still exist."""


def plan_tasks(
    plan: Plan,
    slugs: Sequence[str],
    langs: Collection[str],
    formats: Sequence[str],
    manifest: Mapping[str, str],
) -> TaskPlan:
    """The tasks that bring the pages of ``slugs`` in ``langs`` up to date with ``manifest``.

    An index page per language is planned with the HTML format only: PDFs are of
    articles. An empty ``manifest`` (``force``) plans every output.
    """
    project = plan.project
    out = plan.output_dir
    source = project.source_language
    common = global_fingerprint(plan)
    tasks: list[Task] = []
    fingerprints: dict[str, str] = {}
    skipped: list[Path] = []
    for slug in slugs:
        for edition in plan.editions[slug]:
            if edition.lang not in langs:
                continue
            kinds = ["article"]
            if plan.bilingual and edition.lang != source:
                kinds.append("bilingual")
            for kind in kinds:
                fingerprint = task_fingerprint(plan, common, kind, edition.lang, slug)
                outputs = []
                for fmt in formats:
                    rel = page_path(edition.lang, slug, kind, fmt)
                    fingerprints[rel] = fingerprint
                    if manifest.get(rel) == fingerprint and (out / rel).exists():
                        skipped.append(out / rel)
                    else:
                        outputs.append((fmt, rel))
                if outputs:
                    tasks.append(Task(kind=kind, lang=edition.lang, slug=slug, outputs=tuple(outputs)))
    if "html" in formats:
        for code in sorted(langs, key=lambda c: [source, *project.targets].index(c)):
            rel = page_path(code, "", "index")
            fingerprint = task_fingerprint(plan, common, "index", code, "")
            fingerprints[rel] = fingerprint
            if manifest.get(rel) == fingerprint and (out / rel).exists():
                skipped.append(out / rel)
            else:
                tasks.append(Task(kind="index", lang=code, slug="", outputs=(("html", rel),)))
    return TaskPlan(tasks=tuple(tasks), fingerprints=fingerprints, skipped=tuple(skipped))
