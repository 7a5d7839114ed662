"""Writing files other people edit too: compare before replacing, take turns (fsio, extract)."""

from __future__ import annotations

import importlib
import multiprocessing
import time
from pathlib import Path

import polib
import pytest
from conftest import gnu_check

from pressroom.catalog import read_catalog, write_catalog
from pressroom.catalog.extract import extract
from pressroom.fsio import (
    ChangedOnDiskError,
    file_digest,
    folder_lock,
    replace_if_unchanged,
    write_all_if_unchanged,
)
from pressroom.project import load_project

# The module, not the function of the same name that pressroom.catalog re-exports.
catalog_extract = importlib.import_module("pressroom.catalog.extract")


def test_replace_if_unchanged_refuses_a_file_changed_since_read(tmp_path: Path) -> None:
    path = tmp_path / "a.po"
    path.write_text("one\n", "utf-8")
    read = file_digest(path)
    path.write_text("someone else's save\n", "utf-8")
    with pytest.raises(ChangedOnDiskError) as caught:
        replace_if_unchanged(path, "ours\n", read_digest=read)
    assert caught.value.path == path
    assert path.read_text("utf-8") == "someone else's save\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.po"]  # no temporary file left
    assert replace_if_unchanged(path, "ours\n", read_digest=file_digest(path))
    assert not replace_if_unchanged(path, "ours\n", read_digest=file_digest(path))  # same bytes: no write
    assert replace_if_unchanged(tmp_path / "new.po", "x\n", read_digest=None)


def test_write_all_if_unchanged_writes_nothing_when_one_changed(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.write_text("a\n", "utf-8")
    second.write_text("b\n", "utf-8")
    digests = {first: file_digest(first), second: file_digest(second)}
    second.write_text("edited\n", "utf-8")
    with pytest.raises(ChangedOnDiskError):
        write_all_if_unchanged([(first, "A\n"), (second, "B\n")], digests)
    assert first.read_text("utf-8") == "a\n" and second.read_text("utf-8") == "edited\n"


def _hold(lock: Path, held: multiprocessing.synchronize.Event, seconds: float) -> None:
    with folder_lock(lock):
        held.set()
        time.sleep(seconds)


def test_folder_lock_makes_a_second_holder_wait_and_say_so(tmp_path: Path) -> None:
    lock = tmp_path / "project"
    lock.mkdir()
    held = multiprocessing.get_context("spawn").Event()
    other = multiprocessing.get_context("spawn").Process(target=_hold, args=(lock, held, 0.5))
    other.start()
    assert held.wait(30)
    waited: list[Path] = []
    started = time.monotonic()
    with folder_lock(lock, on_wait=waited.append):
        assert time.monotonic() - started > 0.2
    other.join()
    assert waited == [lock]
    assert list(lock.iterdir()) == []  # no lock file in the project


EPOCH = "1700000000"


def test_extract_merges_again_when_a_catalog_is_saved_between_its_read_and_write(
    empty_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    source = empty_project / "source" / "a.md"
    front = "---\ntitle: T\nauthor: A\ndate: 2021-01-12\nslug: a\nlanguage: en\n---\n\n"
    source.write_text(front + "First paragraph.\n\nSecond paragraph.\n", "utf-8")
    project = load_project(empty_project)
    extract(project)
    source.write_text(front + "First paragraph.\n\nSecond paragraph.\n\nThird paragraph.\n", "utf-8")
    po_path = project.po_path("ur", "a")
    original = catalog_extract.format_catalogs
    saves = []

    def translator_saves_meanwhile(catalogs: list[polib.POFile]) -> list[str]:
        if not saves:  # after extract has read the catalogs, before it writes them
            saves.append(po_path)
            po = read_catalog(po_path)
            po.find("First paragraph.").msgstr = "پہلا پیراگراف"
            write_catalog(po_path, po)
        return original(catalogs)

    monkeypatch.setattr(catalog_extract, "format_catalogs", translator_saves_meanwhile)
    report = extract(project)
    assert saves and report.new >= 1
    po = read_catalog(po_path)
    assert po.find("First paragraph.").msgstr == "پہلا پیراگراف"  # the translator's save survived
    assert po.find("Third paragraph.") is not None  # and extract's update landed
    gnu_check(po_path)
