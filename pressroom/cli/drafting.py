"""CLI commands ``models ...`` (translation packages) and ``translate`` (machine drafts).

The library reports progress through a callback; this module owns the progress bar
and the tables. argostranslate, CTranslate2 and SentencePiece are imported by the
library functions these handlers call, never at import time.
"""

from __future__ import annotations

import argparse
import contextlib
from pathlib import Path
from typing import TYPE_CHECKING

from rich.table import Table

from .common import (
    EXIT_ERROR,
    EXIT_OK,
    Context,
    add_articles,
    add_executor_option,
    open_executor,
    package_name,
    print_workers,
)

if TYPE_CHECKING:
    from ..models import TranslateSettings


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``models`` and ``translate`` to the parser."""
    models = subparsers.add_parser(
        "models",
        help="list, install, remove and check machine-translation packages",
        description="Manage the Argos Translate packages that draft translations "
        "(folder: [translate] models_dir or $PRESSROOM_MODELS_DIR).",
    )
    actions = models.add_subparsers(dest="models_command", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="installed packages")
    listing.set_defaults(handler=run_list)
    install = actions.add_parser("install", help="install a .argosmodel file or a package from the index")
    install.add_argument(
        "package", metavar="FILE_OR_NAME", help="path to a .argosmodel, or e.g. translate-en_ur"
    )
    install.set_defaults(handler=run_install)
    remove = actions.add_parser("remove", help="uninstall a package")
    remove.add_argument(
        "name", type=package_name, metavar="NAME", help="package folder name, as `models list` shows it"
    )
    remove.set_defaults(handler=run_remove)
    doctor = actions.add_parser("doctor", help="which package drafts each language, and what is missing")
    doctor.add_argument("--lang", action="append", metavar="L", help="only this language (repeatable)")
    doctor.set_defaults(handler=run_doctor)
    nllb = actions.add_parser(
        "package-nllb",
        help="wrap an NLLB-200 CTranslate2 conversion as an Argos package and install it",
    )
    nllb.add_argument("conversion", type=Path, metavar="DIR", help="ct2-transformers-converter output folder")
    nllb.add_argument("--lang", required=True, metavar="L", help="target language (si, ur, fa ...)")
    nllb.add_argument("--version", default="1.0", help="package version to record (default: 1.0)")
    nllb.add_argument(
        "--output",
        type=Path,
        metavar="FILE",
        help="archive to write (default: ./nllb-en_L-VERSION.argosmodel)",
    )
    nllb.add_argument("--no-install", action="store_true", help="only write the archive")
    nllb.set_defaults(handler=run_package_nllb)

    translate = subparsers.add_parser(
        "translate",
        help="fill empty catalog entries with fuzzy machine drafts",
        description="Draft every empty entry of the catalogs (all articles, or the ARTICLEs given) "
        "with the configured translation packages. Drafts are fuzzy and carry provenance; "
        "human translations are never changed.",
    )
    add_articles(translate)
    translate.add_argument("--lang", action="append", metavar="L", help="only this language (repeatable)")
    translate.add_argument(
        "--refresh-drafts",
        action="store_true",
        help="also re-draft entries that are still untouched machine drafts",
    )
    translate.add_argument(
        "--dry-run", action="store_true", help="list what would be drafted; change nothing"
    )
    translate.add_argument(
        "--beam-size", type=int, metavar="N", help="beam size (default: [translate] beam_size)"
    )
    add_executor_option(translate)
    translate.set_defaults(handler=run_translate)


def _settings(ctx: Context) -> TranslateSettings:
    from ..models import read_settings

    return read_settings(ctx.project)


def run_list(args: argparse.Namespace, ctx: Context) -> int:
    from ..models import scan_packages

    settings = _settings(ctx)
    packages, broken = scan_packages(settings.models_dir)
    ctx.out.print(f"packages in {settings.models_dir}", markup=False)
    for name, error in broken.items():
        ctx.warn(f"{error.render()} (remove it: workflow.py models remove {name})")
    if not packages:
        ctx.out.print("  none installed (workflow.py models install FILE_OR_NAME)", markup=False)
        return EXIT_OK
    table = Table("name", "languages", "version", "engine")
    for package in packages:
        table.add_row(
            package.name, f"{package.from_code} → {package.to_code}", package.version, package.engine
        )
    ctx.out.print(table)
    return EXIT_OK


def run_install(args: argparse.Namespace, ctx: Context) -> int:
    from ..models import install_from_index, install_package

    settings = _settings(ctx)
    candidate = Path(args.package)
    if candidate.suffix == ".argosmodel" or candidate.exists():
        package = install_package(settings, candidate)
    else:
        package = install_from_index(settings, args.package)
    ctx.out.print(
        f"installed {package.name} ({package.from_code} → {package.to_code}, version {package.version}) "
        f"in {settings.models_dir}",
        markup=False,
    )
    return EXIT_OK


def run_remove(args: argparse.Namespace, ctx: Context) -> int:
    from ..models import remove_package

    package = remove_package(_settings(ctx), args.name)
    ctx.out.print(f"removed {package.name}", markup=False)
    return EXIT_OK


def run_doctor(args: argparse.Namespace, ctx: Context) -> int:
    from ..models import doctor

    settings = _settings(ctx)
    report = doctor(ctx.project, args.lang)
    ctx.out.print(f"packages in {settings.models_dir}", markup=False)
    for status in report:
        used = f"{status.package.name} (version {status.package.version})" if status.package else "MISSING"
        ctx.out.print(f"{status.lang}: {status.engine}: {used}", markup=False)
        for note in status.notes:
            ctx.out.print(f"    {note}", markup=False)
        if status.fix:
            ctx.out.print(f"    fix: {status.fix}", markup=False)
    return EXIT_OK if all(s.package for s in report) else EXIT_ERROR


def run_package_nllb(args: argparse.Namespace, ctx: Context) -> int:
    from ..models import install_package, package_nllb

    settings = _settings(ctx)
    output = args.output or Path(f"nllb-{settings.source_language}_{args.lang}-{args.version}.argosmodel")
    archive = package_nllb(settings, args.conversion, args.lang, output=output, version=args.version)
    ctx.out.print(f"wrote {archive}", markup=False)
    if not args.no_install:
        package = install_package(settings, archive)
        ctx.out.print(f"installed {package.name} in {settings.models_dir}", markup=False)
    return EXIT_OK


def run_translate(args: argparse.Namespace, ctx: Context) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeRemainingColumn

    from ..draft import Progress as DraftProgress
    from ..draft import draft_missing

    project = ctx.project
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("sentences, {task.fields[entries]} entries"),
        TimeRemainingColumn(),
        console=ctx.err,
        disable=ctx.out.quiet or args.dry_run,
        transient=False,
    )
    tasks: dict[str, TaskID] = {}

    def report_progress(step: DraftProgress) -> None:
        if step.lang not in tasks:
            tasks[step.lang] = bar.add_task(
                f"drafting {step.lang}", total=step.sentences_total, entries="0/0"
            )
        bar.update(
            tasks[step.lang],
            completed=step.sentences_done,
            total=step.sentences_total,
            entries=f"{step.entries_done}/{step.entries_total}",
        )

    def report_wait(root: Path) -> None:
        ctx.warn(f"waiting for another pressroom command to finish writing catalogs in {root}")

    from ..mt.remote import ClusterDecoding

    with open_executor(args) if not args.dry_run else contextlib.nullcontext() as engine, bar:
        report = draft_missing(
            project,
            args.lang,
            args.articles or None,
            refresh_drafts=args.refresh_drafts,
            dry_run=args.dry_run,
            beam_size=args.beam_size,
            progress=report_progress,
            on_wait=report_wait,
            decoding=ClusterDecoding(engine) if engine is not None else None,
        )
    if args.dry_run:
        for item in report.planned:
            where = f"{project.relative(item.path)}:{item.line}"
            how = f"memory match from {item.origin}" if item.how == "memory" else item.how
            text = item.msgid if len(item.msgid) <= 70 else item.msgid[:67] + "..."
            ctx.out.print(f"{where}: {how}: {text}", markup=False)
        machine = sum(1 for p in report.planned if p.how != "memory")
        ctx.out.print(
            f"would draft {machine} entries and reuse {len(report.planned) - machine} from memory",
            markup=False,
        )
        return EXIT_OK
    for lang, package in sorted(report.packages.items()):
        ctx.out.print(f"{lang}: {package}", markup=False)
    ctx.out.print(
        f"drafted {report.drafted} entries, {report.memory} from memory; "
        f"{report.decoded} sentences decoded in {report.batches} batches, {report.cached} from cache; "
        f"glossary: {report.glossary_enforced} enforced, {report.glossary_failed} not enforceable; "
        f"{report.markup_flagged} flagged for markup; {len(report.written)} catalogs written "
        f"in {report.seconds:.1f}s ({report.decode_seconds:.1f}s decoding)",
        markup=False,
    )
    print_workers(ctx, [report.workers[w] for w in sorted(report.workers)], "sentences")
    if report.cut:
        ctx.warn(
            f"{report.cut} drafts hold a sentence too long for the model, cut into pieces "
            "(noted on each entry: check the joins)"
        )
    if report.kept:
        ctx.warn(
            f"{report.kept} drafts not written: their entries changed on disk during the run "
            "(a translator's save or extract), and those changes were kept"
        )
    for failure in report.failed:
        ctx.warn(
            f"{project.relative(failure.path)}:{failure.line}: not drafted, the model failed "
            f"({failure.reason}); the entry is noted and left untranslated"
        )
    if report.skipped_plural:
        ctx.warn(f"{report.skipped_plural} plural entries are not drafted; translate them by hand")
    return EXIT_OK
