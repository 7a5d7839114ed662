"""The one reader of text files and the one writer: clean errors, unique temporaries, cleanup."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pressroom.errors import WorkflowError
from pressroom.fsio import (
    atomic_write,
    is_stale_temporary,
    read_bytes,
    read_text,
    remove_stale_temporaries,
    temporary_path,
)


def test_invalid_utf8_names_line_and_byte(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_bytes(b"one\ntwo\nCaf\xe9\n")
    with pytest.raises(WorkflowError) as info:
        read_text(path)
    assert info.value.line == 3
    assert "byte 0xe9" in info.value.render()


def test_directory_fifo_missing_and_size_are_messages(tmp_path: Path) -> None:
    (tmp_path / "dir.csv").mkdir()
    with pytest.raises(WorkflowError, match="is a directory"):
        read_text(tmp_path / "dir.csv")
    os.mkfifo(tmp_path / "pipe.csv")
    with pytest.raises(WorkflowError, match="not a regular file"):  # and never blocks
        read_text(tmp_path / "pipe.csv")
    with pytest.raises(WorkflowError, match="no such file"):
        read_text(tmp_path / "missing.csv")
    (tmp_path / "file").write_text("x")
    with pytest.raises(WorkflowError, match="a folder on this path is a file"):
        read_text(tmp_path / "file" / "a.po")
    (tmp_path / "big.md").write_bytes(b"x" * 2000)
    with pytest.raises(WorkflowError, match="more than the 1,000-byte limit"):
        read_bytes(tmp_path / "big.md", max_bytes=1000)


def test_bom_is_dropped(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_bytes(b"\xef\xbb\xbfhello")
    assert read_text(tmp_path / "a.md") == "hello"


def test_temporary_names_are_unique_and_carry_the_pid(tmp_path: Path) -> None:
    names = {temporary_path(tmp_path / "a.po").name for _ in range(200)}
    assert len(names) == 200
    assert all(name.startswith(f".a.po.{os.getpid()}-") and name.endswith(".tmp") for name in names)


def test_write_over_a_directory_is_a_message(tmp_path: Path) -> None:
    (tmp_path / "a.po").mkdir()
    with pytest.raises(WorkflowError, match="is a directory"):
        atomic_write(tmp_path / "a.po", "x")


def test_stale_temporaries_of_dead_runs_are_removed_live_ones_kept(tmp_path: Path) -> None:
    script = "import os; print(os.getpid())"
    dead = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    dead_pid = int(dead.stdout)
    stale = tmp_path / f".a.po.{dead_pid}-0123abcd.tmp"
    live = tmp_path / f".b.po.{os.getpid()}-0123abcd.tmp"
    legacy_old = tmp_path / ".c.pot.k2j_x9a1.tmp"  # mkstemp's names, before pids
    legacy_new = tmp_path / ".d.pot.q8w_e7r2.tmp"
    foreign = tmp_path / "notes.tmp"
    nested = tmp_path / "css"
    nested.mkdir()
    nested_stale = nested / f".site.css.{dead_pid}-0123abcd.tmp"
    for path in (stale, live, legacy_old, legacy_new, foreign, nested_stale):
        path.write_text("partial")
    hour_ago = time.time() - 7200
    os.utime(legacy_old, (hour_ago, hour_ago))
    assert is_stale_temporary(stale) and not is_stale_temporary(live)
    removed = remove_stale_temporaries([tmp_path], recursive=True)
    assert sorted(removed) == sorted([stale, legacy_old, nested_stale])
    assert live.exists() and legacy_new.exists() and foreign.exists()
