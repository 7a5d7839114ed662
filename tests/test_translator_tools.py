"""Our catalogs through the tools translators and Weblate run on them.

GNU ``msgmerge --previous`` (Weblate's "Update PO files to match POT" add-on, and what
many translators run by hand) must change nothing in any catalog extract writes: the
glossary guidance lives in the template, where msgmerge takes every ``#.`` line from.
Translate Toolkit's ``pypo`` (what Weblate reads and writes PO files with) must read
and write them unchanged. Checked on the sample and on catalogs made from the
CommonMark spec examples, after translators and source edits have had their way.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import polib
from po_corpus import corpus_paths
from spec_corpus import load_corpus

from pressroom.catalog import catalog_stats, count_entries, extract, read_catalog
from pressroom.errors import CatalogError
from pressroom.glossary import read_glossary
from pressroom.project import Project, load_project

REPO = Path(__file__).resolve().parent.parent
CHUNK = 40
"""Spec examples per corpus article: 18 articles, 54 catalogs and 18 templates."""



def catalogs(root: Path) -> list[tuple[Path, Path]]:
    """(catalog, its template) for every article catalog of a content root."""
    pairs = []
    for po_path in sorted((root / "translations").glob("*/*.po")):
        pot_path = root / "translations" / "templates" / f"{po_path.stem}.pot"
        if pot_path.exists():
            pairs.append((po_path, pot_path))
    return pairs


def msgmerge(po_path: Path, pot_path: Path, *options: str) -> bytes:
    """What ``msgmerge --previous`` makes of a catalog (written to stdout, the file untouched)."""
    done = subprocess.run(
        ["msgmerge", "--quiet", "--previous", *options, "-o", "-", str(po_path), str(pot_path)],
        capture_output=True,
        check=True,
    )
    return done.stdout


def assert_msgmerge_no_op(root: Path) -> int:
    pairs = catalogs(root)
    for po_path, pot_path in pairs:
        merged = msgmerge(po_path, pot_path)
        assert merged.decode("utf-8") == po_path.read_text("utf-8"), po_path
    return len(pairs)


def corpus_project(tmp_path: Path) -> Project:
    """The sample's settings and glossary, with the spec examples as articles, extracted."""
    root = tmp_path / "corpus"
    (root / "source").mkdir(parents=True)
    (root / "translations").mkdir()
    for name in ("glossary.csv", "workflow.toml"):
        shutil.copy2(REPO / name, root / name)
    examples = [markdown for _, markdown in load_corpus()]
    for number in range(0, len(examples), CHUNK):
        body = "\n\n".join(examples[number : number + CHUNK])
        # names the glossary knows, so every catalog carries guidance
        body += "\n\nProtests in Quetta and Karachi over the Hazara killings.\n"
        slug = f"spec-{number // CHUNK:02d}"
        front = f'title: "Spec examples {number}"\nauthor: Sampath Perera\ndate: 2021-01-12\nslug: {slug}'
        (root / "source" / f"{slug}.md").write_text(f"---\n{front}\n---\n\n{body}", "utf-8")
    project = load_project(root)
    extract(project, glossary=read_glossary(project.glossary_path))
    return project


def translate_some(project: Project) -> None:
    """What translators do: translate, leave fuzzy, comment, in every other entry."""
    for po_path, _ in catalogs(project.root):
        po = read_catalog(po_path)
        for number, entry in enumerate(e for e in po if not e.obsolete):
            if number % 2:
                continue
            entry.msgstr = f"«{entry.msgid}»"
            if number % 3 == 0:
                entry.flags = ["fuzzy"]
            if number % 5 == 0:
                entry.tcomment = "checked with the desk"
        po_path.write_text(str(po), "utf-8")


def edit_sources(project: Project) -> None:
    """What writers do: edit a word in every article and drop its first paragraph."""
    for path in sorted((project.root / "source").glob("*.md")):
        text = path.read_text("utf-8")
        text = text.replace("Protests in Quetta", "Large protests in Quetta")
        text = re.sub(r"\n\n[A-Za-z][^\n]*\n", "\n\n", text, count=1)
        path.write_text(text, "utf-8")


def test_msgmerge_previous_is_a_no_op_on_the_sample() -> None:
    assert assert_msgmerge_no_op(REPO) == 6  # the article and the site catalog, in three languages


def test_msgmerge_previous_is_a_no_op_after_translation_and_source_edits(tmp_path: Path) -> None:
    project = corpus_project(tmp_path)
    glossary = read_glossary(project.glossary_path)
    assert assert_msgmerge_no_op(project.root) == 3 * len(list((project.root / "source").glob("*.md")))
    translate_some(project)
    extract(project, glossary=glossary)
    edit_sources(project)
    report = extract(project, glossary=glossary)
    assert report.fuzzy and report.obsolete
    assert assert_msgmerge_no_op(project.root)


def test_next_extract_after_a_weblate_sync_changes_nothing(tmp_path: Path) -> None:
    """Weblate's add-on runs msgmerge in place; extract afterwards (forced) writes nothing."""
    project = corpus_project(tmp_path)
    glossary = read_glossary(project.glossary_path)
    translate_some(project)
    extract(project, glossary=glossary)
    pairs = catalogs(project.root)
    for po_path, pot_path in pairs:
        subprocess.run(
            ["msgmerge", "--quiet", "--update", "--backup=none", "--previous", str(po_path), str(pot_path)],
            check=True,
        )
    before = {path: path.read_bytes() for pair in pairs for path in pair}
    report = extract(project, glossary=glossary, force=True)
    assert report.written == 0
    assert {path: path.read_bytes() for path in before} == before


def test_glossary_guidance_is_in_the_template_for_every_language() -> None:
    pot = read_catalog(REPO / "translations" / "templates" / "pakistan-hazara-miners.pot")
    notes = [line for entry in pot for line in entry.comment.split("\n") if line.startswith("glossary: ")]
    hazara = ["glossary: Hazara → ur ہزارہ", "glossary: Hazara → fa هزاره", "glossary: Hazara → si හසාරා"]
    assert all(note in notes for note in hazara)
    langs = [note.split(" → ")[1].split(" ")[0] for note in notes]
    assert langs == ["ur", "fa", "si"] * (len(notes) // 3)


def test_po_entry_comments_come_from_the_template() -> None:
    """msgmerge's rule, which is why the guidance cannot live in the PO files alone."""
    pot = read_catalog(REPO / "translations" / "templates" / "pakistan-hazara-miners.pot")
    expected = {(e.msgctxt, e.msgid): e.comment for e in pot}
    for lang in ("ur", "fa", "si"):
        po = polib.pofile(str(REPO / "translations" / lang / "pakistan-hazara-miners.po"))
        assert {(e.msgctxt, e.msgid): e.comment for e in po if not e.obsolete} == expected


# --------------------------------------------------------------------------- word counts


def pocount(path: Path) -> dict[str, int]:
    """Translate Toolkit's own statistics for a file, as ``pocount`` prints them."""
    from translate.tools.pocount import calcstats

    stats = calcstats(str(path))
    return {
        "translated": stats["translated"],
        "translated_words": stats["translatedsourcewords"],
        "fuzzy": stats["fuzzy"],
        "fuzzy_words": stats["fuzzysourcewords"],
        "untranslated": stats["untranslated"],
        "untranslated_words": stats["untranslatedsourcewords"],
        "entries": stats["total"],
        "words": stats["totalsourcewords"],
    }


def ours(path: Path) -> dict[str, int]:
    counts = count_entries(read_catalog(path))
    return {key: counts[key] for key in pocount_keys()}


def pocount_keys() -> tuple[str, ...]:
    states = ("translated", "fuzzy", "untranslated")
    return (*states, *(f"{state}_words" for state in states), "entries", "words")


def test_status_counts_equal_pocount_on_the_sample() -> None:
    paths = sorted((REPO / "translations").glob("*/*.po*"))
    assert len(paths) == 8
    for path in paths:
        assert ours(path) == pocount(path), path
    project = load_project(REPO)
    stats = catalog_stats(project, "ur", "pakistan-hazara-miners")
    expected = pocount(project.po_path("ur", "pakistan-hazara-miners"))
    assert (stats.words, stats.fuzzy_words, stats.translated_words) == (
        expected["words"],
        expected["fuzzy_words"],
        expected["translated_words"],
    )


def test_status_counts_equal_pocount_on_corpus_catalogs(tmp_path: Path) -> None:
    project = corpus_project(tmp_path)
    translate_some(project)
    extract(project, glossary=read_glossary(project.glossary_path))
    edit_sources(project)
    extract(project, glossary=read_glossary(project.glossary_path))
    paths = sorted((project.root / "translations").glob("*/*.po*"))
    assert len(paths) == 4 * len(list((project.root / "source").glob("*.md")))
    for path in paths:
        assert ours(path) == pocount(path), path


def test_status_counts_equal_pocount_on_real_catalogs() -> None:
    """polib's test catalogs (Django, Evolution, Pootle; plurals, obsolete, fuzzy)."""
    from translate.tools.pocount import calcstats

    checked = 0
    for path in corpus_paths():
        try:
            read_catalog(path)
        except CatalogError:
            continue  # the deliberately broken ones
        if not calcstats(str(path)) or not pocount(path)["entries"]:
            continue  # one Translate Toolkit cannot parse (an indented file), or no entries
        assert ours(path) == pocount(path), path.name
        checked += 1
    assert checked >= 10
