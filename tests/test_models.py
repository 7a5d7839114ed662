"""Translation packages: install (file and index), list, remove, doctor, NLLB wrapping.

Everything runs on a real Argos package built by the suite (tests/tiny_argos.py), in a
temporary models folder; nothing touches the network or the user's home.
"""

from __future__ import annotations

import json
import socket
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import CliResult
from tiny_argos import (
    build_copy_package,
    build_nllb_conversion,
    cached_build,
    make_project,
    write_catalog_text,
)

from pressroom.models import MODELS_DIR_ENV, list_packages, read_settings
from pressroom.project import load_project


@pytest.fixture(scope="session")
def copy_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny en->ur copy-model package, built once per session."""
    return cached_build(tmp_path_factory.getbasetemp() / "tiny-argos", "copy-ur", build_copy_package)


@pytest.fixture(scope="session")
def nllb_conversion(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny copy model shaped like an NLLB-200 CTranslate2 conversion (sin_Sinh, urd_Arab)."""
    return cached_build(
        tmp_path_factory.getbasetemp() / "tiny-nllb",
        "nllb",
        lambda folder: build_nllb_conversion(folder, language_tokens=["sin_Sinh", "urd_Arab"]),
    )


@pytest.fixture
def models_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "models"
    monkeypatch.setenv(MODELS_DIR_ENV, str(folder))
    return folder


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "project", targets=["ur", "si"])


def test_install_list_remove(
    run_cli: Callable[..., CliResult], project: Path, models_dir: Path, copy_package: Path
) -> None:
    result = run_cli("--project", project, "models", "install", copy_package)
    assert result.code == 0, result.err
    assert "installed translate-en_ur-1_0 (en → ur, version 1.0)" in result.out
    assert (models_dir / "translate-en_ur-1_0" / "model" / "model.bin").is_file()
    # argostranslate's own folders stay beside the models folder, not in $HOME, and
    # every folder in the models folder is a package argostranslate can read.
    assert (models_dir.parent / ".models-argos").is_dir()
    assert [p.name for p in models_dir.iterdir()] == ["translate-en_ur-1_0"]

    listing = run_cli("--project", project, "models", "list")
    assert listing.code == 0
    assert "translate-en_ur-1_0" in listing.out and "en → ur" in listing.out

    # Installing again replaces the package instead of failing or duplicating it.
    assert run_cli("--project", project, "models", "install", copy_package).code == 0
    assert [p.name for p in list_packages(models_dir)] == ["translate-en_ur-1_0"]

    removed = run_cli("--project", project, "models", "remove", "translate-en_ur-1_0")
    assert removed.code == 0 and "removed translate-en_ur-1_0" in removed.out
    assert list_packages(models_dir) == []
    again = run_cli("--project", project, "models", "remove", "translate-en_ur-1_0")
    assert again.code == 1
    assert "no installed package named 'translate-en_ur-1_0'" in again.err


def test_install_rejects_bad_files(
    run_cli: Callable[..., CliResult], project: Path, models_dir: Path, tmp_path: Path
) -> None:
    not_zip = tmp_path / "broken.argosmodel"
    not_zip.write_text("hello", "utf-8")
    result = run_cli("--project", project, "models", "install", not_zip)
    assert result.code == 1
    assert "broken.argosmodel: not an Argos package (not a zip archive)" in result.err

    loose = tmp_path / "loose.argosmodel"
    with zipfile.ZipFile(loose, "w") as bundle:
        bundle.writestr("metadata.json", "{}")
    result = run_cli("--project", project, "models", "install", loose)
    assert result.code == 1 and "one top-level folder holding metadata.json" in result.err

    missing = run_cli("--project", project, "models", "install", tmp_path / "absent.argosmodel")
    assert missing.code == 1 and "no such package file" in missing.err
    assert list_packages(models_dir) == []


def test_install_by_name_from_file_index(
    run_cli: Callable[..., CliResult], tmp_path: Path, models_dir: Path, copy_package: Path
) -> None:
    index_dir = tmp_path / "mirror"
    index_dir.mkdir()
    (index_dir / copy_package.name).write_bytes(copy_package.read_bytes())
    index = [
        {
            "package_version": "1.0",
            "argos_version": "1.9",
            "from_code": "en",
            "to_code": "ur",
            "type": "translate",
            "links": [copy_package.name],  # relative to the index, as a newsroom mirror has it
        }
    ]
    (index_dir / "index.json").write_text(json.dumps(index), "utf-8")
    project = make_project(
        tmp_path / "project",
        targets=["ur"],
        config=f'[translate]\nindex_url = "{(index_dir / "index.json").as_uri()}"\n',
    )
    result = run_cli("--project", project, "models", "install", "translate-en_ur")
    assert result.code == 0, result.err
    assert [p.name for p in list_packages(models_dir)] == ["translate-en_ur-1_0"]

    unknown = run_cli("--project", project, "models", "install", "translate-en_fa")
    assert unknown.code == 1
    assert "'translate-en_fa' is not in the index" in unknown.err and "translate-en_ur" in unknown.err


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.mark.parametrize("kind", ["file", "http"])
def test_unreachable_index_is_a_plain_quick_error(
    run_cli: Callable[..., CliResult], tmp_path: Path, models_dir: Path, kind: str
) -> None:
    url = (
        (tmp_path / "no-such-mirror" / "index.json").as_uri()
        if kind == "file"
        else f"http://127.0.0.1:{_free_port()}/index.json"
    )
    project = make_project(
        tmp_path / "project", targets=["ur"], config=f'[translate]\nindex_url = "{url}"\ntimeout = 5\n'
    )
    started = time.perf_counter()
    result = run_cli("--project", project, "models", "install", "translate-en_ur")
    elapsed = time.perf_counter() - started
    assert result.code == 1
    assert f"package index {url} is unreachable" in result.err
    assert "workflow.py models install FILE" in result.err  # the offline way out
    assert "Traceback" not in result.err and "RecursionError" not in result.err
    assert elapsed < 5


def test_doctor_names_package_or_fix(
    run_cli: Callable[..., CliResult], project: Path, models_dir: Path, copy_package: Path
) -> None:
    before = run_cli("--project", project, "models", "doctor")
    assert before.code == 1
    assert "MISSING" in before.out
    flat = " ".join(before.out.split())
    assert "workflow.py models install translate-en_ur" in flat
    assert "workflow.py models package-nllb DIR --lang si" in flat

    assert run_cli("--project", project, "models", "install", copy_package).code == 0
    after = run_cli("--project", project, "models", "doctor", "--lang", "ur")
    assert after.code == 0, after.out
    assert "translate-en_ur-1_0" in after.out and "1.0" in after.out and "MISSING" not in after.out


def test_models_dir_from_configuration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MODELS_DIR_ENV, raising=False)
    project = make_project(tmp_path / "p", targets=["ur"], config='[translate]\nmodels_dir = ".models"\n')
    assert read_settings(load_project(project)).models_dir == project / ".models"
    monkeypatch.setenv(MODELS_DIR_ENV, str(tmp_path / "elsewhere"))
    assert read_settings(load_project(project)).models_dir == tmp_path / "elsewhere"
    monkeypatch.delenv(MODELS_DIR_ENV)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    plain = make_project(tmp_path / "q", targets=["ur"])
    assert read_settings(load_project(plain)).models_dir == tmp_path / "xdg" / "pressroom" / "models"


def test_package_nllb_drafts_through_the_same_path(
    run_cli: Callable[..., CliResult],
    project: Path,
    models_dir: Path,
    nllb_conversion: Path,
    tmp_path: Path,
) -> None:
    archive = tmp_path / "nllb-si.argosmodel"
    result = run_cli(
        "--project", project, "models", "package-nllb", nllb_conversion, "--lang", "si", "--output", archive
    )
    assert result.code == 0, result.err
    package_dir = models_dir / "nllb-en_si-1_0"
    metadata = json.loads((package_dir / "metadata.json").read_text("utf-8"))
    assert metadata["target_prefix"] == "sin_Sinh"
    assert (metadata["from_code"], metadata["to_code"]) == ("en", "si")
    config = json.loads((package_dir / "model" / "config.json").read_text("utf-8"))
    assert config["bos_token"] == "eng_Latn"
    assert config["add_source_bos"] is True and config["add_source_eos"] is True
    assert config["decoder_start_token"] == "</s>"
    assert (package_dir / "sentencepiece.model").is_file()

    doctor = run_cli("--project", project, "models", "doctor", "--lang", "si")
    assert doctor.code == 0 and "nllb-en_si-1_0" in doctor.out

    text = "The election commission said on Friday that talks had made progress. Officials agreed!"
    path = write_catalog_text(project, "si", "story", f'msgid "{text}"\nmsgstr ""\n')
    drafted = run_cli("--project", project, "translate", "--lang", "si")
    assert drafted.code == 0, drafted.err
    po = path.read_text("utf-8")
    # The copy model echoes the source; the forced sin_Sinh token must not leak.
    assert f'msgstr ""\n"{text[:60]}' in po or f'msgstr "{text}"' in po
    assert "sin_Sinh" not in po and "sin Sinh" not in po
    assert "engine=nllb package=nllb-en_si-1_0 version=1.0" in po


def test_package_nllb_refuses_what_it_cannot_wrap(
    run_cli: Callable[..., CliResult], project: Path, models_dir: Path, nllb_conversion: Path, tmp_path: Path
) -> None:
    # The conversion has no pes_Arab token: not a model that can write Persian.
    result = run_cli(
        "--project", project, "models", "package-nllb", nllb_conversion, "--lang", "fa",
        "--output", tmp_path / "fa.argosmodel",
    )  # fmt: skip
    assert result.code == 1 and "lacks the language token(s) pes_Arab" in result.err
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run_cli("--project", project, "models", "package-nllb", empty, "--lang", "si")
    assert result.code == 1 and "not a CTranslate2 model folder (no model.bin)" in result.err
    assert "ct2-transformers-converter" in result.err
    assert list_packages(models_dir) == []
