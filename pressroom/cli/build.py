"""CLI command build: the main job over the whole project.

extract (catalogs follow the sources) -> review (report written beside the output)
-> render (HTML and PDF, incremental). Exit 3 when review finds error-level problems,
after everything else has been written, so an unattended run can gate on it.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import WorkflowError
from .common import (
    EXIT_ERROR,
    EXIT_OK,
    EXIT_REVIEW_FAILED,
    Context,
    add_articles,
    add_executor_option,
    check_executor,
    open_executor,
    print_workers,
)

if TYPE_CHECKING:
    from ..catalog.extract import ExtractReport
    from ..glossary import Glossary
    from ..project import Project


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this module's commands to the parser."""
    parser = subparsers.add_parser(
        "build",
        help="the main job: extract, review and render everything that changed",
        description=(
            "Update the catalogs from the sources, review every translation (report in "
            "<output>/review.html) and render HTML and PDF editions of every published "
            "language; outputs whose inputs did not change are not redone. Exit status 3 "
            "when review finds error-level problems."
        ),
    )
    add_articles(parser)
    parser.add_argument(
        "--drafts", action="store_true", help="render unreviewed translations too, marked as drafts"
    )
    parser.add_argument("--output", type=Path, metavar="DIR", help="output folder (default: build/)")
    parser.add_argument("--format", metavar="FORMATS", help="html, pdf or html,pdf (default: both)")
    add_executor_option(parser)
    parser.set_defaults(handler=run_build)


def run_build(args: argparse.Namespace, ctx: Context) -> int:
    from ..fsio import atomic_write
    from ..review.report import format_html, has_errors, summarize
    from ..review.runner import load_glossary, review
    from ..site import SITE_SLUG, update_site_catalogs
    from .rendering import cluster_executor, print_report, render_with_progress, split_list

    check_executor(args)
    project = ctx.project
    slugs = args.articles or None
    glossary = load_glossary(project)

    ctx.out.print("[bold]1/3 extract[/bold]")
    extracted, unreadable = extract_each(project, slugs, glossary)
    for exc in unreadable:
        ctx.err.print(
            f"workflow.py: error: {exc.render(relative_to=Path.cwd())} "
            "(its catalogs are not updated; the other articles' are)",
            markup=False,
        )
    site_changed = update_site_catalogs(project)
    ctx.out.print(
        f"catalogs: {extracted.written} written, {extracted.unchanged} unchanged; "
        f"{extracted.new} new, {extracted.fuzzy} fuzzy, {extracted.obsolete} obsolete entries; "
        f"site strings: {len(site_changed)} files written",
        markup=False,
    )

    ctx.out.print("[bold]2/3 review[/bold]")
    # The site strings go with every article: render's publishing gate reads them too.
    findings = review(project, None, [*slugs, SITE_SLUG] if slugs else None, glossary=glossary)
    counts = summarize(findings)
    output_dir = args.output or project.build_dir
    report_path = output_dir / "review.html"
    atomic_write(report_path, format_html(project, findings))
    ctx.out.print(
        f"review: {counts['error']} errors, {counts['warning']} warnings, {counts['info']} info "
        f"(report: {project.relative(report_path)}; details: workflow.py review)",
        markup=False,
    )

    ctx.out.print("[bold]3/3 render[/bold]")
    with open_executor(args) as engine:
        executor = cluster_executor(engine)
        rendered = render_with_progress(
            ctx,
            None,
            slugs,
            formats=split_list([args.format] if args.format else None),
            include_drafts=args.drafts,
            output_dir=args.output,
            findings=findings,
            executor=executor,
        )
    print_report(ctx, rendered)
    if executor is not None:
        print_workers(ctx, [executor.loads[w] for w in sorted(executor.loads)], "PDFs")
    if rendered.failures or unreadable:
        return EXIT_ERROR
    return EXIT_REVIEW_FAILED if has_errors(findings) else EXIT_OK


def extract_each(
    project: Project, slugs: list[str] | None, glossary: Glossary | None
) -> tuple[ExtractReport, list[WorkflowError]]:
    """``extract`` of every article it can read: one whose source or catalog is broken is
    left out (its error returned) and the others are extracted, so build goes on."""
    from ..catalog.extract import ExtractReport as Report
    from ..catalog.extract import extract

    wanted = slugs
    unreadable: list[WorkflowError] = []
    while True:
        try:
            return extract(project, wanted, glossary=glossary), unreadable
        except WorkflowError as exc:
            names = wanted if wanted is not None else sorted(p.stem for p in project.source_dir.glob("*.md"))
            culprit = exc.path.stem if exc.path is not None else None
            if culprit not in names or exc.path is None or exc.path.suffix not in (".md", ".po", ".pot"):
                raise
            unreadable.append(exc)
            wanted = [name for name in names if name != culprit]
            if not wanted:
                return Report(changes=(), skipped=0), unreadable
