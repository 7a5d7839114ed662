"""Machine drafts end to end with a real (tiny, copying) Argos package.

The package's model copies its input, so every draft is exactly the English source
(or what the glossary repair forced into it): assertions are exact. Every catalog the
run writes must pass ``msgfmt -c``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polib
import pytest
from conftest import REPO, CliResult
from tiny_argos import build_copy_package, cached_build, make_project, write_catalog_text

from pressroom.catalog import is_machine_draft, read_catalog
from pressroom.draft import DraftReport, draft_missing, mask_markup, split_simple, unmask_markup
from pressroom.models import MODELS_DIR_ENV
from pressroom.project import load_project

EPOCH = "1700000000"  # 2023-11-14
GLOSSARY = (
    "english,acronym,kind,case_sensitive,ur,fa,si,note\n"
    "Karachi,,place,no,کراچی,کراچی,කරච්චිය,\n"
    "Lahore,,place,no,لاہور,لاهور,ලාහෝර්,\n"
)


@pytest.fixture(scope="session")
def copy_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return cached_build(tmp_path_factory.getbasetemp() / "tiny-argos", "copy-ur", build_copy_package)


@pytest.fixture
def installed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, copy_package: Path, run_cli: Callable[..., CliResult]
) -> Path:
    """A models folder with the copy package installed through ``models install``."""
    folder = tmp_path / "models"
    monkeypatch.setenv(MODELS_DIR_ENV, str(folder))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    result = run_cli(
        "--project", make_project(tmp_path / "setup", targets=["ur"]), "models", "install", copy_package
    )
    assert result.code == 0, result.err
    return folder


def msgfmt_check(path: Path) -> None:
    result = subprocess.run(["msgfmt", "-c", "-o", os.devnull, str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def entries(path: Path) -> dict[str, polib.POEntry]:
    return {entry.msgid: entry for entry in read_catalog(path) if entry.msgid}


STORY = """
#. paragraph
msgid "The prime minister said on Tuesday that fuel prices would rise. Officials said!"
msgstr ""

#. paragraph
msgctxt "caption"
msgid "Flood relief agencies confirmed on Friday that exports had fallen."
msgstr ""

msgid "Health authorities in Colombo warned late on Sunday."
msgstr "ہیلتھ حکام نے خبردار کیا۔"

#, fuzzy
msgid "The Supreme Court said so."
msgstr "سپریم کورٹ نے کہا"

#~ msgid "An old sentence."
#~ msgstr "پرانا جملہ"
"""


def test_drafts_only_empty_entries_with_provenance(
    run_cli: Callable[..., CliResult], tmp_path: Path, installed: Path
) -> None:
    project = make_project(tmp_path / "p", targets=["ur"])
    path = write_catalog_text(project, "ur", "story", STORY)
    result = run_cli("--project", project, "translate")
    assert result.code == 0, result.err
    assert "drafted 2 entries" in result.out
    msgfmt_check(path)
    found = entries(path)
    for msgid in (
        "The prime minister said on Tuesday that fuel prices would rise. Officials said!",
        "Flood relief agencies confirmed on Friday that exports had fallen.",
    ):
        entry = found[msgid]
        assert entry.msgstr == msgid  # the copy model: exact
        assert "fuzzy" in entry.flags
        assert is_machine_draft(entry)
        assert entry.tcomment.startswith(
            "machine-draft: engine=argos package=translate-en_ur-1_0 version=1.0 date=2023-11-14 sha="
        )
    assert found["Flood relief agencies confirmed on Friday that exports had fallen."].msgctxt == "caption"
    # Human work, reviewed or fuzzy, and obsolete entries are untouched.
    assert found["Health authorities in Colombo warned late on Sunday."].msgstr == "ہیلتھ حکام نے خبردار کیا۔"
    assert found["The Supreme Court said so."].msgstr == "سپریم کورٹ نے کہا"
    assert not found["The Supreme Court said so."].tcomment
    obsolete = [e for e in read_catalog(path) if e.obsolete]
    assert [(e.msgid, e.msgstr) for e in obsolete] == [("An old sentence.", "پرانا جملہ")]

    # A second run has nothing to do and rewrites nothing.
    before = path.read_bytes()
    again = run_cli("--project", project, "translate")
    assert again.code == 0 and "drafted 0 entries" in again.out
    assert path.read_bytes() == before


def test_refresh_drafts_redrafts_only_untouched_machine_drafts(
    run_cli: Callable[..., CliResult], tmp_path: Path, installed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_project(tmp_path / "p", targets=["ur"])
    path = write_catalog_text(project, "ur", "story", STORY)
    assert run_cli("--project", project, "translate").code == 0
    po = read_catalog(path)
    edited = po.find("The prime minister said on Tuesday that fuel prices would rise. Officials said!")
    edited.msgstr = "وزیر اعظم نے کہا"  # a translator edits the draft but leaves it fuzzy
    po.save(str(path))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(EPOCH) + 86400 * 10))
    result = run_cli("--project", project, "translate", "--refresh-drafts")
    assert result.code == 0, result.err
    assert "drafted 1 entries" in result.out
    found = entries(path)
    kept = found["The prime minister said on Tuesday that fuel prices would rise. Officials said!"]
    assert kept.msgstr == "وزیر اعظم نے کہا" and "date=2023-11-14" in kept.tcomment
    redrafted = found["Flood relief agencies confirmed on Friday that exports had fallen."]
    assert "date=2023-11-24" in redrafted.tcomment and is_machine_draft(redrafted)
    msgfmt_check(path)


MARKUP = (
    'Police in **Tehran** confirmed [the talks](https://example.org/a_b?x=1 "Talks") had made '
    "*real* progress, see `fuel_index()` and <https://news.example/x_y>. Officials in "
    "[Karachi][1] agreed!"
)


def test_markup_round_trip_and_urls_never_reach_the_model(
    run_cli: Callable[..., CliResult], tmp_path: Path, installed: Path
) -> None:
    masked = mask_markup(MARKUP)
    for secret in ("https://example.org/a_b?x=1", "fuel_index()", "https://news.example/x_y", "**", "]("):
        assert secret not in masked.text
    assert "Tehran" in masked.text and "the talks" in masked.text  # translated in context
    project = make_project(tmp_path / "p", targets=["ur"])
    escaped = MARKUP.replace('"', '\\"')
    path = write_catalog_text(project, "ur", "story", f'msgid "{escaped}"\nmsgstr ""\n')
    assert run_cli("--project", project, "translate").code == 0
    entry = entries(path)[MARKUP]
    assert entry.msgstr == MARKUP
    assert "markup" not in entry.tcomment
    msgfmt_check(path)


def test_unmask_tolerates_model_habits_and_refuses_broken_structure() -> None:
    masked = mask_markup("The **prime minister** said [fuel](https://x.org/p_q) prices rise.")
    assert masked.text == "The ⟦0⟧prime minister⟦1⟧ said ⟦2⟧fuel⟦3⟧ prices rise."
    # Reordered spans, spaces inside placeholders and around spans, Persian digits.
    restored = unmask_markup("⟦ 2 ⟧ بنزین ⟦۳⟧ قیمت ⟦0⟧ نخست وزیر ⟦1⟧ گفت.", masked)
    assert restored == "[بنزین](https://x.org/p_q) قیمت **نخست وزیر** گفت."
    assert unmask_markup("⟦2⟧ بنزین قیمت ⟦0⟧ نخست وزیر ⟦1⟧ گفت.", masked) is None  # lost one
    assert unmask_markup("⟦3⟧ بنزین ⟦2⟧ ⟦0⟧ نخست ⟦1⟧.", masked) is None  # close before open
    assert unmask_markup("⟦0⟧a⟦1⟧ ⟦2⟧b⟦3⟧ ⟦3⟧", masked) is None  # duplicated


def test_simple_splitter() -> None:
    assert split_simple('Mr. Khan said 3.5 percent. Then "Hello." He left! ok') == [
        "Mr. Khan said 3.5 percent.",
        'Then "Hello."',
        "He left! ok",
    ]


def test_glossary_enforced_by_prefix_then_substitution(
    run_cli: Callable[..., CliResult], tmp_path: Path, installed: Path
) -> None:
    project = make_project(tmp_path / "p", targets=["ur"], glossary=GLOSSARY)
    source = "Officials in Karachi said on Tuesday that fuel prices in Lahore would rise."
    path = write_catalog_text(project, "ur", "story", f'msgid "{source}"\nmsgstr ""\n')
    result = run_cli("--project", project, "translate")
    assert result.code == 0, result.err
    assert "glossary: 2 enforced, 0 not enforceable" in result.out
    entry = entries(path)[source]
    # The copy model writes English; the repair decoded the sentence again with
    # کراچی forced as the start of the target, and substituted لاہور afterwards.
    assert entry.msgstr.startswith("کراچی")
    assert "لاہور" in entry.msgstr and "Lahore" not in entry.msgstr
    notes = entry.tcomment.splitlines()
    assert "machine-draft-note: glossary: enforced Karachi = کراچی (target prefix)" in notes
    assert "machine-draft-note: glossary: enforced Lahore = لاہور (substituted)" in notes
    assert is_machine_draft(entry)
    msgfmt_check(path)


def test_memory_reuses_human_translations_only(
    run_cli: Callable[..., CliResult], tmp_path: Path, installed: Path
) -> None:
    project = make_project(tmp_path / "p", targets=["ur"])
    write_catalog_text(project, "ur", "archive", 'msgid "Shared boilerplate line."\nmsgstr "مشترکہ سطر"\n')
    write_catalog_text(
        project, "ur", "drafty", '#, fuzzy\nmsgid "Only a fuzzy guess exists."\nmsgstr "اندازہ"\n'
    )
    path = write_catalog_text(
        project,
        "ur",
        "story",
        'msgid "Shared boilerplate line."\nmsgstr ""\n\nmsgid "Only a fuzzy guess exists."\nmsgstr ""\n',
    )
    dry = run_cli("--project", project, "translate", "--dry-run", "story")
    assert dry.code == 0
    assert "memory match from archive: Shared boilerplate line." in dry.out
    assert "would draft 1 entries and reuse 1 from memory" in dry.out
    result = run_cli("--project", project, "translate", "story")
    assert result.code == 0 and "drafted 1 entries, 1 from memory" in result.out
    found = entries(path)
    reused = found["Shared boilerplate line."]
    assert reused.msgstr == "مشترکہ سطر" and "fuzzy" in reused.flags
    assert reused.tcomment == "memory-match: archive"
    assert (
        found["Only a fuzzy guess exists."].msgstr == "Only a fuzzy guess exists."
    )  # machine, not the guess
    msgfmt_check(path)


def test_cache_makes_reruns_and_boilerplate_free(tmp_path: Path, installed: Path) -> None:
    root = make_project(tmp_path / "p", targets=["ur"])
    body = STORY.split('msgid "Health')[0]
    write_catalog_text(root, "ur", "one", body)
    first = draft_missing(load_project(root))
    assert first.drafted == 2 and first.decoded == 3 and first.cached == 0
    assert (root / ".cache" / "pressroom" / "drafts.sqlite").is_file()
    # Another article repeating the same boilerplate, and a refresh of the first: no decoding.
    write_catalog_text(root, "ur", "two", body)
    second = draft_missing(load_project(root), refresh_drafts=True)
    assert second.drafted == 4 and second.decoded == 0 and second.cached == 3
    assert second.batches == 0


def test_dry_run_changes_nothing(run_cli: Callable[..., CliResult], tmp_path: Path, installed: Path) -> None:
    project = make_project(tmp_path / "p", targets=["ur"])
    path = write_catalog_text(project, "ur", "story", STORY)
    before = path.read_bytes()
    result = run_cli("--project", project, "translate", "--dry-run")
    assert result.code == 0
    assert "translations/ur/story.po:" in result.out and "would draft 2 entries" in result.out
    assert path.read_bytes() == before
    assert not (project / ".cache").exists()


def test_missing_model_names_the_fixing_command(
    run_cli: Callable[..., CliResult], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(MODELS_DIR_ENV, str(tmp_path / "empty-models"))
    project = make_project(tmp_path / "p", targets=["ur", "si"])
    path = write_catalog_text(project, "ur", "story", STORY)
    write_catalog_text(project, "si", "story", 'msgid "Hello there."\nmsgstr ""\n')
    before = path.read_bytes()
    result = run_cli("--project", project, "translate", "--lang", "ur")
    assert result.code == 1
    assert "no usable argos package for en->ur" in result.err
    assert "hint: run: workflow.py models install translate-en_ur" in result.err
    assert "Traceback" not in result.err
    assert path.read_bytes() == before
    sinhala = run_cli("--project", project, "translate", "--lang", "si")
    assert sinhala.code == 1 and "workflow.py models package-nllb DIR --lang si" in sinhala.err


KILLER = """
import os, signal, sys
from pressroom.draft import draft_missing
from pressroom.project import load_project

def progress(step):
    if step.sentences_done >= int(sys.argv[2]):
        os.kill(os.getpid(), signal.SIGKILL)

draft_missing(load_project(sys.argv[1]), progress=progress)
"""


def test_resume_after_kill_loses_at_most_the_batch_in_flight(
    run_cli: Callable[..., CliResult], tmp_path: Path, installed: Path
) -> None:
    from tiny_argos import news_sentences

    project = make_project(tmp_path / "p", targets=["ur"], config="[translate]\nmax_batch_tokens = 400\n")
    sentences = news_sentences(60, seed=5)
    paths = []
    for number in range(3):
        # Two sentences an entry: length-sorted batches leave entries half decoded.
        body = "\n".join(
            f'msgid "{sentences[2 * k]} {sentences[2 * k + 1][:-1]} ({number}-{k})."\nmsgstr ""\n'
            for k in range(number * 10, number * 10 + 10)
        )
        paths.append(write_catalog_text(project, "ur", f"story-{number}", body))
    killed = subprocess.run(
        [sys.executable, "-c", KILLER, str(project), "20"],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    drafted_before = 0
    for path in paths:
        msgfmt_check(path)  # every file is whole after kill -9
        drafted_before += sum(1 for e in read_catalog(path) if e.msgid and e.msgstr)
    assert 0 < drafted_before < 30

    report: DraftReport = draft_missing(load_project(project))
    assert report.drafted == 30 - drafted_before
    assert report.cached > 0  # sentences decoded before the kill are not decoded again
    for path in paths:
        msgfmt_check(path)
        assert all(e.msgstr == e.msgid and is_machine_draft(e) for e in read_catalog(path) if e.msgid)


def test_lost_markup_falls_back_to_runs_and_flags_the_draft(
    run_cli: Callable[..., CliResult], tmp_path: Path, installed: Path
) -> None:
    # Text that looks like a placeholder confuses the restoration (placeholder 7 was
    # never issued): the runs between markup are translated one by one instead, the
    # structure stays exact and the draft says why it needs a closer look.
    source = "See **this** note ⟦7⟧ about [fuel](https://example.org/f) prices."
    project = make_project(tmp_path / "p", targets=["ur"])
    path = write_catalog_text(project, "ur", "story", f'msgid "{source}"\nmsgstr ""\n')
    result = run_cli("--project", project, "translate")
    assert result.code == 0, result.err
    assert "1 flagged for markup" in result.out
    entry = entries(path)[source]
    assert entry.msgstr == source
    assert (
        "machine-draft-note: markup: the model lost placeholders; text between markup translated "
        "separately, check word order" in entry.tcomment.splitlines()
    )
    msgfmt_check(path)


def test_decoding_keeps_glibc_from_returning_memory_at_every_step() -> None:
    """The allocator is set in a fresh process before a model loads (see draft/allocator.py)."""
    code = (
        "import ctypes, ctypes.util, sys\n"
        "from pressroom.draft.allocator import keep_freed_memory\n"
        "if ctypes.util.find_library('c') is None or not hasattr(ctypes.CDLL(ctypes.util.find_library('c')), "
        "'mallopt'):\n"
        "    print('no mallopt'); sys.exit(0)\n"
        "assert keep_freed_memory() is True and keep_freed_memory() is True\n"
        "import pressroom.draft.decoder as decoder\n"
        "assert decoder.keep_freed_memory is keep_freed_memory\n"
        "print('kept')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=REPO)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() in ("kept", "no mallopt")


def test_the_decoder_sets_the_allocator_before_loading_a_model(
    tmp_path: Path, installed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pressroom.draft.decoder as decoder

    calls: list[str] = []

    def keep() -> bool:
        calls.append("allocator")
        return True

    monkeypatch.setattr(decoder, "keep_freed_memory", keep)
    root = make_project(tmp_path / "p", targets=["ur"])
    write_catalog_text(root, "ur", "one", STORY.split('msgid "Health')[0])
    report = draft_missing(load_project(root))
    assert report.decoded and calls == ["allocator"]


def test_each_batch_is_decoded_whole_within_its_token_budget(
    tmp_path: Path, installed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CTranslate2 gets our batches as they are: counted with the tokens the model adds, never split again.

    It splits a call whose tokens (end token included) exceed ``max_batch_size``; a
    batch split into two decodes every step twice at a fixed cost (see ``run._batches``).
    """
    from tiny_argos import news_sentences

    import pressroom.draft.decoder as decoder

    calls: list[tuple[int, int, int]] = []
    original = decoder.Decoder.translate

    def recording(self: decoder.Decoder, units: Any, tokens: Any) -> Any:
        inner = self.translator

        class Spy:
            def translate_batch(self, source: list[list[str]], **options: Any) -> Any:
                counted = sum(len(t) for t in source)
                calls.append((counted + len(source) * extras, options["max_batch_size"], len(source)))
                return inner.translate_batch(source, **options)

        extras = self.source_extras
        self.translator = Spy()
        try:
            return original(self, units, tokens)
        finally:
            self.translator = inner

    monkeypatch.setattr(decoder.Decoder, "translate", recording)
    import sentencepiece

    sentences = news_sentences(24, seed=3)
    processor = sentencepiece.SentencePieceProcessor(
        model_file=str(next(installed.rglob("sentencepiece.model")))
    )
    # A budget the three shortest sentences fill exactly when the end tokens are not counted.
    budget = sum(sorted(len(processor.encode(s, out_type=str)) for s in sentences)[:3])
    config = f"[translate]\nmax_batch_tokens = {budget}\ncache = false\n"
    root = make_project(tmp_path / "p", targets=["ur"], config=config)
    body = "".join(f'msgid "{s}"\nmsgstr ""\n\n' for s in sentences)
    write_catalog_text(root, "ur", "story", body)
    report = draft_missing(load_project(root))
    assert report.drafted == 24 and report.batches == len(calls) > 2
    assert sum(size for _, _, size in calls) == 24 and max(size for _, _, size in calls) > 1
    for counted, max_batch_size, _ in calls:
        assert counted <= budget, calls  # the budget holds with the model's own tokens counted
        assert max_batch_size == 0 or max_batch_size >= counted  # not split again
