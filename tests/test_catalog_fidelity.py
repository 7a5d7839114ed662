"""Catalog bytes in, same bytes out: every command reads a catalog as its tool wrote it.

The reader honours and checks the declared charset, refuses NUL bytes, invalid escapes
and obsolete duplicates at their line; plural entries, header comments and a header-less
catalog's first comment survive; a catalog saved by Poedit (its header order, fields and
``X-Generator``) whose entries did not change comes out of ``extract`` byte-identical.
Oracles: GNU ``msgcat`` (the bytes) and ``msgfmt -c`` (every file we write).
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import polib
import pytest
from conftest import CliResult, gnu_check

from pressroom.catalog import extract, read_catalog, write_catalog
from pressroom.catalog import io as catalog_io
from pressroom.catalog.io import format_catalogs
from pressroom.errors import CatalogError
from pressroom.project import load_project
from pressroom.site import update_site_catalogs

SLUG = "pakistan-hazara-miners"
LATIN1_HEADER = (
    'msgid ""\nmsgstr ""\n"Language: ur\\n"\n"MIME-Version: 1.0\\n"\n'
    '"Content-Type: text/plain; charset=ISO-8859-1\\n"\n"Content-Transfer-Encoding: 8bit\\n"\n\n'
)
UTF8_HEADER = LATIN1_HEADER.replace("ISO-8859-1", "UTF-8")


def _po(tmp_path: Path, text: str | bytes, name: str = "x.po") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def _msgcat(path: Path) -> bytes:
    return subprocess.run(["msgcat", str(path)], capture_output=True, check=True).stdout


# --------------------------------------------------------------------------- charset


def test_declared_charset_is_honoured_and_kept(tmp_path: Path) -> None:
    body = 'msgid "Quetta cafe"\nmsgstr "Café à Quetta"\n'
    path = _po(tmp_path, (LATIN1_HEADER + body).encode("latin-1"))
    po = read_catalog(path)
    assert po[0].msgstr == "Café à Quetta"
    target = tmp_path / "out.po"
    write_catalog(target, po)
    assert target.read_bytes() == _msgcat(path) and b"Caf\xe9" in target.read_bytes()
    assert subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(target)]).returncode == 0


def test_catalogs_of_different_charsets_never_share_a_conversion(tmp_path: Path) -> None:
    latin = read_catalog(_po(tmp_path, (LATIN1_HEADER + 'msgid "a"\nmsgstr "é"\n').encode("latin-1"), "l.po"))
    utf8 = read_catalog(_po(tmp_path, UTF8_HEADER + 'msgid "a"\nmsgstr "رپورٹر"\n', "u.po"))
    latin_bytes, utf8_bytes, latin_again = format_catalogs([latin, utf8, latin])
    assert latin_bytes == latin_again == _msgcat(tmp_path / "l.po")
    assert utf8_bytes == _msgcat(tmp_path / "u.po") and "رپورٹر".encode() in utf8_bytes


def test_text_the_declared_charset_cannot_hold_is_a_clean_error(tmp_path: Path) -> None:
    po = read_catalog(_po(tmp_path, (LATIN1_HEADER + 'msgid "a"\nmsgstr ""\n').encode("latin-1")))
    po[0].msgstr = "رپورٹر"
    with pytest.raises(CatalogError, match="cannot be written in ISO-8859-1") as caught:
        format_catalogs([po])
    assert "msgconv" in str(caught.value)


@pytest.mark.parametrize("command", [["status"], ["extract"], ["review"], ["render", "--drafts"]])
def test_mislabelled_charset_is_refused_by_every_command(
    run_cli: Callable[..., CliResult], sample_project: Path, command: list[str]
) -> None:
    """UTF-8 bytes under ``charset=ISO-8859-1`` would come back double-encoded: refused at its line."""
    path = sample_project / "translations" / "ur" / f"{SLUG}.po"
    text = path.read_text("utf-8").replace("charset=UTF-8", "charset=ISO-8859-1")
    path.write_text(text, "utf-8")
    line = text[: text.index("charset=")].count("\n") + 1
    result = run_cli("--project", sample_project, *command)
    assert result.code == 1, result.err
    assert (
        f"{SLUG}.po:{line}: the header declares charset=ISO-8859-1, but the file's bytes are UTF-8"
        in result.err
    )
    assert "msgconv" in result.err and "Traceback" not in result.err
    assert path.read_text("utf-8") == text


HEADER_COMMENTS = (
    "#\n# Translators:\n# Ayesha Khan <ayesha@example.org>, 2024\n#\n# , fuzzy\n"
    'msgid ""\nmsgstr ""\n"Project-Id-Version: Story\\n"\n"X-Generator: Lokalize 22.12\\n"\n'
    '"Language: ur\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n"X-Custom: kept\\n"\n\n'
    '#.\n#. paragraph\n#.\n#. glossary: Quetta = کوئٹہ\nmsgid "Quetta"\nmsgstr "کوئٹہ"\n\n'
    '#\n# checked\n#\n# with the desk\nmsgid "Mach"\nmsgstr "مچھ"\n'
)


def test_header_comments_fields_and_empty_comment_lines_are_kept(tmp_path: Path) -> None:
    """``# , fuzzy`` is a comment, not a flag; Transifex's leading ``#``; empty ``#.`` lines."""
    path = _po(tmp_path, HEADER_COMMENTS)
    po = read_catalog(path)
    assert not po.metadata_is_fuzzy and po.header.endswith("\n, fuzzy")
    assert list(po.metadata) == ["Project-Id-Version", "X-Generator", "Language", "Content-Type", "X-Custom"]
    target = tmp_path / "out.po"
    write_catalog(target, po)
    assert target.read_bytes() == _msgcat(path) == path.read_bytes()
    assert write_catalog(target, read_catalog(target)) is False  # unchanged: not rewritten


# --------------------------------------------------------------------------- lexical errors


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('# note\x00 hidden\nmsgid "a"\nmsgstr "b"\n', "NUL byte"),
        ('msgid "a"\nmsgstr "b\x00c"\n', "NUL byte"),
        ('msgid "a"\nmsgstr "b\\qc"\n', "invalid control sequence \\\\q"),
        ('msgid "a"\nmsgstr ""\n"x\\a"\n', "escape \\\\a is not supported"),
    ],
    ids=["nul-comment", "nul-msgstr", "invalid-escape", "bell-escape"],
)
def test_nul_bytes_and_escapes_are_errors_at_their_line(tmp_path: Path, body: str, message: str) -> None:
    path = _po(tmp_path, UTF8_HEADER + body)
    lines = (UTF8_HEADER + body).split("\n")
    bad = next(n for n, line in enumerate(lines, 1) if any(mark in line for mark in ("\x00", "\\q", "\\a")))
    with pytest.raises(CatalogError, match=message) as caught:
        read_catalog(path)
    assert caught.value.line == bad


def test_a_valid_backslash_escape_round_trips(tmp_path: Path) -> None:
    path = _po(tmp_path, UTF8_HEADER + 'msgid "a\\\\q"\nmsgstr "b\\\\q"\n')
    assert read_catalog(path)[0].msgid == "a\\q"
    target = tmp_path / "out.po"
    write_catalog(target, read_catalog(path))
    assert target.read_bytes() == path.read_bytes() == _msgcat(path)


def test_obsolete_entry_duplicating_a_live_one_is_a_clean_error(
    run_cli: Callable[..., CliResult], sample_project: Path
) -> None:
    path = sample_project / "translations" / "ur" / f"{SLUG}.po"
    po = read_catalog(path)
    live = next(e for e in po if e.msgid and not e.obsolete)
    context = f'#~ msgctxt "{polib.escape(live.msgctxt)}"\n' if live.msgctxt is not None else ""
    text = path.read_text("utf-8") + f'\n{context}#~ msgid "{polib.escape(live.msgid)}"\n#~ msgstr "x"\n'
    path.write_text(text, "utf-8")
    result = run_cli("--project", sample_project, "extract")
    assert result.code == 1 and "Traceback" not in result.err and "bug in pressroom" not in result.err
    assert "duplicate message definition (an obsolete entry repeats a live one)" in result.err
    assert "delete the obsolete (#~) one at line" in result.err
    assert path.read_text("utf-8") == text


# --------------------------------------------------------------------------- what survives extract


def _article(root: Path, paragraphs: list[str]) -> None:
    path = root / "source" / "a.md"
    body = "\n\n".join(paragraphs)
    front = "---\ntitle: T\nauthor: A\ndate: 2021-01-12\nslug: a\nlanguage: en\n---\n\n"
    path.write_text(front + body + "\n", "utf-8")


def _editor_saved(po_path: Path) -> bytes:
    """``po_path`` as Poedit 3.2 saves it: its header order, comments and fields (wrapped as msgcat wraps)."""
    text = po_path.read_text("utf-8")
    header, rest = text.split("\n\n", 1)
    fields = [line for line in header.split("\n") if line.startswith('"')]
    language = next(line for line in fields if line.startswith('"Language:'))
    fields = [line for line in fields if not line.startswith(('"Language:', '"X-Generator:'))]
    fields += [
        '"X-Generator: Poedit 3.2\\n"',
        language,
        '"X-Poedit-Basepath: ../..\\n"',
        '"X-Poedit-SourceCharset: UTF-8\\n"',
    ]
    comments = "# Urdu translation of the story.\n# Translators:\n# Ayesha Khan <ayesha@example.org>, 2024.\n"
    comments += "#\n# , fuzzy\n"
    edited = comments + 'msgid ""\nmsgstr ""\n' + "\n".join(fields) + "\n\n" + rest
    po_path.write_text(edited, "utf-8")
    po_path.write_bytes(_msgcat(po_path))
    return po_path.read_bytes()


def test_editor_saved_catalog_survives_extract_byte_identical(empty_project: Path) -> None:
    _article(empty_project, ["First paragraph.", "Second paragraph."])
    (empty_project / "workflow.toml").write_text('[project]\nname = "T"\ntargets = ["ur"]\n', "utf-8")
    project = load_project(empty_project)
    extract(project)
    po_path = project.po_path("ur", "a")
    saved = _editor_saved(po_path)
    mtime = po_path.stat().st_mtime_ns
    report = extract(project, force=True)
    assert po_path.read_bytes() == saved and po_path.stat().st_mtime_ns == mtime
    assert not any(change.written for change in report.changes if change.lang == "ur")

    _article(empty_project, ["First paragraph.", "Second paragraph.", "Third paragraph."])
    extract(project)
    after = po_path.read_text("utf-8")
    assert after.startswith("# Urdu translation of the story.\n# Translators:\n")
    assert "# , fuzzy\n" in after and '#, fuzzy\nmsgid ""' not in after
    assert '"X-Generator: Poedit 3.2\\n"\n"Language: ur\\n"\n"X-Poedit-Basepath: ../..\\n"' in after
    assert "Third paragraph." in after and read_catalog(po_path).metadata["PO-Revision-Date"] != ""
    gnu_check(po_path)


def test_plural_entries_and_headerless_first_comment_survive_extract(empty_project: Path) -> None:
    _article(empty_project, ["First paragraph."])
    (empty_project / "workflow.toml").write_text('[project]\nname = "T"\ntargets = ["ur"]\n', "utf-8")
    project = load_project(empty_project)
    po_path = project.po_path("ur", "a")
    po_path.parent.mkdir(parents=True)
    po_path.write_text(
        "# the desk checked this\n"
        'msgid "First paragraph."\nmsgstr "پہلا پیراگراف"\n\n'
        'msgid "one miner"\nmsgid_plural "%d miners"\nmsgstr[0] "ایک کان کن"\nmsgstr[1] "%d کان کن"\n',
        "utf-8",
    )
    assert read_catalog(po_path)[0].tcomment == "the desk checked this" and not read_catalog(po_path).header
    extract(project)
    po = read_catalog(po_path)
    assert po.find("First paragraph.").tcomment == "the desk checked this"
    plural = next(e for e in po if e.msgid == "one miner")
    assert plural.msgstr_plural == {0: "ایک کان کن", 1: "%d کان کن"} and plural.msgid_plural == "%d miners"
    gnu_check(po_path)


# --------------------------------------------------------------------------- site catalogs


def test_site_catalogs_never_overwrite_a_save_made_while_they_were_merged(
    sample_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = load_project(sample_project)
    update_site_catalogs(project)
    po_path = project.po_path("ur", "site")
    original = catalog_io.format_catalogs
    saves: list[Path] = []

    def translator_saves_meanwhile(catalogs: list[polib.POFile]) -> list[bytes]:
        if not saves:  # after the site catalogs were read, before they are written
            saves.append(po_path)
            po = read_catalog(po_path)
            po[0].msgstr = "انگریزی سے ترجمہ"
            write_catalog(po_path, po)
        return original(catalogs)

    monkeypatch.setattr(catalog_io, "format_catalogs", translator_saves_meanwhile)
    update_site_catalogs(project)
    assert saves and read_catalog(po_path)[0].msgstr == "انگریزی سے ترجمہ"
    for path in (project.pot_path("site"), po_path):
        gnu_check(path)
