"""The package as a user installs it: a wheel, a fresh environment, a content root of its own.

No editable install and no checkout around it: the wheel must carry the templates,
CSS and defaults, the locked dependencies must bring no torch or CUDA, and the
installed ``workflow`` must run the main job on a folder holding only content.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
UV = str(Path(sys.executable).parent / "uv") if (Path(sys.executable).parent / "uv").exists() else "uv"
CONTENT = ("source", "translations", "glossary.csv", "workflow.toml")


def _run(*args: str | Path, cwd: Path | None = None) -> str:
    done = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{args}: {done.stdout}\n{done.stderr}"
    return done.stdout


def test_wheel_installs_and_runs_the_main_job_on_content_only(tmp_path: Path) -> None:
    # Built from a copy: setuptools leaves build/ and *.egg-info/ in the tree it builds.
    tree = tmp_path / "tree"
    shutil.copytree(
        REPO,
        tree,
        ignore=shutil.ignore_patterns(".git", ".venv*", ".cache", "build", "*.egg-info", "__pycache__"),
    )
    dist = tmp_path / "dist"
    _run(UV, "build", "--wheel", "--quiet", "--out-dir", dist, tree, cwd=tree)
    (wheel,) = dist.glob("pressroom-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for member in ("defaults.toml", "render/base.html.j2", "render/css/site.css", "render/css/print.css"):
        member = f"pressroom/{member}"
        assert member in names
    assert any(name.endswith(".dist-info/licenses/LICENSE") for name in names)

    requirements = tmp_path / "requirements.txt"
    _run(UV, "export", "--frozen", "--no-dev", "--no-emit-project", "--quiet", "-o", requirements, cwd=REPO)
    venv = tmp_path / "venv"
    _run(UV, "venv", "--quiet", "--python", sys.executable, venv)
    python = venv / "bin" / "python"
    _run(UV, "pip", "install", "--quiet", "--python", python, "--require-hashes", "-r", requirements)
    _run(UV, "pip", "install", "--quiet", "--python", python, "--no-deps", wheel)
    installed = _run(UV, "pip", "list", "--python", python).lower()
    for heavy in ("torch", "nvidia-", "stanza", "spacy"):
        assert heavy not in installed

    content = tmp_path / "newsroom"
    content.mkdir()
    for name in CONTENT:
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, content / name)
    before = {p: p.read_bytes() for p in (content / "translations").rglob("*.po*")}
    _run(venv / "bin" / "workflow", "--project", content, "build", "--drafts", cwd=tmp_path)
    for lang in ("en", "ur", "fa", "si"):
        assert (content / "build" / lang / "pakistan-hazara-miners.html").stat().st_size > 0
        assert (content / "build" / lang / "pakistan-hazara-miners.pdf").read_bytes().startswith(b"%PDF")
    assert {p: p.read_bytes() for p in before} == before
    assert not (content / "render").exists()
