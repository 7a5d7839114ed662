"""Fault isolation: one article that cannot be rendered never stops the others."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import CliResult
from test_render_html import make_project

from pressroom.rendering import worker

CRAB = """\
---
title: "Rust 🦀 in the newsroom"
author: Staff
date: 2021-01-13
slug: crab
language: en
---

A short article whose PDF layout fails.
"""


def test_one_failing_article_is_reported_and_the_rest_is_written(
    tmp_path: Path, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_project(tmp_path / "press")
    (root / "source" / "broken.md").write_text("---\ntitle: [unclosed\n---\n\nBody.\n", encoding="utf-8")
    (root / "source" / "crab.md").write_text(CRAB, encoding="utf-8")
    real_write_pdf = worker.write_pdf

    def failing_layout(text: str, **options: Any) -> bool:
        if Path(options["pdf_path"]).stem == "crab":
            raise ValueError("layout exploded\nsecond line of a long message")
        return real_write_pdf(text, **options)

    monkeypatch.setattr(worker, "write_pdf", failing_layout)
    result = run_cli("--project", root, "render", "--drafts", "--jobs", "1")

    assert result.code == 1
    assert "Traceback" not in result.err + result.out
    errors = [line for line in result.err.splitlines() if line.startswith("workflow.py: error:")]
    # The unreadable article: its file, line and cause.
    assert any("every page of broken not written: source/broken.md:" in line for line in errors), errors
    # The page whose layout failed: output, file and cause, named by type, one line.
    assert any(
        "en/crab.pdf not written: source/crab.md: unexpected ValueError: layout exploded" in line
        for line in errors
    ), errors
    assert "second line" not in result.err
    # A summary comes last.
    assert errors[-1].startswith("workflow.py: error: render: 2 outputs failed in 2 articles")
    build = root / "build"
    assert (build / "en" / "crab.html").is_file()
    assert not (build / "en" / "crab.pdf").exists()
    for lang in ("en", "ur", "fa", "si"):
        assert (build / lang / "miners.html").is_file()
        assert (build / lang / "miners.pdf").is_file()


def test_failed_page_is_redone_next_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failed output is not in the manifest: the next run retries it and only it."""
    from pressroom.project import load_project
    from pressroom.rendering import render

    root = make_project(tmp_path / "press")
    real_write_pdf = worker.write_pdf
    calls: list[str] = []

    def flaky(text: str, **options: Any) -> bool:
        calls.append(Path(options["pdf_path"]).name)
        if len(calls) == 1:
            raise RuntimeError("transient")
        return real_write_pdf(text, **options)

    monkeypatch.setattr(worker, "write_pdf", flaky)
    first = render(load_project(root), langs=["en"], bilingual=False)
    assert [f.page for f in first.failures] == ["en/miners.pdf"]
    second = render(load_project(root), langs=["en"], bilingual=False)
    assert not second.failures
    assert [p.name for p in second.written if p.suffix == ".pdf"] == ["miners.pdf"]


def test_build_goes_on_past_an_unreadable_article(tmp_path: Path, run_cli: Callable[..., CliResult]) -> None:
    root = make_project(tmp_path / "press")
    (root / "source" / "broken.md").write_text("---\ntitle: [unclosed\n---\n\nBody.\n", encoding="utf-8")
    result = run_cli("--project", root, "build", "--drafts", "--format", "html")
    assert result.code == 1
    assert "Traceback" not in result.err
    assert "source/broken.md:3: front matter is not valid YAML" in result.err
    assert "its catalogs are not updated; the other articles' are" in result.err
    assert "every page of broken not written" in result.err
    assert result.err.rstrip().splitlines()[-1].startswith("workflow.py: error: render: 1 output failed")
    for lang in ("en", "ur", "fa", "si"):
        assert (root / "build" / lang / "miners.html").is_file()
