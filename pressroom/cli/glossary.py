"""CLI commands ``glossary check``, ``glossary suggest`` and ``glossary export``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from .common import EXIT_ERROR, EXIT_OK, Context, add_articles


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this module's commands to the parser."""
    glossary = subparsers.add_parser(
        "glossary",
        help="check glossary.csv, or suggest names missing from it",
        description="The glossary of names and terms (schema: docs/glossary.md).",
    )
    actions = glossary.add_subparsers(dest="glossary_command", metavar="ACTION", required=True)
    check = actions.add_parser(
        "check",
        help="list every problem in glossary.csv (exit 1 when any)",
        description=(
            "Report a BOM, a wrong delimiter or column set, empty required cells, cells in the "
            "wrong script, duplicates and contradictory entries, each as glossary.csv:LINE: ..."
        ),
    )
    check.set_defaults(handler=run_check)
    suggest = actions.add_parser(
        "suggest",
        help="names and acronyms in the sources that the glossary lacks",
        description=(
            "Capitalised names, multiword names and ACRONYMS found in the source articles and "
            "not covered by glossary.csv, most frequent first."
        ),
    )
    add_articles(suggest)
    suggest.add_argument("--json", action="store_true", help="machine-readable output")
    suggest.add_argument(
        "--min-count", type=int, default=1, metavar="N", help="only names seen N times or more"
    )
    suggest.set_defaults(handler=run_suggest)
    export = actions.add_parser(
        "export",
        help="write the glossary as TBX for Weblate, Lokalize and other tools",
        description=(
            "Write every term of glossary.csv with its spellings, variants, kind and note as "
            "TBX-Basic (ISO 30042), to FILE or standard output (docs/weblate.md shows the wiring)."
        ),
    )
    export.add_argument("--format", choices=["tbx"], default="tbx", help="file format (default: tbx)")
    export.add_argument("--output", "-o", type=Path, metavar="FILE", help="write here instead of stdout")
    export.add_argument(
        "--lang",
        action="append",
        metavar="L",
        help="only English and this language (repeatable; default: every target language)",
    )
    export.set_defaults(handler=run_export)


def _scripts(ctx: Context) -> dict[str, str]:
    return {code: language.script for code, language in ctx.project.languages.items()}


def run_check(args: argparse.Namespace, ctx: Context) -> int:
    from ..glossary import check_glossary

    path = ctx.project.glossary_path
    glossary, problems = check_glossary(path, scripts=_scripts(ctx))
    for problem in problems:
        ctx.out.print(problem.error(path).render(relative_to=Path.cwd()), markup=False)
    if problems:
        noun = "problem" if len(problems) == 1 else "problems"
        ctx.err.print(f"workflow.py: glossary check: {len(problems)} {noun}", markup=False)
        return EXIT_ERROR
    count = len(glossary.terms) if glossary is not None else 0
    ctx.out.print(f"{ctx.project.relative(path)}: {count} terms, no problems", markup=False)
    return EXIT_OK


def run_suggest(args: argparse.Namespace, ctx: Context) -> int:
    from ..glossary import read_glossary, suggest_terms
    from ..source import iter_articles

    project = ctx.project
    glossary = None
    if project.glossary_path.exists():
        glossary = read_glossary(project.glossary_path, scripts=_scripts(ctx))
    else:
        ctx.warn(f"{project.relative(project.glossary_path)} does not exist; every name is suggested")
    articles = iter_articles(project, args.articles or None)
    texts = [(article.slug, f"{article.title}\n\n{article.body}") for article in articles]
    suggestions = [item for item in suggest_terms(texts, glossary) if item.count >= args.min_count]
    if args.json:
        payload = [
            {"text": item.text, "kind": item.kind, "count": item.count, "articles": list(item.articles)}
            for item in suggestions
        ]
        ctx.out.print(json.dumps(payload, ensure_ascii=False, indent=2), markup=False, soft_wrap=True)
        return EXIT_OK
    if not suggestions:
        ctx.out.print("no names or acronyms missing from the glossary", markup=False)
        return EXIT_OK
    from rich.table import Table
    from rich.text import Text

    table = Table(title="Not in the glossary", title_justify="left")
    table.add_column("count", justify="right")
    table.add_column("name")
    table.add_column("kind")
    table.add_column("articles")
    for item in suggestions:
        table.add_row(str(item.count), Text(item.text), item.kind, Text(", ".join(item.articles)))
    ctx.out.print(table)
    return EXIT_OK


def run_export(args: argparse.Namespace, ctx: Context) -> int:
    from ..errors import UnknownLanguageError
    from ..glossary import read_glossary
    from ..tbx import format_tbx, write_tbx

    project = ctx.project
    targets = [language.code for language in project.target_languages()]
    langs = args.lang or targets
    unknown = [lang for lang in langs if lang not in targets]
    if unknown:
        raise UnknownLanguageError(
            f"{unknown[0]!r} is not a target language of this project",
            hint=f"one of {', '.join(targets)} ([project] targets in workflow.toml)",
        )
    glossary = read_glossary(project.glossary_path, scripts=_scripts(ctx))
    text = format_tbx(glossary, langs, title=f"{project.name}: glossary")
    if args.output is None:
        ctx.out.file.write(text)
        return EXIT_OK
    written = write_tbx(args.output, text)
    state = "wrote" if written else "unchanged"
    summary = f"{len(glossary.terms)} terms, en + {', '.join(langs)}"
    ctx.out.print(f"{state} {args.output}: {summary}", markup=False)
    return EXIT_OK
