"""glossary export --format tbx: read back by Translate Toolkit (Weblate's reader) and lxml."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import REPO, CliResult
from lxml import etree
from translate.storage import tbx

from pressroom.glossary import Glossary, read_glossary
from pressroom.tbx import ADMITTED, PREFERRED, format_tbx

LANGS = ("ur", "fa", "si")


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return read_glossary(REPO / "glossary.csv")


def english_forms(glossary: Glossary, english: str) -> list[str]:
    term = next(term for term in glossary.terms if term.english == english)
    return list(glossary.english_forms(term))


def test_export_is_well_formed_tbx_basic(glossary: Glossary) -> None:
    text = format_tbx(glossary, LANGS)
    root = etree.fromstring(text.encode("utf-8"))  # lxml: well-formed, one root
    assert root.tag == "martif" and root.get("type") == "TBX-Basic"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    entries = root.findall("text/body/termEntry")
    assert len(entries) == len(glossary.terms)
    assert len({entry.get("id") for entry in entries}) == len(entries)
    statuses = {node.text for node in root.iter("termNote") if node.get("type") == "administrativeStatus"}
    assert statuses == {PREFERRED, ADMITTED}
    assert format_tbx(glossary, LANGS) == text  # same glossary, same bytes


@pytest.mark.parametrize("lang", LANGS)
def test_translate_toolkit_reads_every_term_back(glossary: Glossary, lang: str) -> None:
    store = tbx.tbxfile(io.BytesIO(format_tbx(glossary, LANGS).encode("utf-8")), "en", lang)
    units = [unit for unit in store.units if unit.istranslatable()]
    assert len(units) == len(glossary.terms)
    for unit, term in zip(units, glossary.terms, strict=True):
        assert unit.source == term.english
        assert [t.text for t in unit.get_source_terms()] == list(glossary.english_forms(term))
        assert [t.text for t in unit.get_target_terms(lang)] == list(term.spellings[lang])
        assert unit.target == term.spellings[lang][0]
        assert not unit.isobsolete()
        notes = {(note.category, note.text) for note in unit.get_common_notes(source=True)}
        assert ("subjectField", term.kind) in notes
        assert not term.note or ("definition", term.note) in notes


def test_variants_acronyms_kind_and_note(glossary: Glossary) -> None:
    store = tbx.tbxfile(io.BytesIO(format_tbx(glossary, LANGS).encode("utf-8")), "en", "ur")
    by_source = {unit.source: unit for unit in store.units}
    ppp = by_source["Pakistan People's Party"]
    assert [t.text for t in ppp.get_source_terms()] == ["Pakistan People's Party", "PPP"]
    assert [(t.text, t.administrative_status) for t in ppp.get_target_terms("ur")] == [
        ("پاکستان پیپلز پارٹی", PREFERRED),
        ("پیپلز پارٹی", ADMITTED),
        ("پی پی پی", ADMITTED),
    ]
    assert [t.text for t in ppp.get_target_terms("fa")] == ["حزب مردم پاکستان", "پیپلز پارتی"]
    khan = [t.text for t in by_source["Imran Khan"].get_source_terms()]
    assert khan == english_forms(glossary, "Imran Khan") == ["Imran Khan", "Khan"]
    assert by_source["Quetta"].getnotes("definition") == "place\ncapital of Balochistan"


def test_cli_export(run_cli: Callable[..., CliResult], sample_project: Path) -> None:
    out = sample_project / "glossary.tbx"
    result = run_cli("--project", sample_project, "glossary", "export", "--format", "tbx", "--output", out)
    assert result.code == 0, result.err
    assert f"wrote {out}: 62 terms, en + ur, fa, si" in result.out
    again = run_cli("--project", sample_project, "glossary", "export", "--output", out)
    assert "unchanged" in again.out
    stdout = run_cli("--project", sample_project, "glossary", "export", "--lang", "si")
    assert stdout.out.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    root = etree.fromstring(stdout.out.encode("utf-8"))
    langs = {node.get("{http://www.w3.org/XML/1998/namespace}lang") for node in root.iter("langSet")}
    assert langs == {"en", "si"}
    wrong = run_cli("--project", sample_project, "glossary", "export", "--lang", "de")
    assert wrong.code == 1 and "'de' is not a target language" in wrong.err
