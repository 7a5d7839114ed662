"""The one PO reader: its two paths agree with each other, with polib and with GNU gettext.

``read_catalog`` reads msgcat-canonical text on a fast path and anything else on the
general path (GNU-style lexical checks, then polib). The oracles:

- polib: every attribute polib sets on the file and its entries is what polib gives
  for the same text (polib 1.2 drops ``#~|`` lines, which read_catalog restores, so
  those two fields of obsolete entries are checked against the text instead; and the
  two header comment corrections of ``read_catalog`` are applied to polib's result);
- GNU msgcat: reading and writing a real catalog gives exactly what msgcat gives for it;
- the general path: wherever the fast path reads a text, the general path gives the
  same ``POFile``;
- GNU gettext: a file read_catalog accepts is one ``msgfmt`` accepts (``msgfmt -c``
  for the project's own catalogs, whose headers are complete).

The material: this repository's catalogs, the planted review catalogs, the test
catalogs shipped in polib's sdist (Django, GNOME, Pootle files and their quirks), each
of those also as GNU ``msgcat`` rewrites it, and generated catalogs (hypothesis).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import polib
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from po_corpus import corpus_paths, real_paths
from test_review import LANGS, _catalog

from pressroom.catalog import canonical, io
from pressroom.catalog.charset import decode_catalog
from pressroom.catalog.io import format_catalogs, read_catalog, write_catalog
from pressroom.errors import CatalogError

REPO = Path(__file__).resolve().parent.parent
OWN = sorted(REPO.glob("translations/*/*.po")) + sorted(REPO.glob("translations/templates/*.pot"))
FOREIGN = corpus_paths()
REAL = real_paths()
REJECTED = {
    "test_syntax_error1.po": "a syntax error (GNU agrees)",
    "test_ufeff.po": "a BOM inside the text (GNU agrees)",
    "test_word_garbage.po": "a raw vertical tab, which polib takes for a line break (GNU accepts it)",
}
"""Corpus files read_catalog rejects, and why."""


def _attributes(po: polib.POFile) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Everything polib sets on a file and its entries (but the path it came from)."""
    return {k: v for k, v in vars(po).items() if k != "fpath"}, [dict(vars(entry)) for entry in po]


def _polib_text(path: Path) -> str:
    text = decode_catalog(path.read_bytes(), path)
    return text if text.endswith("\n") else text + "\n"


def _pop_previous(entry: dict[str, Any]) -> tuple[str | None, str | None]:
    return entry.pop("previous_msgctxt"), entry.pop("previous_msgid")


def _obsolete_previous(text: str) -> list[tuple[str | None, str | None]]:
    """(previous msgctxt, previous msgid) of each obsolete entry, as Translate Toolkit reads them.

    polib 1.2 drops ``#~|`` lines, so for these two fields Translate Toolkit is the oracle.
    """
    from translate.storage import pypo

    def value(lines: list[str]) -> str | None:
        return str(pypo.unquotefrompo(lines)) if lines else None

    store = pypo.pofile(text.encode("utf-8"))
    return [(value(unit.prev_msgctxt), value(unit.prev_msgid)) for unit in store.units if unit.isobsolete()]


def _check_against_oracles(path: Path, *, gnu_args: tuple[str, ...] = ()) -> polib.POFile:
    po = read_catalog(path)
    text = _polib_text(path)
    reference = polib.pofile(text, encoding="utf-8", wrapwidth=0)
    io.correct_polib(text, reference)  # where read_catalog corrects polib on purpose
    ours, theirs = _attributes(po), _attributes(reference)
    restored = [_pop_previous(entry) for entry in ours[1] if entry["obsolete"]]
    nothing = [(None, None)] * len(restored)
    assert [_pop_previous(entry) for entry in theirs[1] if entry["obsolete"]] == nothing
    assert restored == (_obsolete_previous(text) if "#~|" in text else nothing)
    assert ours == theirs, path.name
    fast = canonical.read_canonical(text)
    if fast is not None:
        assert _attributes(fast) == _attributes(io._read_general(text, path)), path.name
    gnu = subprocess.run(["msgfmt", *gnu_args, "-o", "/dev/null", str(path)], capture_output=True, text=True)
    assert gnu.returncode == 0, gnu.stderr
    return po


@pytest.fixture(scope="module")
def rewritten(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The foreign corpus as GNU msgcat writes it (what our writer gives every catalog)."""
    folder = tmp_path_factory.mktemp("msgcat")
    result = {}
    for path in FOREIGN:
        target = folder / path.name
        done = subprocess.run(["msgcat", "-o", str(target), str(path)], capture_output=True)
        if done.returncode == 0 and target.exists():  # msgcat writes no file for an empty catalog
            result[path.name] = target
    return result


@pytest.mark.parametrize("path", OWN, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_own_catalogs(path: Path) -> None:
    _check_against_oracles(path, gnu_args=("-c",))
    assert canonical.read_canonical(_polib_text(path)) is not None  # msgcat-canonical: the fast path


@pytest.mark.parametrize("version", ["clean", "planted"])
@pytest.mark.parametrize("lang", LANGS)
def test_planted_review_catalogs(tmp_path: Path, lang: str, version: str) -> None:
    path = tmp_path / f"{lang}.po"
    path.write_text(str(_catalog(lang, version)[0]), encoding="utf-8")
    _check_against_oracles(path, gnu_args=("-c",))
    assert canonical.read_canonical(_polib_text(path)) is not None


@pytest.mark.parametrize("path", FOREIGN, ids=lambda p: p.name)
def test_foreign_catalogs(path: Path) -> None:
    if path.name in REJECTED:
        with pytest.raises(CatalogError):
            read_catalog(path)
    else:
        _check_against_oracles(path)


NOT_REWRITTEN = {
    "test_fuzzy_header.po": "only a fuzzy header: msgcat writes nothing, our writer keeps the header",
    "test_noencoding.po": "non-ASCII without a charset: msgcat refuses it, our writer declares UTF-8",
    "test_syntax_error1.po": "a syntax error: rejected by msgcat and by read_catalog",
    "test_ufeff.po": "a BOM inside the text: rejected by msgcat and by read_catalog",
}
"""Corpus files GNU msgcat rejects or writes nothing for, and what happens to them here."""


@pytest.mark.parametrize("name", [p.name for p in FOREIGN])
def test_foreign_catalogs_rewritten_by_msgcat(rewritten: dict[str, Path], name: str) -> None:
    assert (name not in rewritten) == (name in NOT_REWRITTEN), NOT_REWRITTEN.get(name, "msgcat rewrites it")
    if name in rewritten:
        _check_against_oracles(rewritten[name])
    elif name in REJECTED:
        with pytest.raises(CatalogError):
            read_catalog(FOREIGN[[p.name for p in FOREIGN].index(name)])
    else:  # our writer still gives a catalog, which reads back the same and passes msgfmt
        original = read_catalog(FOREIGN[[p.name for p in FOREIGN].index(name)])
        written = format_catalogs([original])[0]
        assert written and b"charset=UTF-8" in written
        again = polib.pofile(written.decode("utf-8"), wrapwidth=0)
        assert (again.metadata_is_fuzzy, [e.msgid for e in again]) == (
            original.metadata_is_fuzzy,
            [e.msgid for e in original],
        )
        gnu = subprocess.run(["msgfmt", "-o", "/dev/null", "-"], input=written, capture_output=True)
        assert gnu.returncode == 0, gnu.stderr


def test_fast_path_reads_most_foreign_catalogs_once_canonical(rewritten: dict[str, Path]) -> None:
    """The fast path is exercised on files nobody here wrote (those it leaves have bare
    ``#.`` lines or a header that is not the first entry, which polib reads its own way)."""
    texts = [path.read_bytes().decode("utf-8", "replace") for path in rewritten.values()]
    fast = sum(canonical.read_canonical(text) is not None for text in texts)
    assert fast >= 0.75 * len(texts)


TRICKY = (
    'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    "# noqa: number-mismatch\n# second line\n#. paragraph\n#: source/a.md:3 b.md\n#, fuzzy, python-format\n"
    '#| msgid "old"\nmsgctxt "title"\nmsgid ""\n"Tab\\tquote \\" back\\\\slash "\n"line\\n"\n'
    'msgstr "ترجمہ \\"اقتباس\\""\n\n'
    'msgid "one file"\nmsgid_plural "%(n)s files"\nmsgstr[0] "ایک فائل"\nmsgstr[1] "%(n)s فائلیں"\n\n'
    '#~| msgctxt "was"\n#~| msgid "went"\n#~ msgid "gone"\n#~ msgstr "گیا"\n'
)


def test_tricky_canonical_text(tmp_path: Path) -> None:
    path = tmp_path / "tricky.po"
    path.write_text(TRICKY, encoding="utf-8")
    assert canonical.read_canonical(TRICKY) is not None
    po = _check_against_oracles(path)
    first, plural, gone = po
    assert (first.msgctxt, first.msgid, first.linenum) == ("title", 'Tab\tquote " back\\slash line\n', 5)
    assert first.tcomment == "noqa: number-mismatch\nsecond line"
    assert first.flags == ["fuzzy", "python-format"]
    assert first.occurrences == [("source/a.md", "3"), ("b.md", "")] and first.previous_msgid == "old"
    assert plural.msgstr_plural == {0: "ایک فائل", 1: "%(n)s فائلیں"} and plural.linenum == 17
    assert gone.obsolete and (gone.previous_msgctxt, gone.previous_msgid, gone.linenum) == ("was", "went", 24)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('msgid "a"\nmsgstr "b\n', 2, "end-of-line within string"),
        ('msgid "a"\nmsgstr "b"\n\nmsgid "a"\nmsgstr "c"\n', 4, "duplicate message"),
        ('msgid "a"\n\nmsgid "b"\nmsgstr "c"\n', 1, "missing 'msgstr'"),
    ],
)
def test_broken_text_leaves_the_fast_path(tmp_path: Path, text: str, line: int, message: str) -> None:
    assert canonical.read_canonical(text) is None
    path = tmp_path / "broken.po"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError, match=message) as caught:
        read_catalog(path)
    assert caught.value.line == line


@pytest.mark.parametrize(
    "change",
    [
        ("\n# second line\n", "\n# second line \n"),  # trailing space: polib strips it
        ('msgstr "ترجمہ', 'msgstr  "ترجمہ'),  # two spaces after a keyword
        ("\n\n#~|", "\n\n\n#~|"),  # two blank lines
        ('\n\nmsgid "one', '\n\n\nmsgid "one'),  # two blank lines before a keyword
        ("%(n)s files", "%(n)s\u2028files"),  # a line separator inside a string: polib splits there
        ("back\\\\slash", "back\\aslash"),  # an escape polib does not know
    ],
    ids=["trailing-space", "double-space", "blank-lines", "blank-keyword", "line-separator", "bad-escape"],
)
def test_anything_unusual_takes_the_general_path(change: tuple[str, str]) -> None:
    assert change[0] in TRICKY
    assert canonical.read_canonical(TRICKY.replace(*change)) is None


@pytest.mark.parametrize(
    "tail",
    ['#~| msgid "a"\n', "# only a comment\n", '"a string"\n', '#~ msgid "a"\n', 'msgstr "a"\n', "#\n"],
)
def test_fragments_take_the_general_path(tail: str) -> None:
    """Half an entry at the end of a file: the fast path declines, never crashes."""
    assert canonical.read_canonical(TRICKY + "\n" + tail) is None


_TEXT = st.text(
    st.sampled_from(list('ab "\\\t\n#~|:,.') + list("ہزارہ کوئٹہ۔") + list("පාකිස්තානය")), min_size=1, max_size=40
).filter(lambda t: t.strip() != "")
_LINE = (
    st.lists(st.sampled_from([*"ab:#~|,. ", "ک", "ගල"]), min_size=1, max_size=12).map("".join).map(str.strip)
)


def _plural(text: str) -> str:
    """``text`` with an "s", ending in a newline if it did (msgfmt insists on that)."""
    body = text.rstrip("\n")
    return body + "s" + text[len(body) :]


@st.composite
def _entries(draw: st.DrawFn) -> list[polib.POEntry]:
    entries = []
    for msgid in draw(st.lists(_TEXT, min_size=1, max_size=5, unique=True)):
        msgstr = msgid.strip("\n") or "x"
        msgstr = ("\n" if msgid.startswith("\n") else "") + msgstr + ("\n" if msgid.endswith("\n") else "")
        entry = polib.POEntry(
            msgid=msgid,
            msgstr=msgstr,
            msgctxt=draw(st.one_of(st.none(), _TEXT)),
            tcomment="\n".join(draw(st.lists(_LINE, max_size=3))),
            comment="\n".join(line for line in draw(st.lists(_LINE, max_size=2)) if line),
            occurrences=[("source/x.md", "")] if draw(st.booleans()) else [],
            obsolete=draw(st.booleans()),
        )
        if draw(st.booleans()):
            entry.flags = ["fuzzy"]
            entry.previous_msgctxt = draw(st.one_of(st.none(), _TEXT))
            entry.previous_msgid = draw(_TEXT)
        if draw(st.booleans()):
            entry.msgid_plural = _plural(msgid)
            entry.msgstr_plural = {0: msgstr, 1: _plural(msgstr)}
            entry.msgstr = ""
        entries.append(entry)
    return entries


@settings(max_examples=40, deadline=None)
@given(_entries())
def test_written_catalogs_read_the_same_on_both_paths(entries: list[polib.POEntry]) -> None:
    """Property: whatever the text, what the writer gives, the fast path reads as polib would."""
    import tempfile

    po = polib.POFile(wrapwidth=0)
    po.metadata = {
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": "nplurals=2; plural=(n != 1);",
    }
    for entry in entries:
        po.append(entry)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.po"
        write_catalog(path, po)
        text = path.read_text("utf-8")
        assert canonical.read_canonical(text) is not None
        _check_against_oracles(path)


def test_reader_needs_no_gettext_but_the_oracle_does() -> None:
    assert shutil.which("msgfmt") and shutil.which("msgcat"), "GNU gettext is the oracle of these tests"


_BLOCKS = [
    *(block.split("\n") for block in TRICKY.rstrip("\n").split("\n\n")[1:]),
    [
        "#",
        "# a",
        "#",
        "#. x",
        "#. y",
        "#, fuzzy",
        '#| msgctxt "c"',
        '#| msgid ""',
        '#| "p"',
        'msgid "b"',
        'msgstr "c"',
    ],
    ['#| msgid_plural "ps"', 'msgid "s"', 'msgid_plural "ps"', 'msgstr[0] ""', '"x"', 'msgstr[1] "y"'],
    ["# kept", "#, fuzzy", '#~ msgctxt "k"', '#~ msgid "o"', '#~ ""', '#~ "p"', '#~ msgstr "q"'],
]
_NOISE = [
    *['#~ msgctxt "c"', '#| msgid_plural "p"', '#| "more"', '#~| "x"', '#~ "z"', "#~", "#|", " ", ""],
    *['msgstr[1] "y"', 'msgstr[12] "y"', 'msgid "a"', 'msgstr ""', '"\\\\"', '"\\a"', "#.", "#:", "#,"],
    *["#: a:1 b", "#, c-format", "# x ", '"tail"', 'msgctxt "m"', "#~ #", '#~ msgstr[0] ""', "#x"],
]


@st.composite
def _jumbles(draw: st.DrawFn) -> str:
    """PO text of entries taken from valid ones, some lines dropped, copied, moved or added."""
    blocks = []
    for lines in draw(st.lists(st.sampled_from(_BLOCKS), min_size=1, max_size=4)):
        lines = list(lines)
        for _ in range(draw(st.integers(0, 3))):
            where = draw(st.integers(0, len(lines) - 1)) if lines else 0
            what = draw(st.sampled_from(["drop", "copy", "add", "move"]))
            if what == "add" or not lines:
                lines.insert(where, draw(st.sampled_from(_NOISE)))
            elif what == "drop":
                del lines[where]
            elif what == "copy":
                lines.insert(draw(st.integers(0, len(lines))), lines[where])
            else:
                lines.insert(draw(st.integers(0, len(lines) - 1)), lines.pop(where))
        blocks.append("\n".join(lines))
    return TRICKY.split("\n\n")[0] + "\n\n" + "\n\n".join(blocks) + "\n"


@settings(max_examples=400, deadline=None)
@given(_jumbles())
@example(  # found by this test: an empty #. line opening the entry, before translator comments
    'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n#.\n# noqa: number-mismatch\n'
    '# second line\n#. paragraph\n#: source/a.md:3 b.md\n#, fuzzy, python-format\n#| msgid "old"\n'
    'msgctxt "title"\nmsgid ""\n"Tab\\tquote \\" back\\\\slash "\n"line\\n"\nmsgstr "x"\n'
)
def test_fast_path_accepts_only_what_the_general_path_reads_the_same(text: str) -> None:
    """Property: on mangled PO text the fast path declines or agrees; it never crashes."""
    fast = canonical.read_canonical(text)
    if fast is not None:
        assert _attributes(fast) == _attributes(io._read_general(text, Path("jumble.po")))


POLIB_LOSES = {
    "test_merge_before.po": "two spaces after 'Plural-Forms:' (polib strips header values)",
    "test_pofile_helpers.po": "two spaces after 'Plural-Forms:' (polib strips header values)",
    "test_obsolete_previousmsgid.po": "a #: reference on an obsolete entry (polib drops it)",
    "test_unusual_metadata_location.po": "the header entry after another entry (polib moves it first)",
    "test_utf8.po": "a '# #' comment and a flag line polib reads its own way",
}
"""Corpus files whose read+write differs from msgcat's output, and what polib's model loses.
Hand-made edge cases of polib's own tests; every real catalog (REAL) is byte-identical."""


def _msgcat_pairs() -> list[Path]:
    return [p for p in [*FOREIGN, *REAL] if p.name not in REJECTED and p.name not in NOT_REWRITTEN]


@pytest.mark.parametrize("path", _msgcat_pairs(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_read_and_write_give_what_msgcat_gives(path: Path, tmp_path: Path) -> None:
    """Oracle: GNU msgcat. Charset, header order, header comments and foreign fields all kept."""
    gnu = subprocess.run(["msgcat", str(path)], capture_output=True, check=True).stdout
    target = tmp_path / path.name
    write_catalog(target, read_catalog(path))
    if path.name in POLIB_LOSES:
        assert target.read_bytes() != gnu, f"{path.name} now round-trips: remove it from POLIB_LOSES"
    else:
        assert target.read_bytes() == gnu
    assert subprocess.run(["msgfmt", "-o", "/dev/null", str(target)], capture_output=True).returncode == 0


def test_every_real_catalog_round_trips_byte_identical() -> None:
    assert len(REAL) == 10 and not set(POLIB_LOSES) & {p.name for p in REAL}
