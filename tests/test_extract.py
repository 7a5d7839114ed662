"""extract: source articles -> POT/PO with msgmerge semantics; GNU gettext checks every file."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import polib
import pytest
from conftest import gnu_check

from pressroom.catalog import (
    extract,
    mark_draft,
    mark_memory_match,
    mark_unreviewed,
    read_catalog,
    settle_reviewed,
    write_catalog,
)
from pressroom.errors import CatalogError, SourceError
from pressroom.project import Project, load_project

EPOCH = 1_700_000_000  # 2023-11-14 22:13 UTC

P1 = "Eleven coal miners from the Hazara minority were killed in Mach on Sunday, January 3."
P2 = "The families of the miners refused to bury their dead for an entire week in Quetta."
P3 = "Protesters kept the coffins on a highway despite the bitterly cold temperatures."
P4 = "The Islamic State has claimed responsibility for the attack on the mining town."


def write_article(
    root: Path, slug: str, paragraphs: list[str], *, title: str = "Miners killed in Mach"
) -> Path:
    path = root / "source" / f"{slug}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    body = "\n\n".join(paragraphs)
    path.write_text(
        f'---\ntitle: "{title}"\nauthor: Sampath Perera\ndate: 2021-01-12\nslug: {slug}\n'
        f"language: en\n---\n\n{body}\n",
        "utf-8",
    )
    return path


def all_catalogs(root: Path) -> list[Path]:
    return sorted((root / "translations").rglob("*.po*"))


def check_all(root: Path) -> None:
    for path in all_catalogs(root):
        gnu_check(path)


def snapshot(root: Path) -> dict[Path, tuple[bytes, int]]:
    return {path: (path.read_bytes(), path.stat().st_mtime_ns) for path in all_catalogs(root)}


def entry(po: polib.POFile, msgid: str) -> polib.POEntry:
    found = [e for e in po if e.msgid == msgid]
    assert len(found) == 1, f"{msgid!r} occurs {len(found)} times"
    return found[0]


def translate(project: Project, lang: str, slug: str, done: dict[str, str]) -> None:
    path = project.po_path(lang, slug)
    po = read_catalog(path)
    for e in po:
        if e.msgid in done:
            e.msgstr = done[e.msgid]
    write_catalog(path, po)


@pytest.fixture
def project(empty_project: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    write_article(empty_project, "a", [P1, P2, P3])
    return load_project(empty_project)


def test_first_extract_writes_template_and_every_language(project: Project) -> None:
    report = extract(project)
    assert report.written == 4 and report.new == 15
    assert report.changes[0].lang is None and report.changes[0].new == 5
    root = project.root
    pot = read_catalog(project.pot_path("a"))
    assert [(e.msgctxt, e.msgid) for e in pot] == [
        ("title", "Miners killed in Mach"),
        ("byline", "Sampath Perera"),
        (None, P1),
        (None, P2),
        (None, P3),
    ]
    assert pot.metadata["POT-Creation-Date"] == "2023-11-14 22:13+0000"
    assert pot.metadata["Project-Id-Version"] == "Pressroom"
    assert pot.metadata["X-Generator"] == "pressroom 0.1.0"
    for language in project.target_languages():
        po = read_catalog(project.po_path(language.code, "a"))
        meta = po.metadata
        assert meta["Language"] == language.code
        assert meta["Plural-Forms"] == language.plural_forms
        assert meta["Content-Type"] == "text/plain; charset=UTF-8"
        assert meta["Content-Transfer-Encoding"] == "8bit"
        assert meta["MIME-Version"] == "1.0"
        assert meta["PO-Revision-Date"] == meta["POT-Creation-Date"] == "2023-11-14 22:13+0000"
        assert meta["Language-Team"] == language.name
        assert [e.msgid for e in po] == [e.msgid for e in pot]
        assert all(e.msgstr == "" for e in po)
    text = project.po_path("ur", "a").read_text("utf-8")
    assert "#: source/a.md\n" in text  # no line numbers: edits elsewhere cause no diff
    assert '#. title\n#: source/a.md\nmsgctxt "title"\n' in text
    assert "#. paragraph\n" in text
    check_all(root)


def test_identical_texts_become_one_entry(empty_project: Path) -> None:
    write_article(empty_project, "a", [P1, P2, P1])
    project = load_project(empty_project)
    extract(project)
    pot = read_catalog(project.pot_path("a"))
    assert [e.msgid for e in pot][2:] == [P1, P2]
    assert entry(pot, P1).comment == "paragraph\nappears 2 times in the article"
    check_all(empty_project)


def test_extract_twice_rewrites_nothing(project: Project) -> None:
    extract(project)
    translate(project, "ur", "a", {P1: "پہلا پیراگراف"})
    extract(project)
    before = snapshot(project.root)
    report = extract(project)
    assert report.written == 0 and report.skipped == 1
    assert snapshot(project.root) == before
    forced = extract(project, force=True)  # the same without the state: still no rewrite
    assert forced.written == 0 and forced.skipped == 0 and len(forced.changes) == 4
    assert snapshot(project.root) == before


def test_changed_source_is_noticed_even_with_old_mtime(project: Project) -> None:
    extract(project)
    source = project.source_path("a")
    stat = source.stat()
    write_article(project.root, "a", [P1, P2, P4])
    os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    report = extract(project)
    assert report.new == 3  # P4 in three languages
    assert P4 in [e.msgid for e in read_catalog(project.pot_path("a"))]


def test_new_segment_gets_an_empty_entry(project: Project) -> None:
    extract(project)
    translate(project, "ur", "a", {P1: "ایک", P2: "دو"})
    write_article(project.root, "a", [P1, P4, P2, P3])
    report = extract(project)
    assert report.new == 3
    po = read_catalog(project.po_path("ur", "a"))
    assert [e.msgid for e in po][2:] == [P1, P4, P2, P3]
    assert entry(po, P4).msgstr == "" and not entry(po, P4).flags
    assert entry(po, P1).msgstr == "ایک" and entry(po, P2).msgstr == "دو"
    check_all(project.root)


def test_changed_segment_keeps_translation_as_fuzzy_with_previous_msgid(project: Project) -> None:
    extract(project)
    translate(project, "ur", "a", {P2: "خاندانوں نے تدفین سے انکار کیا"})
    changed = P2.replace("an entire week", "a whole week")
    write_article(project.root, "a", [P1, changed, P3])
    report = extract(project)
    assert report.fuzzy == 1 and report.obsolete == 0
    po = read_catalog(project.po_path("ur", "a"))
    new = entry(po, changed)
    assert new.msgstr == "خاندانوں نے تدفین سے انکار کیا"
    assert "fuzzy" in new.flags
    assert new.previous_msgid == P2
    assert P2 not in [e.msgid for e in po]  # used for the fuzzy match: not also obsolete
    text = project.po_path("ur", "a").read_text("utf-8")
    assert '#, fuzzy\n#| msgid ""\n#| "The families of the miners' in text
    fa = read_catalog(project.po_path("fa", "a"))
    assert entry(fa, changed).msgstr == "" and not entry(fa, changed).flags  # nothing to carry over
    check_all(project.root)


def test_whitespace_only_change_keeps_translation_unchanged(project: Project) -> None:
    extract(project)
    translate(project, "ur", "a", {P3: "تابوت"})
    rewrapped = P3.replace(" on a highway ", "  on a\nhighway ")
    write_article(project.root, "a", [P1, P2, rewrapped])
    report = extract(project)
    assert report.fuzzy == 0 and report.obsolete == 0
    po = read_catalog(project.po_path("ur", "a"))
    same = [e for e in po if "highway" in e.msgid]
    assert len(same) == 1 and same[0].msgstr == "تابوت"
    assert not same[0].flags and same[0].previous_msgid is None
    check_all(project.root)


def test_removed_segment_becomes_obsolete_and_comes_back(project: Project) -> None:
    extract(project)
    translate(project, "ur", "a", {P2: "خاندان", P3: "تابوت"})
    write_article(project.root, "a", [P1, P3])
    report = extract(project)
    assert report.obsolete == 1  # only ur had a translation to keep
    po = read_catalog(project.po_path("ur", "a"))
    gone = [e for e in po if e.obsolete]
    assert [(e.msgid, e.msgstr) for e in gone] == [(P2, "خاندان")]
    assert "#~ msgid" in project.po_path("ur", "a").read_text("utf-8")
    assert P2 not in [e.msgid for e in read_catalog(project.po_path("fa", "a"))]
    check_all(project.root)

    write_article(project.root, "a", [P1, P2, P3])
    report = extract(project)
    assert report.revived == 1
    po = read_catalog(project.po_path("ur", "a"))
    back = entry(po, P2)
    assert not back.obsolete and back.msgstr == "خاندان" and not back.flags
    assert [e.msgid for e in po][2:] == [P1, P2, P3]
    check_all(project.root)


def test_prune_removes_obsolete_entries_only_on_request(project: Project) -> None:
    extract(project)
    translate(project, "ur", "a", {P2: "خاندان"})
    write_article(project.root, "a", [P1, P3])
    extract(project)
    assert extract(project).skipped == 1
    report = extract(project, prune=True)  # the state must not hide the obsolete entry
    assert report.pruned == 1
    po = read_catalog(project.po_path("ur", "a"))
    assert not po.obsolete_entries() and P2 not in [e.msgid for e in po]
    check_all(project.root)


def test_translator_comments_flags_and_header_survive(project: Project) -> None:
    extract(project)
    path = project.po_path("ur", "a")
    po = read_catalog(path)
    po.metadata["Last-Translator"] = "Ayesha Khan <ayesha@example.org>"
    po.metadata["Language-Team"] = "Urdu desk <urdu@example.org>"
    po.metadata["X-Poedit-Basepath"] = "."
    po.header = "Urdu translation of the Hazara article.\nAyesha Khan, 2024."
    e1, e2 = entry(po, P1), entry(po, P2)
    e1.msgstr, e1.tcomment, e1.flags = "ایک", "check the date with the desk", ["no-wrap"]
    e2.msgstr, e2.tcomment = "دو", "noqa: number-mismatch"
    write_catalog(path, po)
    changed = P2 + " They demanded a meeting."
    write_article(project.root, "a", [P1, changed, P3], title="Eleven miners killed in Mach")
    extract(project)
    po = read_catalog(path)
    assert po.metadata["Last-Translator"] == "Ayesha Khan <ayesha@example.org>"
    assert po.metadata["Language-Team"] == "Urdu desk <urdu@example.org>"
    assert po.metadata["X-Poedit-Basepath"] == "."
    assert po.header == "Urdu translation of the Hazara article.\nAyesha Khan, 2024."
    assert entry(po, P1).tcomment == "check the date with the desk"
    assert entry(po, P1).flags == ["no-wrap"] and entry(po, P1).msgstr == "ایک"
    fuzzy = entry(po, changed)
    assert fuzzy.tcomment == "noqa: number-mismatch" and fuzzy.flags == ["fuzzy"]
    assert fuzzy.comment == "paragraph"  # extracted comments are regenerated
    check_all(project.root)


def test_dates_change_only_with_content(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    write_article(project.root, "b", [P4])
    extract(project)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH + 86400))
    before_b = {path: path.read_bytes() for path in all_catalogs(project.root) if path.stem == "b"}
    write_article(project.root, "a", [P1, P2])
    extract(project, force=True)
    pot = read_catalog(project.pot_path("a"))
    assert pot.metadata["POT-Creation-Date"] == "2023-11-15 22:13+0000"
    ur = read_catalog(project.po_path("ur", "a"))
    assert ur.metadata["POT-Creation-Date"] == "2023-11-15 22:13+0000"
    assert ur.metadata["PO-Revision-Date"] == "2023-11-15 22:13+0000"
    after_b = {path: path.read_bytes() for path in all_catalogs(project.root) if path.stem == "b"}
    assert after_b == before_b


def test_unrelated_edit_leaves_other_entries_byte_identical(project: Project) -> None:
    extract(project)
    translate(project, "ur", "a", {P1: "ایک", P2: "دو", P3: "تین"})
    before = project.po_path("ur", "a").read_text("utf-8")
    longer = P1 + " Six died on the scene.\nThe others died before reaching a hospital."
    write_article(project.root, "a", [longer, "A new paragraph about the funerals on Saturday.", P2, P3])
    extract(project)
    after = project.po_path("ur", "a").read_text("utf-8")
    blocks_before = before.split("\n\n")
    blocks_after = after.split("\n\n")
    for block in blocks_before:
        if P2[:30] in block or P3[:30] in block:
            assert block in blocks_after


def test_broken_catalog_stops_extract_before_any_write(project: Project) -> None:
    extract(project)
    write_article(project.root, "a", [P1, P2, P4])
    broken = project.po_path("fa", "a")
    text = broken.read_text("utf-8").replace('msgstr ""\n\n#. paragraph', 'msgstr "\n\n#. paragraph', 1)
    broken.write_text(text, "utf-8")
    before = snapshot(project.root)
    with pytest.raises(CatalogError) as info:
        extract(project)
    assert info.value.path == broken and info.value.line is not None
    assert snapshot(project.root) == before


def test_unknown_article_is_an_error(project: Project) -> None:
    with pytest.raises(SourceError, match="unknown article 'nope'"):
        extract(project, ["nope"])
    with pytest.raises(SourceError, match="site-strings catalog"):
        extract(project, ["site"])


def test_only_requested_articles(project: Project) -> None:
    write_article(project.root, "b", [P4])
    report = extract(project, ["b"])
    assert {change.slug for change in report.changes} == {"b"}
    assert not project.pot_path("a").exists()


class FakeGlossary:
    def __init__(self, spellings: dict[str, str]) -> None:
        self.terms = tuple(sorted(spellings.items()))
        self.spellings = spellings

    def notes(self, text: str, langs: Sequence[str]) -> list[str]:
        found = [(english, spelling) for english, spelling in self.spellings.items() if english in text]
        return [f"glossary: {english} → ur {spelling}" for english, spelling in found]


def test_glossary_notes_live_in_the_template_and_refresh(project: Project) -> None:
    extract(project, glossary=FakeGlossary({"Quetta": "کوئٹہ"}))
    pot = read_catalog(project.pot_path("a"))
    assert entry(pot, P2).comment == "paragraph\nglossary: Quetta → ur کوئٹہ"
    assert entry(pot, P1).comment == "paragraph"
    for lang in ("ur", "fa", "si"):  # msgmerge copies the template's #. lines: so do we
        po = read_catalog(project.po_path(lang, "a"))
        assert [(e.msgid, e.comment) for e in po] == [(e.msgid, e.comment) for e in pot]
    before = snapshot(project.root)
    extract(project, glossary=FakeGlossary({"Quetta": "کوئٹا", "Mach": "مچھ"}))
    after = snapshot(project.root)
    changed = {path.relative_to(project.root).as_posix() for path in after if after[path] != before[path]}
    catalogs = {f"translations/{lang}/a.po" for lang in ("ur", "fa", "si")}
    assert changed == {"translations/templates/a.pot", *catalogs}
    ur = read_catalog(project.po_path("ur", "a"))
    assert entry(ur, P2).comment == "paragraph\nglossary: Quetta → ur کوئٹا"
    assert entry(ur, P1).comment == "paragraph\nglossary: Mach → ur مچھ"
    check_all(project.root)


def test_cli_extract_summary(project: Project, run_cli: Callable[..., Any]) -> None:
    result = run_cli("--project", project.root, "extract")
    assert result.code == 0, result.err
    assert "wrote translations/ur/a.po" in result.out
    assert "4 files written, 0 unchanged" in result.out
    assert "15 new, 0 fuzzy, 0 obsolete" in result.out
    again = run_cli("--project", project.root, "extract")
    assert "0 files written" in again.out and "1 article unchanged" in again.out
    missing = run_cli("--project", project.root, "extract", "nope")
    assert missing.code == 1 and "unknown article 'nope'" in missing.err


def test_cli_reports_broken_catalog_and_prunes(project: Project, run_cli: Callable[..., Any]) -> None:
    assert run_cli("--project", project.root, "extract").code == 0
    translate(project, "ur", "a", {P3: "تابوت"})
    write_article(project.root, "a", [P1, P2])
    result = run_cli("--project", project.root, "extract")
    assert "1 obsolete" in result.out
    pruned = run_cli("--project", project.root, "extract", "--prune", "a")
    assert pruned.code == 0 and "1 pruned" in pruned.out
    path = project.po_path("si", "a")
    path.write_text(path.read_text("utf-8") + 'msgid "unterminated\n', "utf-8")
    before = path.read_bytes()
    broken = run_cli("--project", project.root, "extract", "--force")
    assert broken.code == 1
    assert "translations/si/a.po:" in broken.err and "end-of-line within string" in broken.err
    assert path.read_bytes() == before


# --------------------------------------------------------------------------- draft lifecycle


def test_cleared_fuzzy_flag_retires_the_draft_markers(project: Project) -> None:
    extract(project)
    path = project.po_path("ur", "a")
    po = read_catalog(path)
    machine, human, memory = entry(po, P1), entry(po, P2), entry(po, P3)
    machine.msgstr = "گیارہ کان کن"
    provenance = {"engine": "argos", "package": "translate-en_ur", "version": "1.9", "date": "2026-11-20"}
    mark_draft(machine, **provenance, notes=["low confidence"])
    human.msgstr, human.tcomment = "خاندانوں نے", "ask the Quetta desk\nnoqa: number-mismatch"
    mark_unreviewed(human)
    memory.msgstr = "تابوت"
    mark_memory_match(memory, "other-article")
    write_catalog(path, po)
    extract(project)
    assert {e.msgid for e in read_catalog(path).fuzzy_entries()} == {P1, P2, P3}  # drafts stay drafts

    po = read_catalog(path)  # what Poedit's "Needs work" off does: the flag goes, nothing else
    for msgid in (P1, P2):
        entry(po, msgid).flags = []
    write_catalog(path, po)
    extract(project)
    po = read_catalog(path)
    assert entry(po, P1).tcomment == (
        "reviewed: from a machine draft (engine=argos package=translate-en_ur version=1.9 date=2026-11-20)"
    )
    assert entry(po, P2).tcomment == "ask the Quetta desk\nnoqa: number-mismatch"  # human lines untouched
    assert entry(po, P3).tcomment == "memory-match: other-article"  # still fuzzy: still a draft
    assert "unreviewed" not in path.read_text("utf-8")
    before = snapshot(project.root)
    extract(project, force=True)
    assert snapshot(project.root) == before  # settled once, then stable
    check_all(project.root)


def test_settle_reviewed_edge_cases() -> None:
    reviewed = polib.POEntry(msgid="a", msgstr="", tcomment="memory-match: x\nkeep me")
    assert settle_reviewed(reviewed) and reviewed.tcomment == "keep me"  # emptied: no note at all
    fuzzy = polib.POEntry(msgid="a", msgstr="b", tcomment="memory-match: x", flags=["fuzzy"])
    assert not settle_reviewed(fuzzy) and fuzzy.tcomment == "memory-match: x"
    plain = polib.POEntry(msgid="a", msgstr="b", tcomment="unreviewed draft, says who\nreviewed: by Amina")
    assert not settle_reviewed(plain)  # not our markers: a translator's words
    memory = polib.POEntry(msgid="a", msgstr="b", tcomment="note\nmemory-match: x")
    assert settle_reviewed(memory) and memory.tcomment == "note\nreviewed: from a memory match (x)"


def test_articles_are_written_chunk_by_chunk(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    extract_module = sys.modules["pressroom.catalog.extract"]  # the package re-exports the function
    monkeypatch.setattr(extract_module, "CHUNK_ARTICLES", 2)
    for slug in "bcde":
        write_article(project.root, slug, [P1, P4])
    runs: list[int] = []
    original = extract_module.format_catalogs

    def counting(catalogs: list[polib.POFile]) -> list[str]:
        runs.append(len(catalogs))
        return original(catalogs)

    monkeypatch.setattr(extract_module, "format_catalogs", counting)
    report = extract(project)
    assert runs == [8, 8, 4]  # 2 + 2 + 1 articles, a template and three languages each
    assert report.written == 20 and report.skipped == 0
    check_all(project.root)
    # A broken catalog in the last chunk: the chunks before it are written and remembered.
    for slug in "abe":  # chunks of changed articles: [a, b], [e]
        write_article(project.root, slug, [P3, P2])
    broken = project.po_path("fa", "e")
    broken.write_text(broken.read_text("utf-8") + 'msgid "unterminated\n', "utf-8")
    with pytest.raises(CatalogError):
        extract(project)

    def msgids(slug: str) -> set[str]:
        return {e.msgid for e in read_catalog(project.po_path("ur", slug)) if not e.obsolete}

    assert P2 in msgids("b") and P2 not in msgids("e")
    broken.write_text(broken.read_text("utf-8").replace('msgid "unterminated\n', ""), "utf-8")
    again = extract(project)
    assert {change.slug for change in again.changes} == {"e"} and again.skipped == 4
    assert P2 in msgids("e")


def test_a_no_op_extract_reads_no_file_whose_stat_is_as_when_hashed(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Signatures first, hashes second: a file written since (inode-change time moved) is read again."""
    from pressroom import fsio
    from pressroom.catalog import extract_state

    write_article(project.root, "b", [P1, P3])
    extract(project)
    translate(project, "fa", "b", {P1: "abc"})
    extract(project)
    read: list[Path] = []
    original = extract_state.read_if_present

    def reading(path: str) -> bytes | None:
        read.append(Path(path))
        return original(path)

    monkeypatch.setattr(extract_state, "read_if_present", reading)
    # Just written: too recent to trust a signature (racy), so hashed, and skipped.
    report = extract(project)
    assert report.skipped == 2 and report.written == 0 and len(read) == 2 * 5

    monkeypatch.setattr(fsio, "RACY_NS", 0)  # as if every file were old
    extract(project)  # remembers the settled signatures
    read.clear()
    assert extract(project).skipped == 2 and read == []

    # A translation saved in place, same size, modification time set back: only b is read.
    path = project.po_path("fa", "b")
    data, info = path.read_bytes(), path.stat()
    path.write_bytes(data.replace(b'msgstr "abc"', b'msgstr "abd"'))
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert path.stat().st_size == info.st_size and path.stat().st_mtime_ns == info.st_mtime_ns
    report = extract(project)
    assert report.skipped == 1 and read and {p.stem for p in read} == {"b"}
    assert [e.msgstr for e in read_catalog(path) if e.msgid == P1] == ["abd"]  # kept, as any save
