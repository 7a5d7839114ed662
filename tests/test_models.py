"""Translation packages: install (file and index), list, remove, doctor, NLLB wrapping.

Everything runs on a real Argos package built by the suite (tests/tiny_argos.py), in a
temporary models folder; nothing touches the network or the user's home.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import socket
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

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


@contextlib.contextmanager
def serve(directory: Path | None = None, handler: Any = None) -> Iterator[str]:
    """A local http server (127.0.0.1) for ``directory``, or with ``handler``; yields its base URL."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), handler or functools.partial(Quiet, directory=str(directory))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


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
    # Every folder in the models folder is a package argostranslate can read: the
    # install unpacked into a hidden folder and left nothing behind.
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


def _mirror(tmp_path: Path, copy_package: Path, *, links: object = None) -> Path:
    """A folder holding the package and an index.json linking to it (relative link by default)."""
    index_dir = tmp_path / "mirror"
    index_dir.mkdir(exist_ok=True)
    (index_dir / copy_package.name).write_bytes(copy_package.read_bytes())
    index = [
        {
            "package_version": "1.0",
            "argos_version": "1.9",
            "from_code": "en",
            "to_code": "ur",
            "type": "translate",
            "links": [copy_package.name] if links is None else links,  # relative, as a mirror has it
        }
    ]
    (index_dir / "index.json").write_text(json.dumps(index), "utf-8")
    return index_dir


def _index_project(tmp_path: Path, url: str, extra: str = "") -> Path:
    return make_project(
        tmp_path / "project", targets=["ur"], config=f'[translate]\nindex_url = "{url}"\n{extra}'
    )


def test_install_by_name_from_http_index(
    run_cli: Callable[..., CliResult], tmp_path: Path, models_dir: Path, copy_package: Path
) -> None:
    with serve(_mirror(tmp_path, copy_package)) as base:
        project = _index_project(tmp_path, f"{base}/index.json")
        result = run_cli("--project", project, "models", "install", "translate-en_ur")
        assert result.code == 0, result.err
        assert [p.name for p in list_packages(models_dir)] == ["translate-en_ur-1_0"]

        unknown = run_cli("--project", project, "models", "install", "translate-en_fa")
    assert unknown.code == 1
    assert "'translate-en_fa' is not in the index" in unknown.err and "translate-en_ur" in unknown.err
    # Nothing of the download is left beside the models.
    assert list((models_dir.parent / ".models-argos" / "downloads").iterdir()) == []


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_unreachable_index_is_a_plain_quick_error(
    run_cli: Callable[..., CliResult], tmp_path: Path, models_dir: Path
) -> None:
    url = f"http://127.0.0.1:{_free_port()}/index.json"
    project = _index_project(tmp_path, url, "timeout = 5\n")
    started = time.perf_counter()
    result = run_cli("--project", project, "models", "install", "translate-en_ur")
    elapsed = time.perf_counter() - started
    assert result.code == 1
    assert f"package index {url} is unreachable" in result.err
    assert "workflow.py models install FILE" in result.err  # the offline way out
    assert "Traceback" not in result.err and "RecursionError" not in result.err
    assert elapsed < 5


def test_index_is_fetched_over_http_only(
    run_cli: Callable[..., CliResult], tmp_path: Path, models_dir: Path, copy_package: Path
) -> None:
    secret = tmp_path / "secret.json"
    secret.write_text("[]", "utf-8")
    project = _index_project(tmp_path, secret.as_uri())
    result = run_cli("--project", project, "models", "install", "translate-en_ur")
    assert result.code == 1
    assert "only http:// and https:// URLs are fetched" in result.err
    assert "python3 -m http.server" in result.err

    # Neither a redirect nor a link in the index leads to a local file (or ftp).
    class Redirect(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(302)
            self.send_header("Location", secret.as_uri() if "file" in self.path else "ftp://127.0.0.1/x")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    with serve(handler=Redirect) as base:
        to_file = run_cli("--project", _index_project(tmp_path / "r", f"{base}/file.json"), "models",
                          "install", "translate-en_ur")  # fmt: skip
        to_ftp = run_cli("--project", _index_project(tmp_path / "s", f"{base}/ftp.json"), "models",
                         "install", "translate-en_ur")  # fmt: skip
    assert to_file.code == 1 and "is not allowed" in to_file.err, to_file.err
    assert to_ftp.code == 1 and "refused (http and https only)" in to_ftp.err, to_ftp.err
    local_link = (tmp_path / "mirror" / copy_package.name).as_uri()
    with serve(_mirror(tmp_path, copy_package, links=[local_link])) as base:
        result = run_cli("--project", _index_project(tmp_path / "l", f"{base}/index.json"), "models",
                         "install", "translate-en_ur")  # fmt: skip
    assert result.code == 1 and "has no http(s) download link" in result.err
    assert list_packages(models_dir) == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'[{"from_code": "en", "to_code": "ur", "links": 5}]', "has no http(s) download link"),
        (b'[{"from_code": "en", "to_code": "ur", "links": null}]', "has no http(s) download link"),
        (b'[{"from_code": 3, "to_code": "ur"}]', "'translate-en_ur' is not in the index"),
        (b"[" * 100_000 + b"]" * 100_000, "is not JSON"),
        (b'{"packages": []}', "is not a list of packages"),
    ],
    ids=["links-int", "links-null", "code-int", "nested-100k", "object"],
)
def test_malformed_index_is_a_clean_error(
    run_cli: Callable[..., CliResult], tmp_path: Path, models_dir: Path, body: bytes, message: str
) -> None:
    (tmp_path / "mirror").mkdir()
    (tmp_path / "mirror" / "index.json").write_bytes(body)
    with serve(tmp_path / "mirror") as base:
        result = run_cli("--project", _index_project(tmp_path, f"{base}/index.json"), "models",
                         "install", "translate-en_ur")  # fmt: skip
    assert result.code == 1, result.err
    assert message in result.err and "Traceback" not in result.err


class _Trickle(http.server.BaseHTTPRequestHandler):
    """Promises 100 kB and sends a byte every 50 ms: each read is quick, the whole never ends."""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "100000")
        self.end_headers()
        with contextlib.suppress(OSError):
            for _ in range(2000):
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(0.05)

    def log_message(self, *args: object) -> None:
        pass


def test_slow_index_is_cut_off_at_the_timeout(
    run_cli: Callable[..., CliResult], tmp_path: Path, models_dir: Path
) -> None:
    with serve(handler=_Trickle) as base:
        url = f"{base}/index.json"
        started = time.perf_counter()
        result = run_cli("--project", _index_project(tmp_path, url, "timeout = 1.5\n"), "models",
                         "install", "translate-en_ur")  # fmt: skip
        elapsed = time.perf_counter() - started
    assert result.code == 1
    assert f"package index {url} did not arrive within 1.5 s" in result.err
    assert elapsed < 4


def test_download_is_streamed_within_the_size_limit(
    run_cli: Callable[..., CliResult], tmp_path: Path, models_dir: Path, copy_package: Path
) -> None:
    assert copy_package.stat().st_size < 1024 * 1024 < 17 * 1024 * 1024  # small archive, big unpacked
    with serve(_mirror(tmp_path, copy_package)) as base:
        project = _index_project(tmp_path, f"{base}/index.json", "max_package_mb = 1\n")
        result = run_cli("--project", project, "models", "install", "translate-en_ur")
    assert result.code == 1
    assert "the package unpacks to 16 MB, more than the limit of 1 MB" in result.err
    assert "max_package_mb" in result.err
    assert list_packages(models_dir) == []
    assert [p.name for p in models_dir.iterdir()] == [] if models_dir.exists() else True


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


def repack(
    source: Path,
    target: Path,
    *,
    root: str | None = None,
    replace: dict[str, bytes] | None = None,
    extra: tuple[tuple[str | zipfile.ZipInfo, bytes], ...] = (),
) -> Path:
    """A copy of the archive ``source`` with another folder name, files replaced or added."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            old_root, _, rest = info.filename.partition("/")
            data = b"" if info.is_dir() else (replace or {}).get(rest, old.read(info))
            new.writestr(f"{root or old_root}/{rest}", data)
        for name, data in extra:
            new.writestr(name, data)
    return target


def _tree_digest(folder: Path) -> dict[str, int]:
    return {
        str(p.relative_to(folder)): hash(p.read_bytes()) for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_broken_reinstall_leaves_the_installed_package_working(
    run_cli: Callable[..., CliResult], project: Path, models_dir: Path, copy_package: Path, tmp_path: Path
) -> None:
    assert run_cli("--project", project, "models", "install", copy_package).code == 0
    installed = models_dir / "translate-en_ur-1_0"
    before = _tree_digest(installed)
    bad_metadata = repack(copy_package, tmp_path / "a.argosmodel", replace={"metadata.json": b"{not json"})
    bad_model = repack(copy_package, tmp_path / "b.argosmodel", replace={"model/model.bin": b"\0" * 100})
    for archive, message in ((bad_metadata, "bad package metadata"), (bad_model, "its model does not load")):
        result = run_cli("--project", project, "models", "install", archive)
        assert result.code == 1 and message in result.err and "nothing was installed" in result.err, (
            result.err
        )
        assert "Traceback" not in result.err
        assert _tree_digest(installed) == before
        assert [p.name for p in models_dir.iterdir()] == ["translate-en_ur-1_0"]
        assert run_cli("--project", project, "models", "list").code == 0
        doctor = run_cli("--project", project, "models", "doctor", "--lang", "ur")
        assert doctor.code == 0 and "translate-en_ur-1_0" in doctor.out


def _metadata(copy_package: Path, **changes: str) -> bytes:
    with zipfile.ZipFile(copy_package) as bundle:
        metadata = json.loads(bundle.read("translate-en_ur-1_0/metadata.json"))
    metadata.update(changes)
    return json.dumps(metadata).encode()


def test_a_package_is_identified_by_its_metadata(
    run_cli: Callable[..., CliResult], project: Path, models_dir: Path, copy_package: Path, tmp_path: Path
) -> None:
    persian = repack(
        copy_package,
        tmp_path / "fa.argosmodel",
        root="translate-en_fa-1_0",
        replace={"metadata.json": _metadata(copy_package, to_code="fa")},
    )
    assert run_cli("--project", project, "models", "install", persian).code == 0
    # Folder name en->fa, metadata en->ur: refused, the real fa package stays.
    mislabelled = repack(copy_package, tmp_path / "x.argosmodel", root="translate-en_fa-1_0")
    result = run_cli("--project", project, "models", "install", mislabelled)
    assert result.code == 1
    assert (
        "the package folder translate-en_fa-1_0 says en->fa, but its metadata.json says en->ur" in result.err
    )
    assert [(p.name, p.to_code) for p in list_packages(models_dir)] == [("translate-en_fa-1_0", "fa")]
    # A name the metadata cannot contradict, taken by another pair: a collision.
    house = repack(
        copy_package,
        tmp_path / "house-fa.argosmodel",
        root="newsroom-model",
        replace={"metadata.json": _metadata(copy_package, to_code="fa")},
    )
    assert run_cli("--project", project, "models", "install", house).code == 0
    other = repack(copy_package, tmp_path / "house-ur.argosmodel", root="newsroom-model")
    result = run_cli("--project", project, "models", "install", other)
    assert result.code == 1
    assert (
        "a package named newsroom-model is installed for en->fa (argos); this archive holds en->ur"
        in result.err
    )
    assert "workflow.py models remove newsroom-model" in result.err
    assert {p.name: p.to_code for p in list_packages(models_dir)} == {
        "newsroom-model": "fa",
        "translate-en_fa-1_0": "fa",
    }


def test_archive_entries_cannot_leave_the_package(
    run_cli: Callable[..., CliResult], project: Path, models_dir: Path, copy_package: Path, tmp_path: Path
) -> None:
    link = zipfile.ZipInfo("translate-en_ur-1_0/model/vocab")
    link.external_attr = (0o120777) << 16  # a symbolic link
    for number, (entry, message) in enumerate(
        [
            ("translate-en_ur-1_0/../../escaped.txt", "would be written outside the package"),
            ("translate-en_ur-1_0//etc/passwd", "would be written outside the package"),
            (link, "not a plain file"),
        ]
    ):
        payload = b"/etc/passwd" if isinstance(entry, zipfile.ZipInfo) else b"pwned"
        archive = repack(copy_package, tmp_path / f"slip{number}.argosmodel", extra=((entry, payload),))
        result = run_cli("--project", project, "models", "install", archive)
        assert result.code == 1 and message in result.err, result.err
    assert not (tmp_path / "escaped.txt").exists() and not (models_dir.parent / "escaped.txt").exists()
    assert list_packages(models_dir) == []


def test_zip_bomb_is_refused(
    run_cli: Callable[..., CliResult], project: Path, models_dir: Path, copy_package: Path, tmp_path: Path
) -> None:
    bomb = repack(
        copy_package, tmp_path / "bomb.argosmodel", extra=(("translate-en_ur-1_0/pad.bin", bytes(80 << 20)),)
    )
    assert bomb.stat().st_size < 1 << 20
    result = run_cli("--project", project, "models", "install", bomb)
    assert result.code == 1 and "refusing a zip bomb" in result.err, result.err
    assert list_packages(models_dir) == []
    assert not models_dir.exists() or list(models_dir.iterdir()) == []


def test_doctor_loads_each_model_and_translate_names_a_damaged_one(
    run_cli: Callable[..., CliResult], project: Path, models_dir: Path, copy_package: Path
) -> None:
    assert run_cli("--project", project, "models", "install", copy_package).code == 0
    model = models_dir / "translate-en_ur-1_0" / "model" / "model.bin"
    model.write_bytes(model.read_bytes()[: model.stat().st_size // 2])  # a copy cut short
    doctor = run_cli("--project", project, "models", "doctor", "--lang", "ur")
    assert doctor.code == 1
    assert "translate-en_ur-1_0: does not load:" in doctor.out and "MISSING" in doctor.out
    path = write_catalog_text(project, "ur", "story", 'msgid "Officials said so."\nmsgstr ""\n')
    before = path.read_bytes()
    result = run_cli("--project", project, "translate", "--lang", "ur")
    assert result.code == 1
    assert "package translate-en_ur-1_0 does not load" in result.err and "models doctor" in result.err
    assert "Traceback" not in result.err
    assert path.read_bytes() == before


def test_an_unreadable_package_folder_is_reported_and_removable(
    run_cli: Callable[..., CliResult], project: Path, models_dir: Path, copy_package: Path
) -> None:
    assert run_cli("--project", project, "models", "install", copy_package).code == 0
    broken = models_dir / "translate-en_fa-1_0"
    broken.mkdir()
    (broken / "metadata.json").write_text("{not json", "utf-8")
    listing = run_cli("--project", project, "models", "list")
    assert listing.code == 0 and "translate-en_ur-1_0" in listing.out
    assert "bad package metadata" in listing.err
    assert "workflow.py models remove translate-en_fa-1_0" in listing.err
    doctor = run_cli("--project", project, "models", "doctor", "--lang", "ur")
    assert doctor.code == 0 and "unreadable package folder" in doctor.out
    removed = run_cli("--project", project, "models", "remove", "translate-en_fa-1_0")
    assert removed.code == 0, removed.err
    assert [p.name for p in models_dir.iterdir()] == ["translate-en_ur-1_0"]
