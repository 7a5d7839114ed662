"""The command line as a user meets it: help, exit codes, start-up cost."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from conftest import REPO, CliResult


def test_help_loads_no_heavy_dependency() -> None:
    """argostranslate (torch) and weasyprint cost seconds, Translate Toolkit 0.2 s; --help imports none."""
    probe = (
        "import sys, runpy\n"
        "sys.argv = ['workflow.py', '--help']\n"
        "try:\n"
        "    runpy.run_path('workflow.py', run_name='__main__')\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = ('argostranslate', 'torch', 'weasyprint', 'ctranslate2', 'translate',\n"
        "         'pressroom.rendering')\n"
        "heavy = [m for m in heavy if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert "HEAVY []" in result.stdout, result.stdout
    assert "COMMAND" in result.stdout


def test_usage_error_exits_2(run_cli: Callable[..., CliResult]) -> None:
    result = run_cli("no-such-command")
    assert result.code == 2


def test_missing_project_folder_is_a_clear_error(
    run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    result = run_cli("--project", tmp_path / "nowhere", "status")
    assert result.code == 1
    assert "project folder does not exist" in result.err
    assert "hint:" in result.err


def test_build_runs_the_main_job_incrementally(
    run_cli: Callable[..., CliResult], sample_project: Path
) -> None:
    """build on the sample: catalogs unchanged, review clean, every edition as a marked draft."""
    before = {p: p.read_bytes() for p in (sample_project / "translations").rglob("*.po*")}
    first = run_cli("--project", sample_project, "build", "--drafts", "--format", "html")
    assert first.code == 0, first.err
    assert "review: 0 errors" in first.out
    build = sample_project / "build"
    for lang in ("en", "ur", "fa", "si"):
        assert (build / lang / "pakistan-hazara-miners.html").exists()
        assert (build / lang / "index.html").exists()
    for lang in ("ur", "fa", "si"):
        page = (build / lang / "pakistan-hazara-miners.bilingual.html").read_text("utf-8")
        assert 'class="draft-banner"' in page
    assert (build / "review.html").exists()
    assert {p: p.read_bytes() for p in before} == before  # the committed catalogs are current
    again = run_cli("--project", sample_project, "build", "--drafts", "--format", "html")
    assert again.code == 0
    assert "render: 0 pages written" in again.out


def test_build_without_drafts_publishes_only_english(
    run_cli: Callable[..., CliResult], sample_project: Path
) -> None:
    """The sample translations are unreviewed: without --drafts they are held back, by name."""
    result = run_cli("--project", sample_project, "build", "--format", "html")
    assert result.code == 0, result.err
    assert (sample_project / "build" / "en" / "pakistan-hazara-miners.html").exists()
    assert not (sample_project / "build" / "ur" / "pakistan-hazara-miners.html").exists()
    assert "not published: ur/pakistan-hazara-miners" in result.err
    assert "fuzzy" in result.err
