"""Shared fixtures: a throw-away content root and an in-process CLI runner."""

from __future__ import annotations

import re
import shutil
import subprocess
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from pressroom.cli import main

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "tests" / "data" / "seed_export.txt"


def gnu_check(path: Path) -> None:
    """The oracle: msgfmt -c accepts the file and msgcat reproduces it byte for byte."""
    check = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    if path.suffix == ".po":
        assert "warning" not in check.stderr, check.stderr
    again = subprocess.run(["msgcat", str(path)], capture_output=True, check=True)
    assert again.stdout == path.read_bytes()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        help="rewrite golden files under tests/data for a human to review with git diff",
    )


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """Run ``workflow.py`` in-process; returns exit code and captured output."""

    def run(*argv: str | Path) -> CliResult:
        capsys.readouterr()
        code = main([str(a) for a in argv])
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


@pytest.fixture
def empty_project(tmp_path: Path) -> Path:
    """A content root with empty source/ and translations/ and no glossary."""
    root = tmp_path / "project"
    (root / "source").mkdir(parents=True)
    (root / "translations").mkdir()
    return root


@pytest.fixture
def sample_project(tmp_path: Path) -> Path:
    """A copy of this repository's sample content (sources, catalogs, glossary)."""
    root = tmp_path / "sample"
    root.mkdir()
    for name in ("source", "translations"):
        if (REPO / name).exists():
            shutil.copytree(REPO / name, root / name)
    for name in ("glossary.csv", "workflow.toml"):
        if (REPO / name).exists():
            shutil.copy2(REPO / name, root / name)
    return root


def pdftext(path: Path, page: int | None = None, *, raw: bool = False) -> str:
    """pdftotext's text of a PDF (one page if given); ``raw``: content-stream order."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    mode = ["-raw"] if raw else []
    return subprocess.run(
        ["pdftotext", *mode, "-enc", "UTF-8", *pages, str(path), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")


def inflated(path: Path) -> bytes:
    """The PDF with every Flate stream decompressed, for looking up catalog entries and operators."""
    data = path.read_bytes()
    parts = [data]
    for match in re.finditer(rb"stream\r?\n", data):
        try:
            parts.append(zlib.decompressobj().decompress(data[match.end() :]))
        except zlib.error:
            continue
    return b"\n".join(parts)
