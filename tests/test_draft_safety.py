"""What ``translate`` must never do: damage bytes it read, die on a long sentence, stop at one failure.

All runs use the tiny copying Argos package (tests/tiny_argos.py): a draft equals its
source, so every assertion is exact. Every catalog written must pass ``msgfmt -c``.
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path

import polib
import pytest
from conftest import CliResult
from tiny_argos import build_copy_package, cached_build, make_project, news_sentences, po_text

from pressroom.catalog import is_machine_draft, mark_draft, read_catalog
from pressroom.catalog.guard import Draft, apply_drafts
from pressroom.draft import Decoder, Unit, cut_sentence, draft_missing
from pressroom.models import MODELS_DIR_ENV
from pressroom.project import load_project

EPOCH = "1700000000"


def _install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., CliResult], archive: Path
) -> Path:
    folder = tmp_path / "models"
    monkeypatch.setenv(MODELS_DIR_ENV, str(folder))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    setup = make_project(tmp_path / "setup", targets=["ur"])
    result = run_cli("--project", setup, "models", "install", archive)
    assert result.code == 0, result.err
    return folder


@pytest.fixture
def installed(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    run_cli: Callable[..., CliResult],
    tmp_path_factory: pytest.TempPathFactory,
) -> Path:
    """The tiny package (260 positions) installed in a fresh models folder."""
    archive = cached_build(tmp_path_factory.getbasetemp() / "tiny-argos", "copy-ur", build_copy_package)
    return _install(tmp_path, monkeypatch, run_cli, archive)


@pytest.fixture
def short_model(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    run_cli: Callable[..., CliResult],
    tmp_path_factory: pytest.TempPathFactory,
) -> Path:
    """A tiny package whose model has only 96 positions (a sentence is 100-140 tokens)."""
    archive = cached_build(
        tmp_path_factory.getbasetemp() / "tiny-argos-96",
        "copy-ur-96",
        functools.partial(build_copy_package, max_positions=96),
    )
    return _install(tmp_path, monkeypatch, run_cli, archive)


def msgfmt_check(path: Path) -> None:
    result = subprocess.run(["msgfmt", "-c", "-o", os.devnull, str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def write_po(project: Path, body: str, *, header: str | None = None, slug: str = "story") -> Path:
    path = project / "translations" / "ur" / f"{slug}.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = po_text("ur", body) if header is None else header + body
    path.write_bytes(text.encode("utf-8"))
    return path


# --------------------------------------------------------------------------- bytes in, same bytes out


LATIN1_HEADER = (
    'msgid ""\nmsgstr ""\n"Language: ur\\n"\n"MIME-Version: 1.0\\n"\n'
    '"Content-Type: text/plain; charset=ISO-8859-1\\n"\n"Content-Transfer-Encoding: 8bit\\n"\n\n'
)


def test_mislabelled_charset_is_refused_at_its_header_line(
    run_cli: Callable[..., CliResult], tmp_path: Path, installed: Path
) -> None:
    project = make_project(tmp_path / "p", targets=["ur"])
    body = 'msgid "The reporter said so."\nmsgstr "رپورٹر نے کہا"\n\nmsgid "Officials agreed."\nmsgstr ""\n'
    path = write_po(project, body, header=LATIN1_HEADER)
    before = path.read_bytes()
    result = run_cli("--project", project, "translate")
    assert result.code == 1
    assert (
        "translations/ur/story.po:5: the header declares charset=ISO-8859-1, but the file's bytes are UTF-8"
        in (result.err)
    )
    assert "charset=UTF-8" in result.err and "msgconv" in result.err and "Traceback" not in result.err
    assert path.read_bytes() == before


def test_ascii_catalog_declaring_latin1_gets_utf8_drafts_undamaged(
    run_cli: Callable[..., CliResult], tmp_path: Path, installed: Path
) -> None:
    project = make_project(tmp_path / "p", targets=["ur"], glossary=(
        "english,acronym,kind,case_sensitive,ur,fa,si,note\nKarachi,,place,no,کراچی,کراچی,කරච්චිය,\n"
    ))  # fmt: skip
    body = 'msgid "Officials in Karachi agreed."\nmsgstr ""\n\nmsgid "Done."\nmsgstr "Ho gaya."\n'
    path = write_po(project, body, header=LATIN1_HEADER)
    assert run_cli("--project", project, "translate").code == 0
    text = path.read_text("utf-8")
    assert "charset=UTF-8" in text and "ISO-8859-1" not in text
    po = read_catalog(path)
    assert po.find("Officials in Karachi agreed.").msgstr.startswith("کراچی")  # not mojibake
    assert po.find("Done.").msgstr == "Ho gaya."
    msgfmt_check(path)


def test_nul_byte_is_an_error_naming_its_line(
    run_cli: Callable[..., CliResult], tmp_path: Path, installed: Path
) -> None:
    project = make_project(tmp_path / "p", targets=["ur"])
    path = write_po(project, '# note\x00 hidden\nmsgid "Officials agreed."\nmsgstr ""\n')
    before = path.read_bytes()
    result = run_cli("--project", project, "translate")
    assert result.code == 1
    line = before[: before.index(b"\0")].count(b"\n") + 1
    assert f"translations/ur/story.po:{line}: NUL byte in the catalog" in result.err
    assert path.read_bytes() == before


def test_plural_entries_survive(run_cli: Callable[..., CliResult], tmp_path: Path, installed: Path) -> None:
    project = make_project(tmp_path / "p", targets=["ur"])
    header = po_text("ur", "").rstrip("\n") + '\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
    body = (
        'msgid "Officials agreed."\nmsgstr ""\n\n'
        'msgid "one article"\nmsgid_plural "%d articles"\nmsgstr[0] "ایک مضمون"\nmsgstr[1] "%d مضامین"\n\n'
        'msgid "one reporter"\nmsgid_plural "%d reporters"\nmsgstr[0] ""\nmsgstr[1] ""\n'
    )
    path = write_po(project, body, header=header)
    msgfmt_check(path)
    result = run_cli("--project", project, "translate")
    assert result.code == 0, result.err
    assert "1 plural entries are not drafted" in result.err
    po = read_catalog(path)
    assert po.find("Officials agreed.").msgstr == "Officials agreed."
    assert po.find("one article").msgstr_plural == {0: "ایک مضمون", 1: "%d مضامین"}
    assert po.find("one reporter").msgstr_plural == {0: "", 1: ""}
    msgfmt_check(path)


def test_headerless_catalog_keeps_its_first_comment_on_the_entry(
    run_cli: Callable[..., CliResult], tmp_path: Path, installed: Path
) -> None:
    project = make_project(tmp_path / "p", targets=["ur"])
    body = '# the desk wants this checked\nmsgid "Officials agreed."\nmsgstr ""\n\nmsgid "Done."\nmsgstr ""\n'
    path = write_po(project, body, header="")
    result = run_cli("--project", project, "translate")
    assert result.code == 0, result.err
    po = read_catalog(path)
    first = po.find("Officials agreed.")
    assert first.msgstr == "Officials agreed." and is_machine_draft(first)
    assert first.tcomment.splitlines()[0] == "the desk wants this checked"
    assert not po.header
    msgfmt_check(path)


# --------------------------------------------------------------------------- merge rules


def _draft(msgid: str, msgstr: str, *, refresh: bool = False, msgctxt: str | None = None) -> Draft:
    mark = functools.partial(mark_draft, engine="argos", package="p", version="1", date="2023-11-14")
    return Draft(msgctxt=msgctxt, msgid=msgid, msgstr=msgstr, mark=mark, refresh=refresh)


def test_drafts_land_only_where_the_disk_entry_still_takes_them() -> None:
    po = polib.pofile(
        po_text(
            "ur",
            '# ask the desk\nmsgid "empty with a comment"\nmsgstr ""\n\n'
            'msgid "human"\nmsgstr "انسانی"\n\n'
            '#, fuzzy\nmsgid "fuzzy human"\nmsgstr "مبہم"\n\n'
            'msgctxt "caption"\nmsgid "same text"\nmsgstr ""\n\n'
            'msgid "same text"\nmsgstr "ترجمہ"\n\n'
            '#~ msgid "obsolete"\n#~ msgstr ""\n',
        )
    )
    untouched = po.find("same text", msgctxt="caption")
    draft_entry = polib.POEntry(msgid="old draft", msgstr="draft")
    mark_draft(draft_entry, engine="argos", package="p", version="1", date="2023-11-01")
    po.append(draft_entry)
    edited = polib.POEntry(msgid="edited draft", msgstr="draft")
    mark_draft(edited, engine="argos", package="p", version="1", date="2023-11-01")
    edited.msgstr = "edited by a translator"
    po.append(edited)
    drafts = [
        _draft("empty with a comment", "A"),
        _draft("human", "B"),
        _draft("fuzzy human", "C", refresh=True),
        _draft("same text", "D", msgctxt="caption"),
        _draft("same text", "E"),
        _draft("obsolete", "F"),
        _draft("removed by extract", "G"),
        _draft("old draft", "H", refresh=True),
        _draft("edited draft", "I", refresh=True),
    ]
    assert apply_drafts(po, drafts) == 3
    assert po.find("empty with a comment").msgstr == "A"
    assert po.find("empty with a comment").tcomment.startswith("ask the desk\nmachine-draft:")
    assert po.find("human").msgstr == "انسانی"
    assert po.find("fuzzy human").msgstr == "مبہم"
    assert untouched.msgstr == "D" and po.find("same text").msgstr == "ترجمہ"
    assert po.find("old draft").msgstr == "H"
    assert po.find("edited draft").msgstr == "edited by a translator"
    assert po.find("removed by extract") is None


# --------------------------------------------------------------------------- long segments


def _words(count: int) -> str:
    """A paragraph of about ``count`` words: news sentences, then one run-on sentence."""
    sentences = news_sentences(count // 25, seed=11)
    clauses = [s.rstrip(".").replace(",", "") for s in news_sentences(20, seed=12)]
    run_on = ", and ".join(clauses) + "."
    text = " ".join([*sentences[: len(sentences) // 2], run_on, *sentences[len(sentences) // 2 :]])
    return text


def test_a_2000_word_paragraph_drafts_on_a_model_with_few_positions(
    run_cli: Callable[..., CliResult], tmp_path: Path, short_model: Path
) -> None:
    paragraph = _words(1600)
    assert len(paragraph.split()) >= 2000
    project = make_project(tmp_path / "p", targets=["ur"])
    path = write_po(project, f'msgid "{paragraph}"\nmsgstr ""\n\nmsgid "Officials agreed."\nmsgstr ""\n')
    result = run_cli("--project", project, "translate", "--beam-size", "1")
    assert result.code == 0, result.err
    assert "drafted 2 entries" in result.out and "No position encodings" not in result.err
    assert "1 drafts hold a sentence too long for the model" in result.err
    po = read_catalog(path)
    long_entry = po.find(paragraph)
    assert long_entry.msgstr == paragraph  # the copy model: the pieces join back exactly
    assert is_machine_draft(long_entry)
    assert (
        "machine-draft-note: length: a sentence too long for the model was cut into pieces translated "
        "separately; check the joins" in long_entry.tcomment.splitlines()
    )
    short = po.find("Officials agreed.")
    assert short.msgstr == "Officials agreed." and "length:" not in short.tcomment
    msgfmt_check(path)


def test_a_limit_the_model_file_does_not_show_is_learned_from_the_error(
    tmp_path: Path, short_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("pressroom.draft.decoder.model_position_limit", lambda model_dir: None)
    project = make_project(tmp_path / "p", targets=["ur"], config="[translate]\nbeam_size = 1\n")
    sentences = news_sentences(6, seed=3)
    body = "\n".join(f'msgid "{s}"\nmsgstr ""\n' for s in sentences)
    path = write_po(project, body)
    report = draft_missing(load_project(project))
    assert report.drafted == 6 and not report.failed, report.failed
    assert report.cut > 0
    assert [e.msgstr for e in read_catalog(path) if e.msgid] == sentences
    msgfmt_check(path)


def test_cut_sentence_prefers_clause_ends_and_never_splits_a_placeholder() -> None:
    text = "alpha beta gamma, delta epsilon zeta eta theta iota kappa, lambda ⟦0⟧mu⟦1⟧ nu"

    def count(piece: str) -> int:
        return len(piece.split())

    parts = cut_sentence(Unit(text, prefix="P"), 5, count)
    assert "".join(p.text if isinstance(p, Unit) else p for p in parts) == text
    units = [p for p in parts if isinstance(p, Unit)]
    assert all(count(u.text) <= 5 for u in units)
    assert units[0].text == "alpha beta gamma," and units[0].prefix == "P"
    assert all(u.prefix == "" for u in units[1:])
    long_word = cut_sentence(Unit("x⟦12⟧" * 10), 3, len)
    assert "".join(p.text if isinstance(p, Unit) else p for p in long_word) == "x⟦12⟧" * 10
    assert all(re.fullmatch(r"(x|⟦12⟧)+", p.text) for p in long_word if isinstance(p, Unit))


def test_a_decoder_error_marks_its_entry_and_the_run_goes_on(
    run_cli: Callable[..., CliResult], tmp_path: Path, installed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = Decoder.translate

    def flaky(self: Decoder, units: Sequence[Unit], tokens: Sequence[list[str]]) -> list[tuple[str, bool]]:
        if any("Poisoned" in unit.text for unit in units):
            raise RuntimeError("simulated decoder failure")
        return original(self, units, tokens)

    monkeypatch.setattr(Decoder, "translate", flaky)
    project = make_project(tmp_path / "p", targets=["ur"])
    body = (
        'msgid "Officials agreed."\nmsgstr ""\n\n'
        'msgid "Poisoned sentence here. And a fine one."\nmsgstr ""\n\n'
        'msgid "The court said so."\nmsgstr ""\n'
    )
    path = write_po(project, body)
    result = run_cli("--project", project, "translate")
    assert result.code == 0, result.err
    assert "drafted 2 entries" in result.out
    assert "translations/ur/story.po:" in result.err and "not drafted, the model failed" in result.err
    po = read_catalog(path)
    failed = po.find("Poisoned sentence here. And a fine one.")
    assert failed.msgstr == "" and "fuzzy" not in failed.flags
    assert "machine-draft-note: not drafted: the model failed on this text (simulated decoder failure)" in (
        failed.tcomment
    )
    assert po.find("Officials agreed.").msgstr == "Officials agreed."
    assert po.find("The court said so.").msgstr == "The court said so."
    msgfmt_check(path)

    monkeypatch.setattr(Decoder, "translate", original)
    again = run_cli("--project", project, "translate")
    assert again.code == 0 and "drafted 1 entries" in again.out
    redrafted = read_catalog(path).find("Poisoned sentence here. And a fine one.")
    assert (
        redrafted.msgstr == "Poisoned sentence here. And a fine one."
        and "not drafted" not in redrafted.tcomment
    )
