"""The Dask distributed engine: tasks on a scheduler's workers, results back to the driver.

Input: a scheduler address to join, or none to start a local cluster of worker
processes (each behind a nanny that restarts it if it dies). Output: the
:class:`~.engine.Engine` interface. Shared data is scattered to every worker once
per run; tasks are submitted in a window of about twice the workers' threads, so a
run of millions of sentences never sits in the scheduler at once and a killed
driver loses only the tasks in flight. A worker lost mid-task is the scheduler's
business: it reruns the task elsewhere (up to ``distributed.scheduler.allowed-failures``
times, then :class:`~pressroom.errors.ClusterError`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from ..errors import ClusterError, WorkflowError
from .engine import Outcome
from .state import undo_malloc_trim

S = TypeVar("S")
T = TypeVar("T")
R = TypeVar("R")

CONNECT_TIMEOUT = "20s"
WORKER_TIMEOUT = 60.0
"""Seconds to wait for the first worker to join the scheduler."""
VERSIONED = ("pressroom", "weasyprint", "ctranslate2", "sentencepiece")
"""Distributions whose versions must match on the driver and every worker: they make the bytes."""


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for name in VERSIONED:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "missing"
    return found


def _run_task(fn: Callable[[S, T], R], shared: S, item: T) -> tuple[R | WorkflowError, str, float]:
    """Worker side: run one task; return its value, this worker's address and the time it took.

    A ``WorkflowError`` (a bad page, a missing font) comes back as the value, to be
    raised by the driver as on one machine, rather than as a crash in the worker's log.
    """
    from distributed import get_worker

    undo_malloc_trim()
    started = time.perf_counter()
    value: R | WorkflowError
    try:
        value = fn(shared, item)
    except WorkflowError as exc:
        value = exc
    return value, get_worker().address, time.perf_counter() - started


class DaskEngine:
    """An :class:`~.engine.Engine` on a Dask cluster: joined by address, or started here."""

    def __init__(self, address: str | None, *, workers: int | None = None) -> None:
        from distributed import Client, LocalCluster

        self._cluster: Any = None
        try:
            if address:
                self.client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
                self.description = f"dask scheduler {address}"
            else:
                count = max(1, workers or os.cpu_count() or 1)
                with _environment_kept():
                    self._cluster = LocalCluster(
                        n_workers=count,
                        threads_per_worker=1,
                        processes=True,
                        host="127.0.0.1",
                        # The scheduler serves HTTP (health, metrics) whatever this says;
                        # None means port 8787, taken by the first cluster on the machine.
                        dashboard_address="127.0.0.1:0",
                        silence_logs=logging.ERROR,
                    )
                self.client = Client(self._cluster, set_as_default=False)
                self.description = f"dask local cluster, {count} workers"
        except OSError as exc:  # distributed raises OSError("Timed out trying to connect ...")
            self.close()
            raise ClusterError(
                f"cannot reach the Dask scheduler at {address}: {exc}",
                hint="start one with `dask scheduler`, or use --executor dask for a local cluster",
            ) from exc
        try:
            try:
                self.client.wait_for_workers(1, timeout=WORKER_TIMEOUT)
            except TimeoutError as exc:
                raise ClusterError(
                    f"no worker joined {self.description} within {WORKER_TIMEOUT:.0f}s",
                    hint="start workers with `dask worker ADDRESS`",
                ) from exc
            self._check_versions()
        except BaseException:
            self.close()
            raise

    def _check_versions(self) -> None:
        """Refuse workers whose pressroom or renderer/decoder versions differ from ours."""
        ours = _versions()
        for worker, theirs in sorted(self.client.run(_versions).items()):
            wrong = [f"{name} {theirs.get(name)}" for name in VERSIONED if theirs.get(name) != ours[name]]
            if wrong:
                mine = ", ".join(f"{name} {ours[name]}" for name in VERSIONED)
                raise ClusterError(
                    f"worker {worker} runs {', '.join(wrong)}; this machine runs {mine}",
                    hint="install the same pressroom and uv.lock on every worker",
                )

    def slots(self) -> int:
        return max(1, int(sum(self.client.nthreads().values())))

    def map(self, fn: Callable[[S, T], R], shared: S, items: Iterable[T]) -> Iterator[Outcome[R]]:
        import itertools

        from distributed import as_completed

        numbered = enumerate(items)
        first = next(numbered, None)
        if first is None:
            return
        pending = itertools.chain([first], numbered)
        shared_future = self.client.scatter(shared, broadcast=True, hash=False)
        run = uuid.uuid4().hex[:8]
        in_flight: dict[str, tuple[int, Any]] = {}
        queue = as_completed([], loop=self.client.loop, with_results=True, raise_errors=False)

        def submit_more() -> None:
            window = 2 * self.slots()
            while len(in_flight) < window:
                following = next(pending, None)
                if following is None:
                    return
                index, item = following
                future = self.client.submit(
                    _run_task,
                    fn,
                    shared_future,
                    item,
                    key=f"pressroom-{getattr(fn, '__name__', 'task')}-{run}-{index}",
                    pure=False,
                )
                in_flight[str(future.key)] = (index, future)
                queue.add(future)

        try:
            submit_more()
            for future, result in queue:
                index, _ = in_flight.pop(str(future.key))
                if future.status == "error":
                    _, exc, traceback = result
                    if type(exc).__name__ == "KilledWorker":
                        raise ClusterError(
                            f"task {index} was lost with every worker that ran it: {exc}",
                            hint="check the workers' memory and logs",
                        ) from exc
                    raise exc.with_traceback(traceback)
                value, worker, seconds = result
                del future, result
                if isinstance(value, WorkflowError):
                    raise value
                yield Outcome(index=index, value=value, worker=worker, seconds=seconds)
                submit_more()
        finally:
            if in_flight:
                self.client.cancel([future for _, future in in_flight.values()])
            self.client.cancel([shared_future])

    def close(self) -> None:
        client = getattr(self, "client", None)
        if client is not None:
            client.close()
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None


@contextlib.contextmanager
def _environment_kept() -> Iterator[None]:
    """This process's environment as it was, whatever starting a local cluster set in it.

    Dask's nanny writes its workers' variables (``OMP_NUM_THREADS=1``,
    ``MALLOC_TRIM_THRESHOLD_=65536``, ...) into the *starting* process's ``os.environ``
    before it spawns them: every program this process ran afterwards inherited them (a
    benchmark's CTranslate2 children decoded with one thread). The workers have theirs.
    """
    saved = dict(os.environ)
    try:
        yield
    finally:
        for key in set(os.environ) - set(saved):
            del os.environ[key]
        for key, value in saved.items():
            if os.environ.get(key) != value:
                os.environ[key] = value
