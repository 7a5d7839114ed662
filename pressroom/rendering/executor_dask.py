"""Rendering, cluster executor: pages built here, their PDFs laid out by remote workers.

Input: the :class:`~.plan.Plan` and its out-of-date tasks, and an engine
(:mod:`pressroom.cluster`). Output: the same files as a local run, written by this
process only, and one :class:`~.worker.TaskResult` per task as its outputs land:
the :class:`~.executor.Executor` interface.

The split follows the cost. Building a page's HTML (Markdown, templates, the
catalogs) takes milliseconds and needs the project; laying it out as a PDF takes
WeasyPrint hundreds of milliseconds to seconds and needs only the HTML and what it
links to. So the driver builds each page with the very code of a local run and
writes the HTML; a worker gets the HTML, the build folder's stylesheets and fonts
(sent once per run) and the page's images (with its task), serves them to
WeasyPrint from memory under the driver's own file URLs, and returns the PDF bytes.
Same input, same code, same URLs: the same bytes as ``--executor local``.
"""

from __future__ import annotations

import hashlib
import mimetypes
import posixpath
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from ..cluster import Engine, FileBundle, WorkerLoad, record_load
from ..fsio import atomic_write
from .coverage import coverage_warnings, plan_font_paths, uncovered_characters
from .failures import PageFailure, failure_cause
from .fonts import describe_character
from .media import publish_media
from .pages import PageBuilder
from .plan import Plan, Task, page_path
from .worker import TaskResult

SHARED_FOLDERS = ("css", "fonts")
"""Build-folder assets every page may use, sent to each worker once per run."""


@dataclass(frozen=True, slots=True, kw_only=True)
class PdfAssets:
    """What every PDF of a run shares, sent to each worker once."""

    output_dir: str
    """The driver's build folder: pages are laid out as if they were in it."""
    files: FileBundle
    """Its ``css/`` and ``fonts/``, paths relative to the build folder."""
    variant: str
    searchable_text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class PdfJob:
    """One PDF to lay out."""

    html: str
    html_rel: str
    """Where the page's HTML lives in the build folder (its base URL)."""
    media: tuple[tuple[str, bytes], ...]
    """The page's images, paths relative to the build folder."""


def shipped_fetcher(output_dir: str, files: Mapping[str, bytes]) -> Any:
    """A WeasyPrint URL fetcher serving ``files`` at their ``file:`` URLs in ``output_dir``.

    The worker's counterpart of :func:`~pressroom.render_pdf.make_url_fetcher`: the
    same answers (URL, bytes, content type) for the build folder's files, from
    memory; ``data:`` as usual; anything else refused.
    """
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    from .pdf import FetchRefused

    root = posixpath.normpath(output_dir)

    class ShippedFetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            parts = urlsplit(url)
            scheme = parts.scheme.lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme != "file" or parts.netloc not in ("", "localhost"):
                raise FetchRefused(f"refused to fetch {url}: only files of the build folder are sent")
            path = posixpath.normpath(unquote(parts.path))
            rel = posixpath.relpath(path, root) if path.startswith(root + "/") else None
            if rel is None or rel not in files:
                raise FetchRefused(f"refused to fetch {url}: not sent to this worker")
            content_type = mimetypes.guess_type(posixpath.basename(path))[0] or "application/octet-stream"
            return URLFetcherResponse(Path(path).as_uri(), files[rel], headers={"Content-Type": content_type})

    return ShippedFetcher(allowed_protocols=("file", "data"), allow_redirects=False, timeout=5)


@dataclass(frozen=True, slots=True, kw_only=True)
class PdfResult:
    """What a worker made of one page: the PDF and WeasyPrint's warnings, or the error."""

    data: bytes = b""
    warnings: tuple[str, ...] = ()
    error: Exception | None = None
    """Why the PDF could not be made (the driver reports it as a page failure)."""


def layout_pdf(assets: PdfAssets, job: PdfJob) -> PdfResult:
    """Worker side: the PDF of one page, every linked file served from what was sent.

    An error is returned, not raised: a page that cannot be laid out is a page
    failure to report, as in a local run, not a lost task to retry.
    """
    from .pdf import pdf_bytes

    files = {**dict(assets.files.files), **dict(job.media)}
    out = Path(assets.output_dir)
    warnings: list[str] = []
    try:
        data = pdf_bytes(
            job.html,
            html_path=out / job.html_rel,
            allowed_roots=(),
            variant=assets.variant,
            searchable_text=assets.searchable_text,
            warnings=warnings,
            url_fetcher=shipped_fetcher(assets.output_dir, files),
        )
    except Exception as exc:  # reported by the driver with the page's name
        return PdfResult(error=exc)
    return PdfResult(data=data, warnings=tuple(warnings))


def _assets(plan: Plan) -> PdfAssets:
    out = plan.output_dir
    files = []
    for folder in SHARED_FOLDERS:
        base = out / folder
        if base.is_dir():
            for path in sorted(p for p in base.rglob("*") if p.is_file()):
                files.append((path.relative_to(out).as_posix(), path.read_bytes()))
    digest = hashlib.sha256()
    for name, data in files:
        digest.update(name.encode("utf-8") + b"\0" + hashlib.sha256(data).digest())
    return PdfAssets(
        output_dir=str(out),
        files=FileBundle(files=tuple(files), digest=digest.hexdigest()),
        variant=plan.settings.pdf_variant,
        searchable_text=plan.settings.searchable_text,
    )


@dataclass(slots=True, kw_only=True)
class _Page:
    """A task whose HTML is built and written, waiting for its PDF."""

    task: Task
    source: Path
    written: list[str]
    failures: list[PageFailure]
    warnings: list[str]
    media: tuple[tuple[Path, str], ...]
    missing: list[str]
    """Characters no font has, already reported once for the page."""
    pdf_rel: str


class ClusterExecutor:
    """An :class:`~.executor.Executor` whose PDFs are laid out on a cluster engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.loads: dict[str, WorkerLoad] = {}
        """PDFs, tasks and busy seconds per worker, over every run of this executor."""

    def run(self, plan: Plan, tasks: Sequence[Task]) -> Iterator[TaskResult]:
        """Run ``tasks``: pages built and written here, PDFs laid out on the engine.

        Pages are built just in time, a window ahead of the workers, so the first
        PDFs start at once; results come back in the order they finish.
        """
        return run_on_engine(self.engine, plan, tasks, self.loads)


def run_on_engine(
    engine: Engine, plan: Plan, tasks: Sequence[Task], loads: dict[str, WorkerLoad] | None = None
) -> Iterator[TaskResult]:
    """Run ``tasks`` as :func:`.worker.run_task` would, the PDF layout on ``engine``.

    The same page builder, coverage check, media, failures and warnings as a local
    run; only ``pdf_bytes`` runs elsewhere. ``loads`` collects PDFs per worker.
    """
    builder = PageBuilder(plan)
    out = plan.output_dir
    root = plan.project.root
    fonts = plan_font_paths(plan)
    ready: list[TaskResult] = []
    waiting: list[_Page] = []

    def prepare() -> Iterator[PdfJob]:
        # Longest first, as the local pool does: big PDFs should not start last.
        for task in sorted(tasks, key=lambda t: (t.kind == "index", -len(t.outputs))):
            builder.warnings.clear()
            builder.media.clear()
            source = plan.project.source_path(task.slug) if task.slug else plan.project.source_dir
            try:
                text = builder.page(task.kind, task.lang, task.slug)
                missing = uncovered_characters(text, fonts)
                builder.warnings.extend(
                    coverage_warnings(missing, page=task.outputs[0][1], article=plan.project.relative(source))
                )
                for local, name in builder.media.items():
                    publish_media(local, out / "media" / name)
            except Exception as exc:  # one page must not stop the run, as in run_task
                cause = failure_cause(exc, root, source)
                failures = tuple(
                    PageFailure(slug=task.slug, page=rel, cause=cause) for _, rel in task.outputs
                )
                ready.append(
                    TaskResult(written=(), warnings=tuple(builder.warnings), media=(), failures=failures)
                )
                continue
            page = _Page(
                task=task,
                source=source,
                written=[],
                failures=[],
                warnings=list(builder.warnings),
                media=tuple(builder.media.items()),
                missing=missing,
                pdf_rel="",
            )
            for fmt, rel in task.outputs:
                if fmt != "html":
                    page.pdf_rel = rel  # one PDF per page
                    continue
                try:
                    atomic_write(out / rel, text)
                    page.written.append(rel)
                except Exception as exc:
                    page.failures.append(
                        PageFailure(slug=task.slug, page=rel, cause=failure_cause(exc, root, source))
                    )
            if not page.pdf_rel:
                ready.append(_result(page))
                continue
            html_rel = page_path(task.lang, task.slug, task.kind, "html")
            shipped = tuple((f"media/{name}", (out / "media" / name).read_bytes()) for _, name in page.media)
            waiting.append(page)
            yield PdfJob(html=text, html_rel=html_rel, media=shipped)

    for outcome in engine.map(layout_pdf, _assets(plan), prepare()):
        while ready:
            yield ready.pop(0)
        page = waiting[outcome.index]
        result = outcome.value
        try:
            if result.error is not None:
                raise result.error
            atomic_write(out / page.pdf_rel, result.data)
        except Exception as exc:
            cause = failure_cause(exc, root, page.source)
            page.failures.append(PageFailure(slug=page.task.slug, page=page.pdf_rel, cause=cause))
        else:
            page.written.append(page.pdf_rel)
            # Characters no font has were reported with the page, once.
            described = [describe_character(char) for char in page.missing]
            page.warnings.extend(
                f"{page.pdf_rel}: {warning}"
                for warning in result.warnings
                if not any(name in warning for name in described)
            )
        if loads is not None:
            record_load(loads, outcome, 1)
        yield _result(page)
    while ready:
        yield ready.pop(0)


def _result(page: _Page) -> TaskResult:
    order = [rel for _, rel in page.task.outputs]  # the order of a local run
    return TaskResult(
        written=tuple(sorted(page.written, key=order.index)),
        warnings=tuple(page.warnings),
        media=page.media,
        failures=tuple(page.failures),
    )
