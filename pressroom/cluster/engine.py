"""Executor choice and the engine interface every distributed backend implements.

Input: the ``--executor`` value (``local``, ``dask`` or a scheduler address) and the
environment. Output: an :class:`ExecutorSpec`, and from :func:`open_engine` an
:class:`Engine` (or None for ``local``: the stages keep their own in-process and
process-pool paths, unchanged).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from ..errors import ClusterError

ADDRESS_ENV = "DASK_SCHEDULER_ADDRESS"
"""Dask's own variable: ``--executor dask`` joins this scheduler instead of starting one."""
INSTALL_HINT = "pip install 'pressroom[cluster]'"
EXECUTOR_CHOICES = "local, dask or a scheduler address tcp://HOST:PORT"
_SCHEMES = ("tcp://", "tls://")

S = TypeVar("S")
T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True, slots=True, kw_only=True)
class ExecutorSpec:
    """Where a run's tasks go."""

    kind: str
    """``local`` (this machine, the stage's own pool) or ``dask``."""
    address: str | None = None
    """Scheduler to join; None with ``dask`` starts an embedded local cluster."""

    @property
    def is_local(self) -> bool:
        return self.kind == "local"

    def describe(self) -> str:
        if self.is_local:
            return "local"
        return f"dask scheduler {self.address}" if self.address else "dask (embedded local cluster)"


def parse_executor(value: str | None, environ: Mapping[str, str] | None = None) -> ExecutorSpec:
    """The spec for an ``--executor`` value; None means ``local``.

    ``dask`` follows Dask's own rule: join ``$DASK_SCHEDULER_ADDRESS`` when it is set,
    else start a local cluster. The variable alone never moves a run off ``local``.
    """
    env = os.environ if environ is None else environ
    text = (value or "local").strip()
    if text == "local":
        return ExecutorSpec(kind="local")
    if text == "dask":
        address = env.get(ADDRESS_ENV, "").strip()
        return ExecutorSpec(kind="dask", address=address or None)
    if text.startswith(_SCHEMES) and len(text) > len("tcp://"):
        return ExecutorSpec(kind="dask", address=text)
    raise ClusterError(f"unknown executor {text!r}", hint=f"use {EXECUTOR_CHOICES}")


@dataclass(frozen=True, slots=True, kw_only=True)
class Outcome(Generic[R]):
    """One finished task."""

    index: int
    """Position of the task in the sequence given to :meth:`Engine.map`."""
    value: R
    worker: str
    """Address (or name) of the worker that ran it."""
    seconds: float
    """Time the task ran on the worker, transfer excluded."""


@dataclass(slots=True, kw_only=True)
class WorkerLoad:
    """What one worker did in a run, for the summary."""

    worker: str
    tasks: int = 0
    units: int = 0
    """Sentences decoded, pages laid out."""
    seconds: float = 0.0
    """Busy time on the worker."""

    @property
    def rate(self) -> float:
        """Units per busy second."""
        return self.units / self.seconds if self.seconds > 0 else 0.0


def record_load(loads: dict[str, WorkerLoad], outcome: Outcome[Any], units: int) -> None:
    """Count ``outcome`` (``units`` of work) to its worker in ``loads``."""
    load = loads.setdefault(outcome.worker, WorkerLoad(worker=outcome.worker))
    load.tasks += 1
    load.units += units
    load.seconds += outcome.seconds


class Engine(Protocol):
    """A distributed engine: runs pure tasks on its workers, results back to this process."""

    description: str

    def slots(self) -> int:
        """Tasks the workers can run at once (threads over all workers), at least 1."""
        ...

    def map(self, fn: Callable[[S, T], R], shared: S, items: Iterable[T]) -> Iterator[Outcome[R]]:
        """Run ``fn(shared, item)`` for every item; yield each outcome as it finishes.

        ``items`` is consumed lazily, a window of tasks ahead of the results, so a
        generator can prepare each task just in time. ``shared`` goes to each
        worker once, not with every task. A worker lost
        mid-task has its tasks retried elsewhere by the engine; an exception a task
        raises is raised here, as on one machine. Stopping the iteration cancels
        the tasks not yet finished.
        """
        ...

    def close(self) -> None:
        """Let go of the cluster (and stop it, when this engine started it)."""
        ...
