"""CLI command ``review``: run the checks over the catalogs; exit 3 on error-level findings."""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from .common import EXIT_OK, EXIT_REVIEW_FAILED, EXIT_USAGE, Context, article_slug

if TYPE_CHECKING:
    from ..model import Finding

_STYLE = {"error": "bold red", "warning": "yellow", "info": "dim"}


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this module's commands to the parser."""
    review = subparsers.add_parser(
        "review",
        help="check translations against the glossary and for numbers, markup, script, punctuation",
        description=(
            "Review every translated and fuzzy entry of the catalogs (checks and codes: "
            "docs/review.md). Exit status 3 when any error-level finding remains; silence one "
            "check for one entry with a translator comment '# noqa: CODE'."
        ),
    )
    review.add_argument(
        "articles",
        nargs="*",
        type=_article_or_po,
        metavar="ARTICLE|PATH.po",
        help="article slugs (default: all catalogs), or PO files from anywhere to review as they are",
    )
    review.add_argument(
        "--po",
        action="append",
        type=Path,
        default=[],
        metavar="PATH",
        help="review this PO file (repeatable); its language from its header or --lang",
    )
    review.add_argument("--lang", action="append", metavar="L", help="only this language (repeatable)")
    review.add_argument(
        "--format", choices=("text", "json", "html"), default="text", help="report format (default: text)"
    )
    review.add_argument("--output", type=Path, metavar="FILE", help="write the report to FILE (atomically)")
    review.add_argument(
        "--skip-untranslated",
        action="store_true",
        help="do not report empty entries and missing catalogs (review work in progress)",
    )
    review.add_argument(
        "--jobs",
        type=int,
        metavar="N",
        help="worker processes for large reviews (default: one per CPU)",
    )
    review.set_defaults(handler=run_review)


def _article_or_po(value: str) -> str | Path:
    """A PO file's path (ends in ``.po`` or ``.pot``), else an article slug."""
    if value.endswith((".po", ".pot")):
        return Path(value)
    return article_slug(value)


def run_review(args: argparse.Namespace, ctx: Context) -> int:
    from ..fsio import atomic_write_pieces
    from ..review.report import format_html, format_text, has_errors, json_pieces, summarize
    from ..review.runner import review, review_files

    project = ctx.project
    po_paths = [*args.po, *(item for item in args.articles if isinstance(item, Path))]
    slugs = [item for item in args.articles if isinstance(item, str)]
    if len(args.lang or ()) > 1 and po_paths:
        ctx.err.print("review: give at most one --lang with PO files", markup=False)
        return EXIT_USAGE
    findings = []
    if slugs or not po_paths:
        findings += review(
            project,
            args.lang or None,
            slugs or None,
            include_untranslated=not args.skip_untranslated,
            jobs=args.jobs,
        )
    if po_paths:
        findings += review_files(
            project,
            po_paths,
            lang=args.lang[0] if args.lang else None,
            include_untranslated=not args.skip_untranslated,
        )
    status = EXIT_REVIEW_FAILED if has_errors(findings) else EXIT_OK
    counts = summarize(findings)
    summary = f"{counts['error']} errors, {counts['warning']} warnings, {counts['info']} info"
    if args.format == "text" and args.output is None:
        _print_text(ctx, findings)
        ctx.out.print(summary, markup=False)
        return status
    pieces: Iterable[str]
    if args.format == "json":  # made as it is written: a large review's report is hundreds of MB
        pieces = json_pieces(findings, project.root)
    elif args.format == "html":
        pieces = [format_html(project, findings)]
    else:
        pieces = [format_text(project, findings), summary + "\n"]
    if args.output is None:
        ctx.out.file.writelines(pieces)
    else:
        atomic_write_pieces(args.output, pieces)
        ctx.err.print(f"wrote {args.output} ({summary})", markup=False)
    return status


def _print_text(ctx: Context, findings: list[Finding]) -> None:
    from rich.text import Text

    from ..review.report import finding_location

    current: tuple[str, str] | None = None
    for finding in findings:
        if (finding.article, finding.lang) != current:
            current = (finding.article, finding.lang)
            ctx.out.print(Text(f"{finding.article} [{finding.lang}]", style="bold underline"))
        line = Text("  ")
        line.append(finding_location(ctx.project, finding) + ": ")
        line.append(str(finding.severity), style=_STYLE.get(str(finding.severity), ""))
        line.append(f" [{finding.code}] ", style="cyan")
        line.append(finding.message)
        ctx.out.print(line)
        if finding.hint:
            ctx.out.print(Text(f"      hint: {finding.hint}", style="dim"))
