"""CLI commands extract and status: source articles to catalogs, and where translation stands."""

from __future__ import annotations

import argparse
import json
from typing import Any

from .common import EXIT_OK, Context, add_articles


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this module's commands to the parser."""
    extract = subparsers.add_parser(
        "extract",
        help="create or update the PO catalogs of articles (msgmerge semantics)",
        description=(
            "Write translations/templates/<slug>.pot and translations/<lang>/<slug>.po for every "
            "target language. Changed paragraphs keep their old translation marked fuzzy; removed "
            "ones become obsolete (#~); nothing a translator wrote is lost."
        ),
    )
    add_articles(extract)
    extract.add_argument("--prune", action="store_true", help="remove obsolete (#~) entries")
    extract.add_argument(
        "--force", action="store_true", help="re-read every article even if nothing changed since last run"
    )
    extract.set_defaults(handler=run_extract)

    status = subparsers.add_parser(
        "status",
        help="how far each article's translation is, per language",
        description="Entries and words translated, fuzzy (by reason), untranslated and obsolete.",
    )
    add_articles(status)
    status.add_argument("--lang", action="append", metavar="L", help="only this language (repeatable)")
    status.add_argument("--json", action="store_true", help="machine-readable output (see docs/catalogs.md)")
    status.set_defaults(handler=run_status)


def _load_glossary(ctx: Context) -> Any:
    """The project's glossary for extracted notes, when the file and the module exist."""
    path = ctx.project.glossary_path
    if not path.exists():
        return None
    try:
        from .. import glossary
    except ImportError:
        return None
    return glossary.read_glossary(path)


def run_extract(args: argparse.Namespace, ctx: Context) -> int:
    from ..catalog.extract import extract

    report = extract(
        ctx.project,
        args.articles or None,
        prune=args.prune,
        glossary=_load_glossary(ctx),
        force=args.force,
    )
    written = [change.path for change in report.changes if change.written]
    if not args.articles:
        # The site strings (navigation, footer) are a catalog like the articles'.
        from ..site import update_site_catalogs

        written += update_site_catalogs(ctx.project)
    for path in written:
        ctx.out.print(f"wrote {ctx.project.relative(path)}", markup=False, emoji=False)
    summary = (
        f"{report.written} files written, {report.unchanged} unchanged"
        f" ({report.skipped} article{'' if report.skipped == 1 else 's'} unchanged since the last run); "
        f"{report.new} new, {report.fuzzy} fuzzy, {report.obsolete} obsolete"
    )
    if report.revived:
        summary += f", {report.revived} revived"
    if report.pruned:
        summary += f", {report.pruned} pruned"
    ctx.out.print(summary, markup=False)
    return EXIT_OK


def run_status(args: argparse.Namespace, ctx: Context) -> int:
    from ..catalog.stats import catalog_slugs
    from ..catalog.stats_cache import cached_catalog_stats
    from ..errors import SourceError

    project = ctx.project
    languages = project.target_languages(args.lang)
    known = catalog_slugs(project)
    slugs = args.articles or known
    for slug in slugs:
        if slug not in known:
            raise SourceError(
                f"unknown article {slug!r}",
                path=project.source_path(slug),
                hint="run `workflow.py status` without ARTICLE to list every article",
            )
    stats = cached_catalog_stats(project, [(language.code, slug) for slug in slugs for language in languages])
    if args.json:
        payload = {"format": 1, "catalogs": [item.as_json() for item in stats]}
        ctx.out.print(
            json.dumps(payload, ensure_ascii=False, indent=2), markup=False, emoji=False, soft_wrap=True
        )
        return EXIT_OK

    rows: list[tuple[str, ...]] = []
    previous = None
    for item in stats:
        reasons = [
            f"{count} {label}"
            for count, label in (
                (item.machine_draft, "machine"),
                (item.memory_match, "memory"),
                (item.source_changed, "changed"),
                (item.unreviewed, "unreviewed"),
                (item.fuzzy_other, "other"),
            )
            if count
        ]
        rows.append(
            (
                item.slug if item.slug != previous else "",
                item.lang,
                f"{item.translated}/{item.entries}",
                f"{item.translated_words}/{item.words}",
                f"{item.drafted_percent:g}%",
                ", ".join(reasons) or "0",
                str(item.untranslated) if item.exists else f"{item.untranslated} (no po)",
                str(item.obsolete),
                "yes" if item.publishable else "no",
            )
        )
        previous = item.slug
    if len(rows) > STATUS_TABLE_ROWS:
        # Written as it is: rich would split and measure every line for wrapping, even
        # with -q (0.19 s of 1 s at 15,000 rows).
        if not ctx.out.quiet:
            ctx.out.file.write(_plain_table(rows) + "\n")
        return EXIT_OK

    from rich import box
    from rich.markup import escape
    from rich.table import Table

    table = Table(title="Translation status", box=box.SIMPLE_HEAD, caption=STATUS_CAPTION)
    for name, right, _wrap in STATUS_COLUMNS:
        if name == "article":
            table.add_column(name, overflow="fold")
        elif name == "fuzzy":
            table.add_column(name, ratio=1, min_width=13)
        else:
            table.add_column(name, justify="right" if right else "left", no_wrap=True)
    for row in rows:
        ready = "[green]yes[/]" if row[-1] == "yes" else "no"
        table.add_row(escape(row[0]), *row[1:-1], ready)
    ctx.out.print(table)
    return EXIT_OK


STATUS_TABLE_ROWS = 200
"""Past this many rows ``status`` prints plain aligned columns: rich lays out a table of
thousands of rows in seconds, and nobody reads one in a terminal anyway."""
STATUS_CAPTION = (
    "done: translated/all entries; words: English words translated/all; drafted: entries "
    "with a translation, reviewed or not; fuzzy: needs a "
    "translator's look (machine draft, memory match, English changed, unreviewed); ready: "
    "publishable"
)
STATUS_COLUMNS = (
    ("article", False, True),
    ("lang", False, False),
    ("done", True, False),
    ("words", True, False),
    ("drafted", True, False),
    ("fuzzy", False, True),
    ("todo", True, False),
    ("obs.", True, False),
    ("ready", False, False),
)
"""Name, right-aligned, may wrap."""


def _plain_table(rows: list[tuple[str, ...]]) -> str:
    """The status table as plain text columns, for long listings."""
    names = [name for name, _right, _wrap in STATUS_COLUMNS]
    widths = [max(len(name), *(len(row[n]) for row in rows)) for n, name in enumerate(names)]

    def line(cells: tuple[str, ...] | list[str]) -> str:
        return "  ".join(
            cell.rjust(width) if right else cell.ljust(width)
            for cell, width, (_name, right, _wrap) in zip(cells, widths, STATUS_COLUMNS, strict=True)
        ).rstrip()

    out = ["Translation status", line(names), "  ".join("-" * width for width in widths)]
    out.extend(line(row) for row in rows)
    out.append(STATUS_CAPTION)
    return "\n".join(out)
