"""CLI command init: lay out a new content root."""

from __future__ import annotations

import argparse
from pathlib import Path

from .common import EXIT_OK, Context


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this module's commands to the parser."""
    init = subparsers.add_parser(
        "init",
        help="create a new content root (workflow.toml, glossary.csv, source/, translations/)",
        description=(
            "Create a content root in DIR: workflow.toml with the settings worth changing as "
            "comments, glossary.csv with its header, empty source/ and translations/. "
            "Templates and CSS come from pressroom unless --with-templates copies them to "
            "DIR/render/ for restyling."
        ),
    )
    init.add_argument("directory", type=Path, metavar="DIR", help="the new content root (created if missing)")
    init.add_argument("--name", help="publication name (default: from DIR)")
    init.add_argument(
        "--with-templates", action="store_true", help="copy pressroom's templates and CSS into DIR/render/"
    )
    init.set_defaults(handler=run_init)


def run_init(args: argparse.Namespace, ctx: Context) -> int:
    from ..scaffold import create_content_root

    created = create_content_root(args.directory, name=args.name, with_templates=args.with_templates)
    for path in created:
        ctx.out.print(f"created {path}", markup=False)
    ctx.out.print(
        f"next: put articles in {args.directory / 'source'} "
        f"(or `workflow --project {args.directory} import FILE`), "
        "then `workflow --project DIR build --drafts`",
        markup=False,
    )
    return EXIT_OK
