"""status: per article and language counts, as a table and as JSON."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pressroom.catalog import extract, mark_draft, mark_unreviewed, read_catalog, write_catalog
from pressroom.project import load_project

P1 = "Eleven coal miners were killed in Mach on Sunday."
P2 = "The families refused to bury their dead for a week."
P3 = "Protesters kept the coffins on a highway in Quetta."


def write_article(root: Path, slug: str, paragraphs: list[str]) -> None:
    body = "\n\n".join(paragraphs)
    (root / "source" / f"{slug}.md").write_text(
        f'---\ntitle: "Miners killed"\nauthor: Sampath Perera\ndate: 2021-01-12\nslug: {slug}\n'
        f"language: en\n---\n\n{body}\n",
        "utf-8",
    )


@pytest.fixture
def root(empty_project: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    write_article(empty_project, "a", [P1, P2, P3])
    write_article(empty_project, "b", [P1])
    project = load_project(empty_project)
    extract(project)
    path = project.po_path("ur", "a")
    po = read_catalog(path)
    for e in po:
        if e.msgctxt in {"title", "byline"}:
            e.msgstr = "ترجمہ"
        elif e.msgid == P1:
            e.msgstr = "گیارہ کان کن"
            mark_draft(e, engine="argos", package="en_ur", version="1.0", date="2024-01-01")
        elif e.msgid == P2:
            e.msgstr = "خاندانوں نے"
            mark_unreviewed(e)
    write_catalog(path, po)
    for e in (po := read_catalog(project.po_path("fa", "b"))):
        e.msgstr = "ترجمه"
    write_catalog(project.po_path("fa", "b"), po)
    write_article(empty_project, "a", [P1, P2 + " They protested.", "Short."])
    extract(project)  # P2 -> fuzzy with previous msgid; P3 obsolete? (untranslated: dropped)
    return empty_project


def test_status_json(root: Path, run_cli: Callable[..., Any]) -> None:
    result = run_cli("--project", root, "status", "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["format"] == 1
    rows = {(row["article"], row["lang"]): row for row in data["catalogs"]}
    assert set(rows) == {(slug, lang) for slug in "ab" for lang in ("ur", "fa", "si")}
    ur = rows[("a", "ur")]
    assert ur["entries"] == 5
    assert ur["translated"] == 2 and ur["translated_words"] == 2 + 2
    assert ur["fuzzy"] == 2
    assert ur["fuzzy_reasons"] == {
        "machine_draft": 1,
        "memory_match": 0,
        "source_changed": 1,
        "unreviewed": 0,
        "other": 0,
    }
    assert ur["untranslated"] == 1 and ur["untranslated_words"] == 1
    assert ur["obsolete"] == 0
    assert ur["publishable"] is False
    assert ur["drafted_percent"] == 80.0  # 2 translated + 2 fuzzy of 5
    assert rows[("b", "si")]["drafted_percent"] == 0.0
    assert ur["path"] == "translations/ur/a.po" and ur["exists"] is True
    assert ur["words"] == 2 + 2 + len(P1.split()) + len(P2.split()) + 2 + 1
    assert rows[("b", "fa")]["publishable"] is True
    assert rows[("b", "fa")]["translated"] == 3
    assert rows[("b", "si")]["untranslated"] == 3


def test_status_filters_and_table(root: Path, run_cli: Callable[..., Any]) -> None:
    result = run_cli("--project", root, "status", "--lang", "ur", "a", "--json")
    data = json.loads(result.out)
    assert [(row["article"], row["lang"]) for row in data["catalogs"]] == [("a", "ur")]
    table = run_cli("--project", root, "status")
    assert table.code == 0
    assert "1 machine" in table.out and "changed" in table.out
    assert "ready" in table.out and "yes" in table.out
    assert "80%" in table.out and "100%" in table.out
    bad = run_cli("--project", root, "status", "zzz")
    assert bad.code == 1 and "unknown article 'zzz'" in bad.err
    bad_lang = run_cli("--project", root, "status", "--lang", "xx")
    assert bad_lang.code == 1 and "unknown language" in bad_lang.err


def test_status_of_obsolete_and_missing_po(root: Path, run_cli: Callable[..., Any]) -> None:
    project = load_project(root)
    po = read_catalog(project.po_path("fa", "b"))
    write_article(root, "b", [P3])
    extract(project)
    (root / "translations" / "si" / "b.po").unlink()
    data = json.loads(run_cli("--project", root, "status", "b", "--json").out)
    rows = {row["lang"]: row for row in data["catalogs"]}
    assert rows["fa"]["obsolete"] == 1 and rows["fa"]["publishable"] is False
    assert len(po) == 3
    assert rows["si"]["exists"] is False and rows["si"]["untranslated"] == 3


def test_status_reuses_cached_counts_until_a_catalog_changes(
    root: Path, run_cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from pressroom.catalog import stats

    first = json.loads(run_cli("--project", root, "status", "--json").out)
    assert (root / ".cache" / "pressroom" / "catalog-stats.json").is_file()
    counted: list[tuple[str, str]] = []
    original = stats.catalog_stats

    def counting(project: Any, lang: str, slug: str) -> stats.CatalogStats:
        counted.append((lang, slug))
        return original(project, lang, slug)

    monkeypatch.setattr(stats, "catalog_stats", counting)
    again = json.loads(run_cli("--project", root, "status", "--json").out)
    assert counted == [] and again == first

    # One byte changed in one catalog, size and modification time kept: only it is counted again.
    path = root / "translations" / "fa" / "b.po"
    data = path.read_bytes()
    info = path.stat()
    path.write_bytes(data.replace(b'msgstr "\xd8\xaa', b'msgstr "\xd8\xab', 1))
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert path.read_bytes() != data
    json.loads(run_cli("--project", root, "status", "--json").out)
    assert counted == [("fa", "b")]

    # A catalog removed: its template is counted instead.
    counted.clear()
    (root / "translations" / "si" / "a.po").unlink()
    rows = json.loads(run_cli("--project", root, "status", "--json").out)["catalogs"]
    assert counted == [("si", "a")]
    assert next(r for r in rows if (r["article"], r["lang"]) == ("a", "si"))["exists"] is False


def test_a_long_status_is_printed_as_plain_columns(
    root: Path, run_cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from pressroom.cli import sources

    monkeypatch.setattr(sources, "STATUS_TABLE_ROWS", 2)
    out = run_cli("--project", root, "status").out.splitlines()
    assert out[0] == "Translation status"
    assert out[1].split() == ["article", "lang", "done", "words", "drafted", "fuzzy", "todo", "obs.", "ready"]
    rows = [line.split() for line in out[3:-1]]
    assert len(rows) == 6 and rows[0][:5] == ["a", "ur", "2/5", "4/26", "80%"] and rows[1][0] == "fa"
    assert rows[-1][-1] == "no" and any(row[-1] == "yes" for row in rows)


def test_status_reads_only_catalogs_whose_stat_changed(
    root: Path, run_cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Size, times and inode as when hashed: not read again; any write changes the inode-change time."""
    from pressroom import fsio
    from pressroom.catalog import stats_cache

    read: list[str] = []
    original = stats_cache.read_if_present

    def reading(path: str) -> bytes | None:
        read.append(Path(path).relative_to(root).as_posix())
        return original(path)

    monkeypatch.setattr(stats_cache, "read_if_present", reading)
    first = json.loads(run_cli("--project", root, "status", "--json").out)
    # Every catalog was written moments ago: too recent to trust its stat (racy), read again.
    read.clear()
    assert json.loads(run_cli("--project", root, "status", "--json").out) == first
    assert len(read) == len(first["catalogs"])

    monkeypatch.setattr(fsio, "RACY_NS", 0)  # as if every file were old
    run_cli("--project", root, "status", "--json")
    read.clear()
    assert json.loads(run_cli("--project", root, "status", "--json").out) == first
    assert read == []

    # Rewritten in place, same size, modification time set back: the inode-change time moved.
    path = root / "translations" / "fa" / "b.po"
    data, info = path.read_bytes(), path.stat()
    path.write_bytes(data.replace(b'msgstr "\xd8\xaa', b'msgstr "\xd8\xab', 1))
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert path.stat().st_size == info.st_size and path.stat().st_mtime_ns == info.st_mtime_ns
    json.loads(run_cli("--project", root, "status", "--json").out)
    assert read == ["translations/fa/b.po"]
