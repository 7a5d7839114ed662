"""Every claim of docs/weblate.md, checked with the tools Weblate itself runs.

Weblate reads and writes PO files with Translate Toolkit's ``pypo``, runs GNU
``msgmerge`` for its "Update PO files to match POT" add-on, matches component
discovery patterns with Python's ``re`` and file masks with ``glob``, and reads
glossaries with Translate Toolkit's ``tbx``.
"""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import pytest
from test_translator_tools import REPO, catalogs, corpus_project, msgmerge, translate_some
from translate.storage import pypo, tbx

from pressroom.catalog import extract
from pressroom.glossary import read_glossary
from pressroom.tbx import format_tbx

DOC = REPO / "docs" / "weblate.md"
DISCOVERY = r"translations/(?P<language>[^/.]+)/(?P<component>[^/]+)\.po$"
TEMPLATE = "translations/templates/{{ component }}.pot"
URDU = "پاکستان کی شیعہ ہزارہ اقلیت کے گیارہ کان کن اتوار، 3 جنوری کو ایک فرقہ وارانہ حملے میں مارے گئے۔"



def test_the_doc_states_what_is_checked_here() -> None:
    text = DOC.read_text("utf-8")
    for claim in (DISCOVERY, TEMPLATE, "translations/*/pakistan-hazara-miners.po", "glossary/*.tbx"):
        assert claim in text, claim


def test_discovery_pattern_finds_each_article_and_the_site_once() -> None:
    files = [p.relative_to(REPO).as_posix() for p in (REPO / "translations").rglob("*") if p.is_file()]
    found: dict[str, set[str]] = {}
    for name in files:
        match = re.match(DISCOVERY, name)  # Weblate matches with re.match against repository paths
        if match:
            found.setdefault(match["component"], set()).add(match["language"])
    assert found == {"pakistan-hazara-miners": {"ur", "fa", "si"}, "site": {"ur", "fa", "si"}}
    for component in found:
        assert (REPO / TEMPLATE.replace("{{ component }}", component)).is_file()


def test_file_mask_matches_the_language_catalogs_only() -> None:
    mask = "translations/*/pakistan-hazara-miners.po"
    matched = sorted(path.relative_to(REPO).as_posix() for path in REPO.glob(mask))
    assert matched == [f"translations/{lang}/pakistan-hazara-miners.po" for lang in ("fa", "si", "ur")]


def test_pypo_reads_and_writes_our_catalogs_unchanged(tmp_path: Path) -> None:
    """Weblate's default wrapping (Translate Toolkit's 77) gives GNU's lines: no need to customize it."""
    project = corpus_project(tmp_path)
    translate_some(project)
    extract(project, glossary=read_glossary(project.glossary_path))
    paths = sorted((REPO / "translations").glob("*/*.po*"))
    paths += [path for pair in catalogs(project.root) for path in pair]
    for path in paths:
        data = path.read_bytes()
        store = pypo.pofile.parsestring(data)
        assert store.wrapper.width == 77
        assert bytes(store) == data, path


def save_translation(tmp_path: Path, *, width: int | None = None) -> tuple[Path, Path]:
    """What Weblate does when a translator saves entry 3 of the Urdu catalog as translated."""
    source = REPO / "translations" / "ur" / "pakistan-hazara-miners.po"
    store = pypo.pofile.parsestring(source.read_bytes())
    if width is not None:
        store.wrapper.width = width
    unit = store.units[3]
    unit.target = URDU
    unit.markfuzzy(False)
    saved = tmp_path / "ur.po"
    saved.write_bytes(bytes(store))
    return source, saved


def msgcat(path: Path) -> bytes:
    return subprocess.run(["msgcat", str(path)], capture_output=True, check=True).stdout


def test_glossary_notes_are_developer_notes() -> None:
    store = pypo.pofile.parsestring((REPO / "translations" / "fa" / "pakistan-hazara-miners.po").read_bytes())
    title = next(unit for unit in store.units if unit.getcontext() == "title")
    assert "glossary: Pakistan → fa پاکستان" in title.getnotes("developer").split("\n")
    assert "unreviewed draft" in title.getnotes("translator")


def test_another_width_writes_what_msgcat_does_not(tmp_path: Path) -> None:
    _, saved = save_translation(tmp_path, width=65535)
    assert msgcat(saved) != saved.read_bytes()


def test_a_translation_saved_by_pypo_changes_its_entry_only(tmp_path: Path) -> None:
    source, saved = save_translation(tmp_path)
    before, after = source.read_text("utf-8").split("\n\n"), saved.read_text("utf-8").split("\n\n")
    assert [number for number, (a, b) in enumerate(zip(before, after, strict=True)) if a != b] == [3]
    assert msgcat(saved) == saved.read_bytes()  # still in GNU's form: no rewrapping churn


def test_msgmerge_add_on_options(tmp_path: Path) -> None:
    """'Use fuzzy matching' and 'Keep previous msgids' do not matter; 'Remove locations' churns."""
    for po_path, pot_path in catalogs(REPO):
        original = po_path.read_bytes()
        assert msgmerge(po_path, pot_path) == original
        assert msgmerge(po_path, pot_path, "--no-fuzzy-matching") == original
    po_path, pot_path = catalogs(REPO)[0]
    assert b"#: source/" in po_path.read_bytes()
    assert b"#: source/" not in msgmerge(po_path, pot_path, "--no-location")


@pytest.mark.parametrize("lang", ["ur", "fa", "si"])
def test_one_bilingual_tbx_per_language_is_a_weblate_glossary(lang: str) -> None:
    glossary = read_glossary(REPO / "glossary.csv")
    store = tbx.tbxfile(io.BytesIO(format_tbx(glossary, [lang]).encode("utf-8")), "en", lang)
    units = [unit for unit in store.units if unit.istranslatable()]
    assert len(units) == len(glossary.terms)
    for unit, term in zip(units, glossary.terms, strict=True):
        assert unit.target == term.spellings[lang][0]
