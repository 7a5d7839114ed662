"""extract over an archive vs GNU ``msgmerge --previous`` doing the same merges.

Generates 1,000 articles (``--quick``: 100), extracts catalogs for the three target
languages, gives about half of the entries translations, then times:

(a) extract with nothing changed, vs msgmerge of every PO against its POT;
(b) extract after editing 5% of the articles, vs msgmerge over the whole archive
    (msgmerge cannot know which articles changed);
(c) a full rebuild (``force=True``: the content-hash state ignored), vs msgmerge over
    the whole archive.

msgmerge runs sequentially, one process per catalog as a Makefile would run it; its
time excludes making the POT files, which favours msgmerge.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from benchmarks.archive import edit_articles, generate_archive
from pressroom.catalog import extract, read_catalog, write_catalogs
from pressroom.project import Project, load_project


def _translate_half(project: Project) -> None:
    """Give every other entry of every catalog a (fake) translation."""
    items = []
    for language in project.target_languages():
        for path in sorted((project.translations_dir / language.code).glob("*.po")):
            po = read_catalog(path)
            for index, entry in enumerate(po):
                if index % 2 == 0:
                    entry.msgstr = " ".join(reversed(entry.msgid.split()))
            items.append((path, po))
    write_catalogs(items)


def _msgmerge_all(project: Project, old_dir: Path, out_dir: Path) -> float:
    """Seconds for ``msgmerge --previous`` of each old PO against its current POT."""
    jobs = []
    for language in project.target_languages():
        (out_dir / language.code).mkdir(parents=True, exist_ok=True)
        for path in sorted((old_dir / language.code).glob("*.po")):
            pot = project.pot_path(path.stem)
            jobs.append((path, pot, out_dir / language.code / path.name))
    start = time.perf_counter()
    for old, pot, out in jobs:
        subprocess.run(
            ["msgmerge", "--quiet", "--previous", "-o", str(out), str(old), str(pot)],
            check=True,
        )
    return time.perf_counter() - start


def _timed_extract(project: Project, *, force: bool = False) -> tuple[float, str]:
    start = time.perf_counter()
    report = extract(project, force=force)
    seconds = time.perf_counter() - start
    return seconds, (
        f"{report.written} written, {report.unchanged} unchanged, {report.skipped} skipped; "
        f"{report.new} new, {report.fuzzy} fuzzy, {report.obsolete} obsolete"
    )


def run(quick: bool = False) -> dict[str, str]:
    n = 100 if quick else 1000
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")
    with tempfile.TemporaryDirectory(prefix="bench-extract-") as tmp:
        root = Path(tmp) / "archive"
        generate_archive(root, n=n, seed=0)
        project = load_project(root)
        start = time.perf_counter()
        extract(project)
        print(
            f"archive: {n} articles x {len(project.targets)} languages; first extract "
            f"{time.perf_counter() - start:.2f} s",
            flush=True,
        )
        _translate_half(project)
        extract(project)  # settle the state after the translators' writes
        entries = sum(len(read_catalog(p)) for p in sorted(project.templates_dir.glob("*.pot")))
        print(f"{entries} template entries; half of each PO translated", flush=True)

        rows = []
        # (a) nothing changed
        ours, summary = _timed_extract(project)
        snapshot = Path(tmp) / "old"
        shutil.copytree(project.translations_dir, snapshot)
        gnu = _msgmerge_all(project, snapshot, Path(tmp) / "out-a")
        rows.append(("(a) no change", ours, gnu, summary, "< 1 s"))

        # (b) 5% of the articles edited
        edited = edit_articles(root, fraction=0.05, seed=1)
        shutil.rmtree(snapshot)
        shutil.copytree(project.translations_dir, snapshot)
        ours, summary = _timed_extract(project)
        gnu = _msgmerge_all(project, snapshot, Path(tmp) / "out-b")
        rows.append((f"(b) {len(edited)} edited", ours, gnu, summary, ">= 10x faster"))

        # (c) full rebuild, state ignored
        shutil.rmtree(snapshot)
        shutil.copytree(project.translations_dir, snapshot)
        ours, summary = _timed_extract(project, force=True)
        gnu = _msgmerge_all(project, snapshot, Path(tmp) / "out-c")
        rows.append(("(c) full rebuild", ours, gnu, summary, "within 3x"))

    print(f"{'case':<18} {'extract':>9} {'msgmerge':>9} {'speedup':>8}  target         extract did")
    for name, ours, gnu, summary, target in rows:
        print(f"{name:<18} {ours:>8.3f}s {gnu:>8.3f}s {gnu / ours:>7.1f}x  {target:<14} {summary}")
    return {
        f"extract vs msgmerge, {name}": f"{gnu / ours:.1f}x ({target})" for name, ours, gnu, _, target in rows
    }
