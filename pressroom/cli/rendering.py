"""CLI command render: articles to HTML and PDF in every language, plus bilingual editions."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .common import (
    EXIT_ERROR,
    EXIT_OK,
    Context,
    add_articles,
    add_executor_option,
    open_executor,
    print_workers,
)

if TYPE_CHECKING:
    from ..cluster import Engine
    from ..rendering import RenderReport
    from ..rendering.executor_dask import ClusterExecutor


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this module's commands to the parser."""
    parser = subparsers.add_parser(
        "render",
        help="render articles to HTML and PDF (published languages; --drafts for the rest)",
        description=(
            "Render each article in English and every target language whose catalog is fully "
            "translated and reviewed, plus a per-language index and bilingual editions, into "
            "the build folder. Unchanged outputs are not redone."
        ),
    )
    add_articles(parser)
    parser.add_argument(
        "--lang",
        action="append",
        metavar="L",
        help="language code, repeatable or comma-separated (default: all)",
    )
    parser.add_argument(
        "--format", metavar="FORMATS", help="html, pdf or html,pdf (default: [render] formats)"
    )
    parser.add_argument(
        "--bilingual", action=argparse.BooleanOptionalAction, default=None, help="bilingual editions"
    )
    parser.add_argument(
        "--drafts", action="store_true", help="render unreviewed translations too, marked as drafts"
    )
    parser.add_argument("--output", type=Path, metavar="DIR", help="output folder (default: build/)")
    parser.add_argument(
        "--jobs", "-j", type=int, metavar="N", help="worker processes (default: [render] jobs)"
    )
    parser.add_argument("--force", action="store_true", help="redo every output, changed or not")
    add_executor_option(parser)
    parser.set_defaults(handler=handle_render)


def split_list(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    return [item.strip() for value in values for item in value.split(",") if item.strip()]


def handle_render(args: argparse.Namespace, ctx: Context) -> int:
    langs = split_list(args.lang)
    with open_executor(args, workers=args.jobs) as engine:
        executor = cluster_executor(engine)
        report = render_with_progress(
            ctx,
            langs,
            args.articles or None,
            formats=split_list([args.format] if args.format else None),
            bilingual=args.bilingual,
            include_drafts=args.drafts,
            output_dir=args.output,
            jobs=args.jobs,
            force=args.force,
            executor=executor,
        )
    print_report(ctx, report)
    if executor is not None:
        print_workers(ctx, [executor.loads[w] for w in sorted(executor.loads)], "PDFs")
    # Asking for a language by name and getting nothing is an error; with no --lang,
    # unpublished languages are normal while translation is under way.
    if report.failures or (langs and report.blocked):
        return EXIT_ERROR
    return EXIT_OK


def render_with_progress(
    ctx: Context, langs: list[str] | None, slugs: list[str] | None, **options: Any
) -> RenderReport:
    """``rendering.render`` with a transient progress bar on stderr (shared with build)."""
    from rich.progress import Progress

    from ..rendering import render

    with Progress(console=ctx.err, transient=True, disable=ctx.out.quiet) as bar:
        task = bar.add_task("rendering", total=None)

        def progress(done: int, total: int, what: str) -> None:
            bar.update(task, completed=done, total=total, description=what[-60:])

        return render(ctx.project, langs, slugs, progress=progress, **options)


def print_report(ctx: Context, report: RenderReport) -> None:
    """Summary: files written and skipped, blocked editions with the entries that block them."""
    project = ctx.project
    for warning in report.warnings:
        ctx.warn(warning)
    for blocked in report.blocked:
        ctx.warn(
            "not published: "
            + blocked.describe(project.relative)
            + " (hint: review the entries, or --drafts)"
        )
    for lang, slug in report.drafts:
        ctx.warn(f"{lang}/{slug}: rendered as an unreviewed draft")
    out = report.output_dir
    pages = [p for p in report.written if p.suffix in (".html", ".pdf")]
    for path in pages:
        ctx.out.print(f"wrote {_shown(path, out, project.root)}", markup=False)
    for path in report.removed:
        ctx.out.print(f"removed {_shown(path, out, project.root)} (no longer published)", markup=False)
    ctx.out.print(
        f"render: {len(pages)} pages written, {len(report.skipped)} up to date, "
        f"{len(report.blocked)} editions not published, in {_shown(out, out.parent, project.root)}",
        markup=False,
    )
    print_failures(ctx, report)


def print_failures(ctx: Context, report: RenderReport) -> None:
    """Every failed page with its file and cause, then one summary line (on stderr, last)."""
    if not report.failures:
        return
    for failure in report.failures:
        ctx.err.print(f"workflow.py: error: {failure.describe()}", markup=False)
    articles = list(dict.fromkeys(failure.slug for failure in report.failures))
    outputs = "output" if len(report.failures) == 1 else "outputs"
    noun = "article" if len(articles) == 1 else "articles"
    ctx.err.print(
        f"workflow.py: error: render: {len(report.failures)} {outputs} failed in {len(articles)} {noun} "
        f"({', '.join(articles)}); every other page was written",
        markup=False,
    )


def cluster_executor(engine: Engine | None) -> ClusterExecutor | None:
    """The rendering executor of a cluster engine (shared with build); None runs locally."""
    if engine is None:
        return None
    from ..rendering.executor_dask import ClusterExecutor

    return ClusterExecutor(engine)


def _shown(path: Path, out: Path, root: Path) -> str:
    for base in (root.resolve(), out.resolve()):
        try:
            return path.resolve().relative_to(base).as_posix()
        except ValueError:
            continue
    return str(path)
