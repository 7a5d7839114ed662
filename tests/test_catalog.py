"""Catalog I/O and conventions: GNU gettext is the oracle for every file written."""

from __future__ import annotations

import datetime
import subprocess
from pathlib import Path

import polib
import pytest
from conftest import gnu_check
from hypothesis import given, settings
from hypothesis import strategies as st

from pressroom.catalog import (
    catalog_stats,
    format_catalog,
    fuzzy_reason,
    is_machine_draft,
    is_memory_match,
    is_unreviewed,
    mark_draft,
    mark_memory_match,
    mark_unreviewed,
    merge_entries,
    noqa_codes,
    read_catalog,
    translations,
    write_catalog,
    write_catalogs,
)
from pressroom.errors import CatalogError
from pressroom.project import load_project

HEADER = (
    'msgid ""\nmsgstr ""\n'
    '"Project-Id-Version: Pressroom\\n"\n'
    '"Language: ur\\n"\n'
    '"MIME-Version: 1.0\\n"\n'
    '"Content-Type: text/plain; charset=UTF-8\\n"\n'
    '"Content-Transfer-Encoding: 8bit\\n"\n'
    '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
)

URDU = (
    "ہزارہ برادری سے تعلق رکھنے والے گیارہ کان کنوں کو اتوار کے روز ایک فرقہ وارانہ حملے میں "
    "بے دردی سے قتل کر دیا گیا، جس کے بعد کوئٹہ اور کراچی میں احتجاج شروع ہو گیا۔"
)
SINHALA = "පාකිස්තානයේ ෂියා හසාරා සුළුතරයේ ගල් අඟුරු පතල් කම්කරුවන් එකොළොස් දෙනෙකු ජනවාරි 3 ඉරිදා නිකායික ප්‍රහාරයකින් ම්ලේච්ඡ ලෙස මරා දමන ලදී."



def make_po() -> polib.POFile:
    po = polib.POFile()
    po.header = "Urdu translation of source/x.md."
    po.metadata = {
        "Project-Id-Version": "Pressroom",
        "PO-Revision-Date": "2024-01-01 00:00+0000",
        "Last-Translator": "Ayesha <ayesha@example.org>",
        "Language-Team": "Urdu",
        "Language": "ur",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": "nplurals=2; plural=(n != 1);",
    }
    return po


def test_written_catalog_is_msgcat_canonical_with_hard_cases(tmp_path: Path) -> None:
    po = make_po()
    long_english = " ".join(["The Hazara protesters kept the coffins on a highway"] * 5)
    po.append(polib.POEntry(msgctxt="title", msgid="Short title", msgstr="مختصر"))
    po.append(
        polib.POEntry(msgid=long_english, msgstr=URDU, comment="paragraph", occurrences=[("source/x.md", "")])
    )
    po.append(polib.POEntry(msgid="Sinhala " + long_english, msgstr=SINHALA * 2))
    po.append(
        polib.POEntry(
            msgid='Escapes: "quoted" \\ back\tslash and a [link](https://example.org/a_very_long_path/'
            + "x" * 90
            + ")",
            msgstr='"نقل" \\ \t',
        )
    )
    po.append(polib.POEntry(msgid="Line one\nline two with *emphasis*", msgstr="سطر\nدوسری"))
    fuzzy = polib.POEntry(
        msgid="Changed " + long_english,
        msgstr=URDU,
        flags=["fuzzy"],
        previous_msgid="Old " + long_english,
        previous_msgctxt=None,
    )
    po.append(fuzzy)
    po.append(
        polib.POEntry(
            msgid="Gone " + long_english, msgstr=URDU, obsolete=True, previous_msgid="Older " + URDU
        )
    )
    path = tmp_path / "ur" / "x.po"
    assert write_catalog(path, po) is True
    gnu_check(path)
    text = path.read_text("utf-8")
    assert '#| msgid ""' in text
    assert "#~ msgid" in text and "#~| msgid" in text
    again = read_catalog(path)
    assert [e.msgstr for e in again] == [e.msgstr for e in po]
    assert again[5].previous_msgid == "Old " + long_english


def test_write_unchanged_catalog_leaves_file_alone(tmp_path: Path) -> None:
    po = make_po()
    po.append(polib.POEntry(msgid="Hello", msgstr="سلام"))
    path = tmp_path / "x.po"
    assert write_catalog(path, po)
    before = path.stat().st_mtime_ns
    assert write_catalog(path, read_catalog(path)) is False
    assert path.stat().st_mtime_ns == before


def test_batch_write_keeps_catalogs_apart(tmp_path: Path) -> None:
    items = []
    for index in range(3):
        po = make_po()
        po.append(polib.POEntry(msgid="Same text in every file", msgstr=f"ترجمہ {index}"))
        items.append((tmp_path / f"{index}.po", po))
    assert write_catalogs(items) == [True, True, True]
    for index, (path, _) in enumerate(items):
        gnu_check(path)
        assert read_catalog(path)[0].msgstr == f"ترجمہ {index}"
        assert path.read_bytes() == format_catalog(items[index][1]).encode("utf-8")


BROKEN = {
    "unterminated": (HEADER + 'msgid "abc\nmsgstr "x"\n', 10, "end-of-line within string"),
    "bad-keyword": (HEADER + 'msgidd "abc"\nmsgstr "x"\n', 10, "keyword 'msgidd' unknown"),
    "stray-text": (HEADER + 'msgid "abc"\nmsgstr "x"\nhello\n', 12, "keyword 'hello' unknown"),
    "inner-quote": (HEADER + 'msgid "ab"c"\nmsgstr "x"\n', 10, "unescaped double quote"),
    "missing-msgstr": (HEADER + 'msgid "abc"\n\nmsgid "d"\nmsgstr ""\n', 10, "missing 'msgstr'"),
    "duplicate": (HEADER + 'msgid "abc"\nmsgstr "x"\n\nmsgid "abc"\nmsgstr "y"\n', 13, "duplicate message"),
}


@pytest.mark.parametrize("case", sorted(BROKEN), ids=sorted(BROKEN))
def test_broken_catalog_is_reported_with_line_and_left_alone(tmp_path: Path, case: str) -> None:
    text, line, message = BROKEN[case]
    path = tmp_path / "translations" / "ur" / "x.po"
    path.parent.mkdir(parents=True)
    path.write_text(text, "utf-8")
    gnu = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)], capture_output=True, text=True)
    assert gnu.returncode != 0  # the oracle agrees the file is broken
    with pytest.raises(CatalogError) as info:
        read_catalog(path)
    assert info.value.line == line
    assert message in info.value.message
    assert info.value.hint
    assert f"x.po:{line}: " in info.value.render()
    assert path.read_text("utf-8") == text


def test_invalid_utf8_is_reported_with_line(tmp_path: Path) -> None:
    path = tmp_path / "x.po"
    data = (HEADER + 'msgid "abc"\nmsgstr "').encode() + b"\xff\xfe" + b'"\n'
    path.write_bytes(data)
    with pytest.raises(CatalogError) as info:
        read_catalog(path)
    assert info.value.line == 11
    assert "UTF-8" in info.value.message
    assert path.read_bytes() == data


def test_missing_catalog_is_an_error_not_po_text(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="no such catalog"):
        read_catalog(tmp_path / "nope.po")


def test_machine_draft_convention() -> None:
    entry = polib.POEntry(msgid="Quetta", msgstr="کوئٹہ", tcomment="keep: city name")
    mark_draft(
        entry,
        engine="argos",
        package="translate-en_ur",
        version="1.9",
        date=datetime.date(2024, 5, 1),
        notes=["low confidence"],
    )
    lines = entry.tcomment.split("\n")
    assert lines[0] == "keep: city name"
    assert lines[1].startswith(
        "machine-draft: engine=argos package=translate-en_ur version=1.9 date=2024-05-01 sha="
    )
    assert lines[2] == "machine-draft-note: low confidence"
    assert entry.flags == ["fuzzy"]
    assert is_machine_draft(entry) and fuzzy_reason(entry) == "machine_draft"
    entry.msgstr = "کوئٹہ شہر"  # a human edited the draft
    assert not is_machine_draft(entry)
    assert fuzzy_reason(entry) == "other"
    mark_unreviewed(entry)
    assert is_unreviewed(entry) and "machine-draft" not in entry.tcomment
    mark_memory_match(entry, "other-article")
    assert is_memory_match(entry) and not is_unreviewed(entry)
    entry.flags = []
    assert not is_memory_match(entry) and fuzzy_reason(entry) is None


def test_noqa_codes() -> None:
    comment = "noqa: number-mismatch, glossary-term\nother\nnoqa: wrong-script"
    entry = polib.POEntry(msgid="x", tcomment=comment)
    assert noqa_codes(entry) == {"number-mismatch", "glossary-term", "wrong-script"}
    assert noqa_codes(polib.POEntry(msgid="y")) == set()


def _project_with_po(tmp_path: Path, entries: list[polib.POEntry]) -> Path:
    root = tmp_path / "project"
    (root / "source").mkdir(parents=True)
    po = make_po()
    for entry in entries:
        po.append(entry)
    write_catalog(root / "translations" / "ur" / "a.po", po)
    return root


def test_translations_and_stats(tmp_path: Path) -> None:
    draft = polib.POEntry(msgid="Drafted words here", msgstr="مسودہ")
    mark_draft(draft, engine="argos", package="p", version="1", date="2024-01-01")
    entries = [
        polib.POEntry(msgctxt="title", msgid="Title", msgstr="عنوان"),
        polib.POEntry(msgid="Done one", msgstr="ہو گیا"),
        draft,
        polib.POEntry(msgid="Changed text", msgstr="بدلا", flags=["fuzzy"], previous_msgid="Old text"),
        polib.POEntry(msgid="Memory", msgstr="یاد", flags=["fuzzy"], tcomment="memory-match: b"),
        polib.POEntry(
            msgid="Human",
            msgstr="انسان",
            flags=["fuzzy"],
            tcomment="unreviewed draft: not yet checked by a native editor",
        ),
        polib.POEntry(msgid="Empty here", msgstr=""),
        polib.POEntry(msgid="Gone", msgstr="گیا", obsolete=True),
    ]
    root = _project_with_po(tmp_path, entries)
    project = load_project(root)
    published = translations(project, "ur", "a", include_drafts=False)
    assert published == {("title", "Title"): "عنوان", (None, "Done one"): "ہو گیا"}
    drafts = translations(project, "ur", "a", include_drafts=True)
    assert drafts[(None, "Drafted words here")] == "مسودہ"
    assert (None, "Gone") not in drafts and (None, "Empty here") not in drafts
    assert len(drafts) == 6
    assert translations(project, "fa", "a", include_drafts=True) == {}

    stats = catalog_stats(project, "ur", "a")
    counts = (stats.entries, stats.translated, stats.fuzzy, stats.untranslated, stats.obsolete)
    assert counts == (7, 2, 4, 1, 1)
    assert (stats.machine_draft, stats.source_changed, stats.memory_match, stats.unreviewed) == (1, 1, 1, 1)
    assert stats.words == 1 + 2 + 3 + 2 + 1 + 1 + 2
    assert stats.translated_words == 3 and stats.untranslated_words == 2
    assert not stats.publishable
    data = stats.as_json()
    assert data["fuzzy_reasons"] == {
        "machine_draft": 1,
        "memory_match": 1,
        "source_changed": 1,
        "unreviewed": 1,
        "other": 0,
    }
    assert data["path"] == "translations/ur/a.po"


def _entries(*texts: str) -> list[polib.POEntry]:
    return [polib.POEntry(msgid=text, msgstr="", comment="paragraph") for text in texts]


def test_merge_prefers_same_context_and_keeps_previous_of_fuzzy_source() -> None:
    old = make_po()
    old.append(polib.POEntry(msgctxt="title", msgid="Miners killed in Quetta", msgstr="عنوان"))
    old.append(polib.POEntry(msgid="Miners killed in Quetta!", msgstr="پیرا"))
    old.append(
        polib.POEntry(
            msgid="Protests spread to Karachi today",
            msgstr="احتجاج",
            flags=["fuzzy"],
            previous_msgid="Protests spread to Karachi",
        )
    )
    template = [
        polib.POEntry(msgctxt="title", msgid="Miners killed in Quetta, Pakistan", comment="title"),
        *_entries("Protests spread to Karachi yesterday"),
    ]
    merged, counts = merge_entries(template, old)
    assert merged[0].msgstr == "عنوان" and merged[0].previous_msgctxt == "title"
    assert merged[1].msgstr == "احتجاج"
    assert merged[1].previous_msgid == "Protests spread to Karachi"  # the text the translation was made for
    assert counts.fuzzy == 2
    assert [e.obsolete for e in merged] == [False, False, True]
    assert merged[2].msgid == "Miners killed in Quetta!"


def test_merge_threshold_is_gnu_similarity() -> None:
    old = make_po()
    old.append(polib.POEntry(msgid="abcdefghij", msgstr="x"))
    # similarity 2*6/(10+10) = 0.6: just at the threshold
    merged, counts = merge_entries(_entries("abcdefKLMN"), old)
    assert counts.fuzzy == 1 and merged[0].msgstr == "x"
    merged, counts = merge_entries(_entries("abcdeKLMNO"), old)
    assert counts.fuzzy == 0 and counts.new == 1 and merged[0].msgstr == ""


def test_missing_msgcat_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("pressroom.catalog.io.shutil.which", lambda name: None)
    po = make_po()
    po.append(polib.POEntry(msgid="Hello", msgstr=""))
    with pytest.raises(CatalogError, match="msgcat is not installed") as info:
        write_catalog(tmp_path / "x.po", po)
    assert "gettext" in (info.value.hint or "")
    assert not (tmp_path / "x.po").exists()


def test_blank_line_inside_entry_is_accepted_like_gnu(tmp_path: Path) -> None:
    path = tmp_path / "x.po"
    path.write_text(HEADER + 'msgid "abc"\n\nmsgstr "x"\n', "utf-8")
    assert subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)]).returncode == 0
    assert read_catalog(path)[0].msgstr == "x"


_ALPHABET = st.sampled_from(
    list("abc xyz ,.;:-*_[]()#\"\\\t\n'/") + list("ہزارہ کوئٹہ ۔،") + list("පාකිස්තානය ්‍ර") + ["ک", "ගල"]
)
_TEXT = st.lists(_ALPHABET, min_size=1, max_size=200).map("".join).filter(lambda t: t.strip() != "")


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(_TEXT, _TEXT, st.booleans()), min_size=1, max_size=6, unique_by=lambda t: t[0]))
def test_any_text_round_trips_and_is_gnu_canonical(pairs: list[tuple[str, str, bool]]) -> None:
    """Property: whatever the text (wide scripts, escapes, newlines), GNU agrees with our files."""
    import tempfile

    po = make_po()
    for msgid, msgstr, gone in pairs:
        # msgfmt -c insists msgid and msgstr agree on leading/trailing newlines
        fixed = msgstr.strip("\n") or "x"
        fixed = ("\n" if msgid.startswith("\n") else "") + fixed + ("\n" if msgid.endswith("\n") else "")
        po.append(polib.POEntry(msgid=msgid, msgstr=fixed, obsolete=gone, previous_msgid=msgid[::-1]))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.po"
        write_catalog(path, po)
        gnu_check(path)
        again = read_catalog(path)
        expected = [e for e in po if not e.obsolete] + [e for e in po if e.obsolete]  # obsolete last
        assert [(e.msgid, e.msgstr, bool(e.obsolete), e.previous_msgid) for e in again] == [
            (e.msgid, e.msgstr, e.obsolete, e.previous_msgid) for e in expected
        ]


def test_merge_whitespace_only_change_keeps_translation_not_fuzzy() -> None:
    old = make_po()
    old.append(polib.POEntry(msgid="Coffins on a\nhighway  in Quetta.", msgstr="تابوت", tcomment="ok"))
    merged, counts = merge_entries(_entries("Coffins on a highway in Quetta."), old)
    assert (counts.fuzzy, counts.new, counts.obsolete) == (0, 0, 0)
    assert merged[0].msgstr == "تابوت" and merged[0].tcomment == "ok"
    assert not merged[0].flags and merged[0].previous_msgid is None
    assert len(merged) == 1


def test_bare_polib_catalog_gets_a_utf8_header(tmp_path: Path) -> None:
    po = polib.POFile()
    po.append(polib.POEntry(msgid="Quetta", msgstr="کوئٹہ"))
    path = tmp_path / "bare.po"
    write_catalog(path, po)
    assert read_catalog(path).metadata["Content-Type"] == "text/plain; charset=UTF-8"
    assert read_catalog(path)[0].msgstr == "کوئٹہ"
