"""The command line as a user meets it: help, exit codes, start-up cost."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from conftest import REPO, CliResult


def test_help_loads_no_heavy_dependency() -> None:
    """argostranslate (torch) and weasyprint cost seconds; --help must not import them."""
    probe = (
        "import sys, runpy\n"
        "sys.argv = ['workflow.py', '--help']\n"
        "try:\n"
        "    runpy.run_path('workflow.py', run_name='__main__')\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = [m for m in ('argostranslate', 'torch', 'weasyprint', 'ctranslate2') if m in sys.modules]\n"
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
