"""Rendering, the stage's driver: articles and their catalogs -> HTML pages and PDFs in the build folder.

Input: source articles, their translations, the site strings catalog, the templates
and CSS in ``render/``, the configured fonts. Output, under the build folder:
``<lang>/<slug>.html`` (and ``.pdf``) per language, ``<lang>/<slug>.bilingual.html``
(English beside the translation), ``<lang>/index.html``, shared ``css/``, ``fonts/``
and ``media/``, and the manifest of input fingerprints that lets the next run skip
outputs whose inputs did not change.

:func:`render` runs the steps in order: plan editions (the publishing gate) ->
write the shared assets -> plan tasks (against the manifest) -> remove pages no
longer published -> execute the tasks -> write the listings (feeds, sitemap.xml,
robots.txt; a run over every article only) -> report. Only languages whose catalogs are
fully translated and reviewed are published; ``include_drafts`` renders the others
marked as unreviewed on every page.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import SourceError, WorkflowError
from ..model import Article, Finding
from ..project import Project
from ..site import SITE_SLUG
from .assets import write_assets
from .executor import Executor, executor_for
from .failures import PageFailure, failure_cause
from .fonts import check_fonts, fallback_faces
from .gate import BlockedEdition
from .listings import ListingsReport, write_listings
from .plan import (
    Plan,
    TaskPlan,
    page_path,
    plan_editions,
    plan_tasks,
    read_manifest,
    rendered_languages,
    write_manifest,
)
from .settings import FORMATS, check_formats, read_settings

ProgressCallback = Callable[[int, int, str], None]
"""``progress(done, total, what)`` after each output; the CLI draws a bar with it."""


@dataclass(frozen=True, slots=True, kw_only=True)
class RenderReport:
    """What a render run did."""

    written: tuple[Path, ...] = ()
    """Files (re)written."""
    skipped: tuple[Path, ...] = ()
    """Outputs whose inputs had not changed since the last run."""
    removed: tuple[Path, ...] = ()
    """Pages of editions no longer published, written by an earlier run and now deleted."""
    blocked: tuple[BlockedEdition, ...] = ()
    """Editions not published (catalog incomplete or unreviewed, no ``include_drafts``)."""
    drafts: tuple[tuple[str, str], ...] = ()
    """(lang, slug) rendered as unreviewed drafts."""
    warnings: tuple[str, ...] = ()
    """Remote images left out and similar; the CLI prints them."""
    output_dir: Path = field(default_factory=Path)
    failures: tuple[PageFailure, ...] = ()
    """Pages (or whole articles) that could not be rendered, each with its file and cause."""


def render(
    project: Project,
    langs: Sequence[str] | None = None,
    slugs: Sequence[str] | None = None,
    *,
    formats: Sequence[str] | None = None,
    bilingual: bool | None = None,
    include_drafts: bool = False,
    output_dir: Path | None = None,
    progress: ProgressCallback | None = None,
    jobs: int | None = None,
    force: bool = False,
    findings: Sequence[Finding] | None = None,
    executor: Executor | None = None,
) -> RenderReport:
    """Render articles in ``langs`` (source language and all targets by default).

    ``formats``, ``bilingual`` and ``jobs`` default to the ``[render]`` settings;
    ``output_dir`` to the project's build folder. Editions blocked by the publishing
    gate are reported, not raised; missing fonts raise FontMissingError before any
    file is written. ``force`` redoes every output regardless of the manifest.
    ``findings``: a review of these catalogs already run, for the publishing gate.
    ``executor``: where the tasks run; by default here, or a pool of ``jobs`` processes.

    One article that cannot be read or rendered does not stop the others: its
    failures are in the report (file and cause) and every other page is written.
    """
    settings = read_settings(project)
    formats = tuple(formats) if formats is not None else settings.formats
    check_formats(formats)
    bilingual = settings.bilingual if bilingual is None else bilingual
    jobs = max(1, settings.jobs if jobs is None else jobs)
    out = (output_dir if output_dir is not None else project.build_dir).resolve()
    languages = rendered_languages(project, langs)
    articles, failures = _read_articles(project, slugs)
    css_langs = sorted({project.source_language, *(language.code for language in languages)})
    faces = check_fonts([project.languages[code] for code in css_langs], settings.font_dirs)
    fallback, font_warnings = fallback_faces(settings.fallback_fonts, settings.font_dirs)
    code, code_warnings = fallback_faces(settings.code_fonts, settings.font_dirs, role="code")

    gated = plan_editions(project, articles, languages, include_drafts=include_drafts, findings=findings)
    plan = Plan(
        project=project,
        output_dir=out,
        settings=settings,
        include_drafts=include_drafts,
        editions=gated.editions,
        bilingual=bilingual,
        faces={lang: tuple(f) for lang, f in faces.items()},
        fallback_faces=tuple(fallback),
        code_faces=tuple(code),
    )
    written = write_assets(plan, css_langs)
    manifest = {} if force else read_manifest(out)
    rendered = {language.code for language in languages}
    planned = plan_tasks(plan, [article.slug for article in articles], rendered, formats, manifest)
    removed = remove_unpublished(out, gated.blocked, rendered, manifest)
    executed, warnings, page_failures = execute(
        plan, planned, manifest, executor if executor is not None else executor_for(jobs), progress
    )
    listed = ListingsReport()
    if "html" in formats and not slugs:  # feeds, sitemap.xml, robots.txt: never of some articles only
        listed = write_listings(plan, manifest, rendered, whole_site=not langs)
        write_manifest(out, manifest)
        warnings += [warning for warning in listed.warnings if warning not in warnings]
    return RenderReport(
        written=(*written, *executed, *listed.written),
        skipped=(*planned.skipped, *listed.skipped),
        removed=(*removed, *listed.removed),
        blocked=gated.blocked,
        drafts=gated.drafts,
        warnings=(*font_warnings, *code_warnings, *warnings),
        output_dir=out,
        failures=(*failures, *gated.failures, *page_failures),
    )


def render_pdfs(
    project: Project,
    langs: Sequence[str] | None = None,
    slugs: Sequence[str] | None = None,
    **options: Any,
) -> RenderReport:
    """PDFs only: :func:`render` with ``formats=("pdf",)``."""
    options.setdefault("formats", ("pdf",))
    return render(project, langs, slugs, **options)


def _read_articles(project: Project, slugs: Sequence[str] | None) -> tuple[list[Article], list[PageFailure]]:
    """The articles to render, and a failure for each one that cannot be read.

    An unknown slug asked for is an error; an article that does not parse (front
    matter, encoding) is reported and left out, and the others are rendered. The
    slug ``site`` is reserved for the site strings.
    """
    from ..source import iter_articles, read_article

    if slugs:
        wanted = list(dict.fromkeys(slugs))
        missing = [slug for slug in wanted if not project.source_path(slug).is_file()]
        if missing:
            iter_articles(project, missing)  # raises the error that names the articles there are
    else:
        folder = project.source_dir
        wanted = sorted(path.stem for path in folder.glob("*.md")) if folder.is_dir() else []
    articles: list[Article] = []
    failures: list[PageFailure] = []
    for slug in wanted:
        path = project.source_path(slug)
        if slug == SITE_SLUG:
            raise SourceError("the slug 'site' is reserved for site strings", path=path)
        try:
            articles.append(read_article(path))
        except WorkflowError as exc:
            cause = failure_cause(exc, project.root, path)
            failures.append(PageFailure(slug=slug, page=f"every page of {slug}", cause=cause))
    return articles, failures


def remove_unpublished(
    output_dir: Path,
    blocked: Sequence[BlockedEdition],
    langs: Collection[str],
    manifest: dict[str, str],
) -> list[Path]:
    """Delete the pages of editions no longer published; returns them, and drops them from ``manifest``.

    An edition stops being published when a catalog gets a fuzzy entry, or after a
    run with ``include_drafts``. Only files this stage wrote, as the manifest lists
    them, are deleted.
    """
    removed: list[Path] = []
    for unpublished in blocked:
        if unpublished.lang not in langs:
            continue
        for kind in ("article", "bilingual"):
            for fmt in FORMATS:
                rel = page_path(unpublished.lang, unpublished.slug, kind, fmt)
                if rel in manifest:
                    del manifest[rel]
                    (output_dir / rel).unlink(missing_ok=True)
                    removed.append(output_dir / rel)
    return removed


def execute(
    plan: Plan,
    planned: TaskPlan,
    manifest: dict[str, str],
    executor: Executor,
    progress: ProgressCallback | None,
) -> tuple[list[Path], list[str], list[PageFailure]]:
    """Run the planned tasks on ``executor``; returns the files written, the warnings and the failures.

    Each output written enters ``manifest`` with its fingerprint, and the manifest
    is saved even when a task fails, so a re-run does not redo the pages already made.
    """
    out = plan.output_dir
    written: list[Path] = []
    warnings: list[str] = []
    failures: list[PageFailure] = []
    total = len(planned.tasks)
    done = 0
    try:
        for result in executor.run(plan, planned.tasks):
            for rel in result.written:
                manifest[rel] = planned.fingerprints[rel]
                written.append(out / rel)
            for warning in result.warnings:
                if warning not in warnings:
                    warnings.append(warning)
            failures.extend(result.failures)
            done += 1
            if progress is not None:
                progress(done, total, ", ".join(result.written))
    finally:
        write_manifest(out, manifest)
    return written, warnings, failures
