"""Translate and render on a real multi-process Dask cluster: same bytes as a local run, kill-safe.

The cluster is ``dask scheduler`` plus ``dask worker`` processes on 127.0.0.1
(``tests/dask_cluster.py``), each worker in its own scratch folder: the workers get
the model, the pages and their fonts through Dask, never through the project's
files. The archive is a small synthetic one (``benchmarks/archive.py``) drafted by
the tiny copying Argos package, so every draft is exact; the local run's catalogs
and build folder are the oracle, compared byte for byte (PDFs included: same
WeasyPrint, same HTML, same file URLs, so the same bytes).
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

# The cluster extra is part of the test set-up (./dev.sh test installs it): a missing
# extra fails here at import instead of skipping the cluster tests.
import distributed  # noqa: F401
import pytest
from conftest import CliResult, gnu_check
from dask_cluster import LocalDaskCluster, local_dask_cluster, worker_names
from tiny_argos import build_copy_package, cached_build, make_project

from benchmarks.archive import generate_archive
from pressroom.cli import main
from pressroom.cluster import ExecutorSpec, FileBundle, open_engine, parse_executor
from pressroom.cluster.dask import DaskEngine
from pressroom.draft import Progress, draft_missing
from pressroom.errors import ClusterError, RenderError
from pressroom.models import MODELS_DIR_ENV
from pressroom.mt.remote import ClusterDecoding
from pressroom.project import load_project
from pressroom.rendering import render
from pressroom.rendering.executor_dask import ClusterExecutor

EPOCH = "1700000000"
GLOSSARY = "english,acronym,kind,case_sensitive,ur,note\nKarachi,,place,no,کراچی,\nLahore,,place,no,لاہور,\n"
CONFIG = '[translate]\nmax_batch_tokens = 500\n[render]\nsearchable_text = "none"\n'


def files(folder: Path) -> dict[str, bytes]:
    paths = sorted(p for p in folder.rglob("*") if p.is_file())
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in paths}


@dataclass
class Archive:
    """The synthetic archive and what a local run made of it."""

    root: Path
    extracted: dict[str, bytes]
    """translations/ right after extract."""
    translated: dict[str, bytes]
    """translations/ after a local ``translate``."""
    built: dict[str, bytes]
    """build/ after a local ``render --drafts``."""

    def reset_translations(self, contents: dict[str, bytes]) -> None:
        """translations/ as given, and no draft cache."""
        for name, data in contents.items():
            (self.root / "translations" / name).write_bytes(data)
        shutil.rmtree(self.root / ".cache", ignore_errors=True)

    def catalogs(self) -> list[Path]:
        return sorted((self.root / "translations" / "ur").glob("*.po"))


def cli(*argv: str | Path) -> int:
    return main([str(a) for a in argv])


@pytest.fixture(scope="module")
def environment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Models folder and draft dates for the whole module; no scheduler from the caller's shell."""
    folder = tmp_path_factory.mktemp("cluster-env")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(MODELS_DIR_ENV, str(folder / "models"))
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        patch.delenv("DASK_SCHEDULER_ADDRESS", raising=False)
        yield folder


@pytest.fixture(scope="module")
def archive(environment: Path) -> Archive:
    """Two synthetic articles in Urdu: extracted, then translated and rendered locally."""
    package = cached_build(environment.parent / "tiny-argos", "copy-ur", build_copy_package)
    root = make_project(environment / "archive", targets=["ur"], config=CONFIG, glossary=GLOSSARY)
    assert cli("--project", root, "-q", "models", "install", package) == 0
    generate_archive(root, 2, seed=4)
    assert cli("--project", root, "-q", "extract") == 0
    extracted = files(root / "translations")
    assert cli("--project", root, "-q", "translate") == 0
    translated = files(root / "translations")
    assert translated != extracted
    assert cli("--project", root, "-q", "render", "--drafts") == 0
    built = files(root / "build")
    assert sum(name.endswith(".pdf") for name in built) == 6  # 2 x (en, ur, ur bilingual)
    return Archive(root=root, extracted=extracted, translated=translated, built=built)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalDaskCluster]:
    """A scheduler and two worker processes, shared by the tests that kill nothing."""
    with local_dask_cluster(tmp_path_factory.mktemp("dask"), workers=2) as running:
        yield running


def test_translate_on_a_cluster_writes_the_catalogs_of_a_local_run(
    run_cli: Callable[..., CliResult], archive: Archive, cluster: LocalDaskCluster
) -> None:
    archive.reset_translations(archive.extracted)
    result = run_cli("--project", archive.root, "translate", "--executor", cluster.address)
    assert result.code == 0, result.err
    assert files(archive.root / "translations") == archive.translated
    for path in archive.catalogs():
        gnu_check(path)
    assert result.out.count("worker tcp://127.0.0.1:") >= 1
    assert "sentences/s" in result.out
    # The model reached the workers through Dask, into their own scratch folders.
    shipped = list(cluster.folder.glob("worker-*/**/pressroom-bundles/*/model/model.bin"))
    assert shipped


def test_render_on_a_cluster_writes_the_files_of_a_local_run(
    run_cli: Callable[..., CliResult], archive: Archive, cluster: LocalDaskCluster
) -> None:
    archive.reset_translations(archive.translated)
    shutil.rmtree(archive.root / "build")
    result = run_cli("--project", archive.root, "render", "--drafts", "--executor", cluster.address)
    assert result.code == 0, result.err
    assert files(archive.root / "build") == archive.built  # HTML, PDF, CSS, fonts, the manifest
    assert "PDFs/s" in result.out


def _kill_a_busy_worker(running: LocalDaskCluster, engine: DaskEngine) -> str:
    """SIGKILL a worker that has tasks assigned right now; return its name."""
    names = worker_names(running.address)
    for _ in range(200):
        busy = [address for address, keys in engine.client.processing().items() if keys]
        if busy:
            name = names[busy[0]]
            running.kill(name)
            return name
    raise AssertionError("no worker was ever busy")


def test_a_worker_killed_mid_translate_and_the_run_completes(
    archive: Archive, cluster: LocalDaskCluster
) -> None:
    archive.reset_translations(archive.extracted)
    cluster.ensure_workers(2)  # one to kill, one to finish
    killed: list[str] = []
    with open_engine(ExecutorSpec(kind="dask", address=cluster.address)) as engine:
        assert isinstance(engine, DaskEngine)

        def progress(step: Progress) -> None:
            if step.sentences_done and not killed:
                killed.append(_kill_a_busy_worker(cluster, engine))

        draft_missing(load_project(archive.root), progress=progress, decoding=ClusterDecoding(engine))
    assert killed, "the run ended before a worker could be killed"
    assert cluster.workers[killed[0]].returncode == -9
    for path in archive.catalogs():
        gnu_check(path)  # whole, valid catalogs: nothing half-written
    assert files(archive.root / "translations") == archive.translated


def test_a_worker_killed_mid_render_and_the_run_completes(
    archive: Archive, cluster: LocalDaskCluster
) -> None:
    archive.reset_translations(archive.translated)
    shutil.rmtree(archive.root / "build")
    cluster.ensure_workers(2)
    killed: list[str] = []
    with open_engine(ExecutorSpec(kind="dask", address=cluster.address)) as engine:
        assert isinstance(engine, DaskEngine)
        executor = ClusterExecutor(engine)

        def progress(done: int, total: int, what: str) -> None:
            if not killed:
                killed.append(_kill_a_busy_worker(cluster, engine))

        render(load_project(archive.root), include_drafts=True, executor=executor, progress=progress)
    assert killed
    assert cluster.workers[killed[0]].returncode == -9
    assert files(archive.root / "build") == archive.built
    assert sum(load.units for load in executor.loads.values()) == 6  # each PDF counted once


def test_page_warnings_are_reported_as_on_one_machine(
    run_cli: Callable[..., CliResult], archive: Archive, cluster: LocalDaskCluster, tmp_path: Path
) -> None:
    # A private-use character no font has: a warning naming the page, from whichever
    # machine built and laid it out, and the same files.
    archive.reset_translations(archive.translated)
    catalog = archive.catalogs()[0]
    text = catalog.read_text("utf-8")
    first = text.index('msgstr "', text.index("msgid", text.index('msgstr ""') + 1)) + len('msgstr "')
    catalog.write_text(text[:first] + "\U000f0041 " + text[first:], "utf-8")
    try:
        runs = []
        for executor in ("local", cluster.address):
            result = run_cli(
                "--project", archive.root, "render", "--drafts", "--lang", "ur", "--format", "pdf",
                "--output", tmp_path / executor.replace("/", "_"), "--executor", executor,
            )  # fmt: skip
            warnings = [line for line in result.err.splitlines() if "U+F0041" in line]
            runs.append((result.code, warnings))
    finally:
        archive.reset_translations(archive.translated)
    assert runs[0] == runs[1]
    assert runs[0][1], "no warning about the character"


def test_a_task_that_fails_for_its_own_reason_comes_back_as_on_one_machine(
    cluster: LocalDaskCluster,
) -> None:
    from pressroom.rendering.executor_dask import PdfAssets, PdfJob, layout_pdf

    # A PDF variant WeasyPrint does not know (the config schema refuses it; the task
    # itself must still fail cleanly): the error crosses the engine as it is.
    assets = PdfAssets(
        output_dir="/srv/build",
        files=FileBundle(files=(), digest="0" * 64),
        variant="pdf/x-9",
        searchable_text="none",
    )
    job = PdfJob(html="<p>text</p>", html_rel="en/a.html", media=())
    here = layout_pdf(assets, job)
    with open_engine(parse_executor(cluster.address)) as engine:
        assert engine is not None
        (there,) = [outcome.value for outcome in engine.map(layout_pdf, assets, [job])]
    assert isinstance(here.error, RenderError) and isinstance(there.error, RenderError)
    assert str(there.error) == str(here.error)
    assert "/srv/build/en/a.html: PDF rendering failed" in str(there.error)


def test_executor_values_and_the_missing_extra(
    run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert parse_executor(None, {}) == ExecutorSpec(kind="local")
    assert parse_executor(None, {"DASK_SCHEDULER_ADDRESS": "tcp://10.0.0.1:8786"}).is_local
    assert parse_executor("dask", {}) == ExecutorSpec(kind="dask")
    assert parse_executor("dask", {"DASK_SCHEDULER_ADDRESS": "tcp://h:1"}).address == "tcp://h:1"
    assert parse_executor("tcp://127.0.0.1:8786").address == "tcp://127.0.0.1:8786"
    with pytest.raises(ClusterError, match="unknown executor 'ray'"):
        parse_executor("ray")
    root = make_project(tmp_path / "p", targets=["ur"])
    usage = run_cli("--project", root, "render", "--executor", "ray")
    assert usage.code == 2 and "local, dask or a scheduler address" in usage.err
    monkeypatch.setitem(sys.modules, "distributed", None)  # not installed
    for command in ("translate", "render", "build"):
        result = run_cli("--project", root, command, "--executor", "dask")
        assert result.code == 1
        assert result.err.strip().splitlines() == [
            "workflow.py: error: --executor dask needs Dask distributed, an optional extra "
            "(hint: pip install 'pressroom[cluster]')"
        ]


def test_a_local_cluster_leaves_this_process_environment_as_it_was() -> None:
    """Dask's nanny writes its workers' variables into the starting process; they go back out.

    Before, every program started afterwards (a benchmark's decoding children, msgcat)
    inherited ``OMP_NUM_THREADS=1`` and Dask's allocator settings.
    """
    import os

    before = dict(os.environ)
    assert "OMP_NUM_THREADS" not in before or before["OMP_NUM_THREADS"] != "1"
    with open_engine(parse_executor("dask", {}), workers=1) as engine:
        assert dict(os.environ) == before
        seen = getattr(engine, "client").run(lambda: os.environ.get("OMP_NUM_THREADS"))  # noqa: B009
        assert list(seen.values()) == ["1"]  # the worker keeps Dask's own
    assert dict(os.environ) == before


def test_shipped_files_are_written_whole_once_and_served_only_from_the_build_folder(tmp_path: Path) -> None:
    from pressroom.cluster import bundle_files, materialise
    from pressroom.cluster.state import FileBundle
    from pressroom.rendering.executor_dask import shipped_fetcher
    from pressroom.rendering.pdf import FetchRefused

    source = tmp_path / "package"
    (source / "model").mkdir(parents=True)
    (source / "model" / "model.bin").write_bytes(b"\0weights")
    (source / "metadata.json").write_text("{}", "utf-8")
    bundle = bundle_files(source)
    first = materialise(bundle, tmp_path / "worker")
    assert files(first) == {**files(source), ".pressroom-complete": bundle.digest.encode()}
    (first / "model" / "model.bin").write_bytes(b"changed")  # not rewritten: written once per content
    assert materialise(bundle, tmp_path / "worker") == first
    assert (first / "model" / "model.bin").read_bytes() == b"changed"
    evil = FileBundle(files=(("../escape", b"x"),), digest="0" * 64)
    with pytest.raises(ValueError):
        materialise(evil, tmp_path / "worker")
    assert not (tmp_path / "worker" / "escape").exists()
    assert not list((tmp_path / "worker" / "pressroom-bundles").glob(".staging-*"))

    fetcher = shipped_fetcher("/srv/build", {"css/site.css": b"body{}"})
    response = fetcher.fetch("file:///srv/build/ur/../css/site.css")
    assert (response.url, response.headers["Content-Type"]) == ("file:///srv/build/css/site.css", "text/css")
    for url in ("file:///srv/build/css/other.css", "file:///etc/passwd", "https://example.org/a.css"):
        with pytest.raises(FetchRefused):
            fetcher.fetch(url)
