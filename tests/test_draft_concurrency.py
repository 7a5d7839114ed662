"""Nothing a translator writes is ever lost: ``translate`` running beside editors and ``extract``.

``translate`` runs as a real ``workflow.py`` process over an article long enough for
dozens of batch saves; this test process plays the translator (and the editor running
``extract``), editing the catalog as soon as the run has saved its first batch and again
after a later save. The editor saves like a careful PO editor: it reads the file,
changes it with polib, and replaces it only if nobody wrote it in the meantime.
Afterwards every human edit must be there, and every other entry must hold its draft.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import polib
import pytest
from conftest import REPO, CliResult, gnu_check
from tiny_argos import build_copy_package, cached_build, make_project, news_sentences

from pressroom.catalog import is_fuzzy, is_machine_draft, read_catalog
from pressroom.catalog.guard import catalog_lock
from pressroom.models import MODELS_DIR_ENV

EPOCH = "1700000000"
CONFIG = "[translate]\nmax_batch_tokens = 40\ncache = false\n"  # one sentence a batch, each saved
HEADER = (
    'msgid ""\nmsgstr ""\n"Project-Id-Version: Pressroom\\n"\n"PO-Revision-Date: 2023-11-14 22:13+0000\\n"\n'
    '"Last-Translator: \\n"\n"Language-Team: Urdu\\n"\n"Language: ur\\n"\n"MIME-Version: 1.0\\n"\n'
    '"Content-Type: text/plain; charset=UTF-8\\n"\n"Content-Transfer-Encoding: 8bit\\n"\n'
    '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
)


@pytest.fixture
def models_dir(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    run_cli: Callable[..., CliResult],
    tmp_path_factory: pytest.TempPathFactory,
) -> Path:
    archive = cached_build(tmp_path_factory.getbasetemp() / "tiny-argos", "copy-ur", build_copy_package)
    folder = tmp_path / "models"
    monkeypatch.setenv(MODELS_DIR_ENV, str(folder))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    result = run_cli(
        "--project", make_project(tmp_path / "setup", targets=["ur"]), "models", "install", archive
    )
    assert result.code == 0, result.err
    return folder


@contextmanager
def translating(project: Path, models_dir: Path, logs: Path) -> Iterator[subprocess.Popen[bytes]]:
    """``workflow.py translate`` in its own process; stdout and stderr go to ``logs``.*."""
    env = {**os.environ, MODELS_DIR_ENV: str(models_dir), "SOURCE_DATE_EPOCH": EPOCH, "PYTHONPATH": str(REPO)}
    with (logs.with_suffix(".out")).open("wb") as out, (logs.with_suffix(".err")).open("wb") as err:
        process = subprocess.Popen(
            [
                sys.executable,
                str(REPO / "workflow.py"),
                "--project",
                str(project),
                "translate",
                "--beam-size",
                "1",
            ],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=err,
        )
        try:
            yield process
        finally:
            if process.poll() is None:
                process.kill()
            process.wait()


def wait_for_save(path: Path, before: bytes, process: subprocess.Popen[bytes], timeout: float = 60) -> bytes:
    """Wait until ``path`` no longer holds ``before`` (the run saved a batch); the new bytes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        current = path.read_bytes()
        if current != before:
            return current
        assert process.poll() is None, "translate ended without saving"
        time.sleep(0.002)
    raise AssertionError("translate saved nothing in time")


def edit_like_an_editor(path: Path, change: Callable[[polib.POFile], None]) -> None:
    """Read, change with polib, and save unless the file changed since it was read."""
    for _ in range(100):
        raw = path.read_bytes()
        po = polib.pofile(raw.decode("utf-8"), wrapwidth=0)
        change(po)
        tmp = path.with_name(".editor-save.tmp")
        tmp.write_text(str(po) + "\n", "utf-8")
        if path.read_bytes() == raw:
            os.replace(tmp, path)
            return
        time.sleep(0.001)
    raise AssertionError("the editor never found a quiet moment to save")


def find(po: polib.POFile, msgid: str) -> polib.POEntry:
    entry = po.find(msgid)
    assert entry is not None, msgid
    return entry


def article_msgids(count: int, *, seed: int) -> list[str]:
    return [
        f"{sentence[:-1]} ({number})." for number, sentence in enumerate(news_sentences(count, seed=seed))
    ]


def test_translator_saves_during_a_run_are_kept_and_the_other_drafts_land(
    tmp_path: Path, models_dir: Path
) -> None:
    project = make_project(tmp_path / "p", targets=["ur"], config=CONFIG)
    msgids = article_msgids(50, seed=21)
    human = "The editor wrote this line herself."
    body = f'msgid "{human}"\nmsgstr "مدیر نے خود لکھا"\n\n' + "\n".join(
        f'msgid "{m}"\nmsgstr ""\n' for m in msgids
    )
    path = project / "translations" / "ur" / "story.po"
    path.parent.mkdir(parents=True)
    path.write_text(HEADER + body, "utf-8")
    expected: dict[str, Callable[[polib.POEntry], bool]] = {}

    with translating(project, models_dir, tmp_path / "run") as process:
        saved = wait_for_save(path, path.read_bytes(), process)

        def first_edit(po: polib.POFile) -> None:
            drafted = [find(po, m) for m in msgids if find(po, m).msgstr]
            empty = [find(po, m) for m in msgids if not find(po, m).msgstr]
            assert drafted and len(empty) >= 20, "the run went too fast for this test"
            find(po, human).msgstr = "مدیر نے خود درست کیا"  # a correction of a human translation
            drafted[0].msgstr = "ترجمے کی اصلاح"  # a correction of a draft, left fuzzy
            empty[-1].msgstr = "نیا ترجمہ"  # a new translation of an entry the run has not reached
            empty[-2].tcomment = "ask the desk about the figures"  # a comment on an entry still to draft
            expected.update(
                {
                    human: lambda e: e.msgstr == "مدیر نے خود درست کیا" and not is_fuzzy(e),
                    drafted[0].msgid: lambda e: e.msgstr == "ترجمے کی اصلاح",
                    empty[-1].msgid: lambda e: e.msgstr == "نیا ترجمہ" and not is_fuzzy(e) and not e.tcomment,
                    empty[-2].msgid: lambda e: (
                        e.tcomment.startswith("ask the desk about the figures\nmachine-draft:")
                        and e.msgstr == e.msgid
                    ),
                }
            )

        edit_like_an_editor(path, first_edit)
        assert process.poll() is None
        wait_for_save(path, path.read_bytes(), process)

        def second_edit(po: polib.POFile) -> None:
            drafted = [find(po, m) for m in msgids if is_machine_draft(find(po, m)) and m not in expected]
            empty = [find(po, m) for m in msgids if not find(po, m).msgstr and m not in expected]
            assert drafted and len(empty) >= 5, "the run went too fast for this test"
            drafted[-1].flags.remove("fuzzy")  # a translator accepts a draft of this run
            empty[-1].msgstr = "ایک اور ترجمہ"
            expected.update(
                {
                    drafted[-1].msgid: lambda e: e.msgstr == e.msgid and not is_fuzzy(e),
                    empty[-1].msgid: lambda e: e.msgstr == "ایک اور ترجمہ" and not is_fuzzy(e),
                }
            )

        edit_like_an_editor(path, second_edit)
        assert process.poll() is None
        assert process.wait(timeout=120) == 0, (tmp_path / "run.err").read_text()
    assert saved  # the first edit came after the run's first save

    po = read_catalog(path)
    lost = [msgid for msgid, holds in expected.items() if not holds(find(po, msgid))]
    assert lost == [], f"human edits lost: {lost}"
    for msgid in msgids:
        if msgid not in expected:
            entry = find(po, msgid)
            assert entry.msgstr == msgid and is_machine_draft(entry), msgid
    assert "drafts not written: their entries changed on disk" in (tmp_path / "run.err").read_text()
    gnu_check(path)


def write_article(root: Path, paragraphs: list[str]) -> Path:
    path = root / "source" / "story.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    body = "\n\n".join(paragraphs)
    front = '---\ntitle: "Story"\nauthor: Sampath Perera\ndate: 2021-01-12\nslug: story\nlanguage: en\n---\n'
    path.write_text(f"{front}\n{body}\n", "utf-8")
    return path


def test_extract_during_a_run_is_kept_and_the_other_drafts_land(
    tmp_path: Path, models_dir: Path, run_cli: Callable[..., CliResult]
) -> None:
    project = make_project(tmp_path / "p", targets=["ur"], config=CONFIG)
    paragraphs = article_msgids(50, seed=31)
    write_article(project, paragraphs)
    assert run_cli("--project", project, "extract").code == 0
    path = project / "translations" / "ur" / "story.po"

    with translating(project, models_dir, tmp_path / "run") as process:
        saved = path.read_bytes()
        # Two paragraphs drafted: one for the editor to remove, one for a translator to accept.
        while sum(bool(find(read_catalog(path), m).msgstr) for m in paragraphs) < 2:
            saved = wait_for_save(path, saved, process)
        po = read_catalog(path)
        drafted = [m for m in paragraphs if find(po, m).msgstr]
        empty = [m for m in paragraphs if not find(po, m).msgstr]
        assert len(drafted) >= 2 and len(empty) >= 20, "the run went too fast for this test"
        # The editor rewrites the article: one drafted and one waiting paragraph go, a
        # new one comes, and a translator accepts a draft in the same minute.
        gone_drafted, gone_waiting = drafted[0], empty[-1]
        added = "A paragraph the editor added while the drafts were running."
        kept = [m for m in paragraphs if m not in (gone_drafted, gone_waiting)]
        write_article(project, [*kept[:10], added, *kept[10:]])
        result = run_cli("--project", project, "extract")
        assert result.code == 0, result.err
        assert process.poll() is None
        accepted = next(m for m in kept if find(read_catalog(path), m).msgstr and m != gone_drafted)

        def accept(po: polib.POFile) -> None:
            find(po, accepted).flags.remove("fuzzy")

        edit_like_an_editor(path, accept)
        assert process.wait(timeout=120) == 0, (tmp_path / "run.err").read_text()

    po = read_catalog(path)
    live = [e.msgid for e in po if e.msgid and not e.obsolete]
    template = [
        e.msgid for e in read_catalog(project / "translations" / "templates" / "story.pot") if e.msgid
    ]
    assert live == template  # exactly the entries extract left, in its order
    assert [m for m in live if m in paragraphs or m == added] == [*kept[:10], added, *kept[10:]]
    obsolete = {e.msgid: e.msgstr for e in po if e.obsolete}
    assert obsolete == {gone_drafted: gone_drafted}  # extract's #~ of the drafted paragraph
    assert find(po, added).msgstr == ""  # extract's new entry: the next run drafts it
    assert not is_fuzzy(find(po, accepted)) and find(po, accepted).msgstr == accepted
    for msgid in kept:
        entry = find(po, msgid)
        assert entry.msgstr == msgid and (msgid == accepted or is_machine_draft(entry)), msgid
    gnu_check(path)
    settled = run_cli("--project", project, "extract")  # the accepted draft's marker is retired
    assert settled.code == 0 and "1 files written" in settled.out, settled.out
    assert find(read_catalog(path), accepted).tcomment.startswith("reviewed: from a machine draft (engine=")
    again = run_cli("--project", project, "extract")  # extract agrees with what is on disk
    assert again.code == 0 and "0 files written" in again.out, again.out


def test_a_run_waits_for_the_lock_and_says_so(tmp_path: Path, models_dir: Path) -> None:
    project = make_project(tmp_path / "p", targets=["ur"], config=CONFIG)
    msgids = article_msgids(3, seed=41)
    path = project / "translations" / "ur" / "story.po"
    path.parent.mkdir(parents=True)
    path.write_text(HEADER + "\n".join(f'msgid "{m}"\nmsgstr ""\n' for m in msgids), "utf-8")
    before = path.read_bytes()
    lock = ExitStack()
    lock.enter_context(catalog_lock(project))  # as if extract were writing
    try:
        with translating(project, models_dir, tmp_path / "run") as process:
            deadline = time.monotonic() + 60
            while "waiting for another pressroom command" not in (tmp_path / "run.err").read_text():
                assert process.poll() is None and time.monotonic() < deadline, (
                    tmp_path / "run.err"
                ).read_text()
                time.sleep(0.01)
            assert path.read_bytes() == before  # nothing written while the lock is held
            lock.close()
            assert process.wait(timeout=60) == 0
    finally:
        lock.close()
    err = " ".join((tmp_path / "run.err").read_text().split())
    assert f"waiting for another pressroom command to finish writing catalogs in {project}" in err
    assert all(e.msgstr == e.msgid for e in read_catalog(path) if e.msgid)
