"""Shared CLI plumbing: exit codes, the per-run context handed to handlers, argument types."""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console

from ..errors import WorkflowError
from ..project import Project, load_project

if TYPE_CHECKING:
    from ..cluster import Engine, WorkerLoad

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_REVIEW_FAILED = 3


@dataclass(slots=True)
class Context:
    """What every command handler gets: the project folder and the two consoles."""

    project_dir: Path
    out: Console
    err: Console
    _project: Project | None = field(default=None, repr=False)

    @property
    def project(self) -> Project:
        """The loaded project, read once on first use; leftovers of killed runs are removed."""
        if self._project is None:
            self._project = load_project(self.project_dir)
            self._remove_stale_temporaries(self._project)
        return self._project

    def _remove_stale_temporaries(self, project: Project) -> None:
        from ..fsio import remove_stale_temporaries

        removed = remove_stale_temporaries([project.root]) + remove_stale_temporaries(
            [project.source_dir, project.translations_dir, project.build_dir, project.root / ".cache"],
            recursive=True,
        )
        if removed:
            noun = "file" if len(removed) == 1 else "files"
            self.warn(f"removed {len(removed)} temporary {noun} left by an interrupted run")

    def warn(self, message: str) -> None:
        self.err.print(f"workflow.py: warning: {message}", markup=False)


def article_slug(value: str) -> str:
    """argparse type of an ARTICLE argument: a slug, never a path (``../../outside/x``)."""
    from ..source import check_slug

    try:
        return check_slug(value, allow_reserved=True)
    except WorkflowError as exc:
        raise argparse.ArgumentTypeError(exc.render()) from exc


def new_article_slug(value: str) -> str:
    """argparse type of ``import --slug``: a slug a new article may take (``site`` is reserved)."""
    from ..source import check_slug

    try:
        return check_slug(value)
    except WorkflowError as exc:
        raise argparse.ArgumentTypeError(exc.render()) from exc


def add_articles(parser: argparse.ArgumentParser, help_text: str = "article slugs (default: all)") -> None:
    """The ``ARTICLE ...`` positional every command that works on articles takes, checked alike."""
    parser.add_argument("articles", nargs="*", type=article_slug, metavar="ARTICLE", help=help_text)


def package_name(value: str) -> str:
    """argparse type of an installed package NAME: one folder name, nothing that leaves the folder."""
    from ..config import PACKAGE_NAME

    if not PACKAGE_NAME.fullmatch(value) or ".." in value:
        shown = value if len(value) <= 60 else value[:57] + "..."
        raise argparse.ArgumentTypeError(
            f"invalid package name {shown!r} (hint: a folder name as `models list` shows it)"
        )
    return value


def add_executor_option(parser: argparse.ArgumentParser) -> None:
    """``--executor``: where the heavy tasks of a command run (docs/cluster.md)."""
    parser.add_argument(
        "--executor",
        type=_executor_value,
        metavar="WHERE",
        help="local (default: this machine), dask (a local Dask cluster, or the one at "
        "$DASK_SCHEDULER_ADDRESS) or tcp://HOST:PORT (join that Dask scheduler); "
        "needs pip install 'pressroom[cluster]'",
    )


def _executor_value(value: str) -> str:
    """argparse check: a known executor or an address (usage error, exit 2, otherwise)."""
    from ..cluster import parse_executor
    from ..errors import ClusterError

    try:
        parse_executor(value, {})
    except ClusterError as exc:
        raise argparse.ArgumentTypeError(exc.render()) from exc
    return value


def check_executor(args: argparse.Namespace) -> None:
    """Fail now, before any work, when ``--executor`` needs an extra that is not installed."""
    from ..cluster import parse_executor, require_engine

    require_engine(parse_executor(getattr(args, "executor", None)))


@contextlib.contextmanager
def open_executor(args: argparse.Namespace, *, workers: int | None = None) -> Iterator[Engine | None]:
    """The engine ``--executor`` asks for, for the duration of the command (None: local)."""
    from ..cluster import open_engine, parse_executor

    with open_engine(parse_executor(getattr(args, "executor", None)), workers=workers) as engine:
        yield engine


def print_workers(ctx: Context, loads: Iterable[WorkerLoad], unit: str) -> None:
    """One summary line per cluster worker: its share of the work and its throughput."""
    for load in loads:
        ctx.out.print(
            f"  worker {load.worker}: {load.units} {unit} in {load.tasks} tasks, "
            f"{load.seconds:.1f}s busy, {load.rate:.1f} {unit}/s",
            markup=False,
        )
