"""CLI command import: raw article export -> source/<slug>.md."""

from __future__ import annotations

import argparse
from pathlib import Path

from .common import EXIT_OK, Context, new_article_slug


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this module's commands to the parser."""
    parser = subparsers.add_parser(
        "import",
        help="turn a raw article export into source/<slug>.md",
        description=(
            "Read a raw article export (headline as '# ' heading, '**Author**' byline, date line, body), "
            "repair page-break splits, drop the site footer and write source/<slug>.md with front matter."
        ),
    )
    parser.add_argument("file", type=Path, metavar="FILE", help="the raw export (UTF-8 Markdown text)")
    parser.add_argument(
        "--slug",
        type=new_article_slug,
        help="file and URL name, e.g. pakistan-hazara-miners (default: from the headline)",
    )
    parser.add_argument(
        "--force", action="store_true", help="overwrite an existing source article with different content"
    )
    parser.set_defaults(handler=handle_import)


def handle_import(args: argparse.Namespace, ctx: Context) -> int:
    from ..importer import import_export

    project = ctx.project
    path = import_export(args.file, project, args.slug, force=args.force)
    ctx.out.print(f"imported {args.file} -> {project.relative(path)}", markup=False)
    return EXIT_OK
