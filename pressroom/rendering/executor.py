"""Rendering, executors: where the planned tasks run, one swappable piece at the edge.

Input: the :class:`~.plan.Plan` and its tasks, plain picklable data. Output: the
:class:`~.worker.TaskResult` of each task, yielded as tasks finish so the caller
can record progress. :class:`SerialExecutor` runs them in this process,
:class:`PoolExecutor` across local processes (PDF layout is CPU-bound).
Another executor (a cluster) only has to run :func:`.worker.run_task` on each task
somewhere that sees the same project and build folders.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol

from .plan import Plan, Task
from .worker import TaskResult, release, run_task


class Executor(Protocol):
    """Runs tasks and yields their results, in any order."""

    def run(self, plan: Plan, tasks: Sequence[Task]) -> Iterator[TaskResult]:
        """Run every task of ``tasks`` against ``plan``; yield each result as it comes."""
        ...


class SerialExecutor:
    """Every task in this process, in order."""

    def run(self, plan: Plan, tasks: Sequence[Task]) -> Iterator[TaskResult]:
        """Run the tasks one after another."""
        try:
            for task in tasks:
                yield run_task(plan, task)
        finally:
            release()


class PoolExecutor:
    """Tasks across ``jobs`` forked processes, each building pages with its own builder."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs

    def run(self, plan: Plan, tasks: Sequence[Task]) -> Iterator[TaskResult]:
        """Run the tasks in the pool, longest first; a single task runs here."""
        if len(tasks) <= 1:
            yield from SerialExecutor().run(plan, tasks)
            return
        import concurrent.futures
        import multiprocessing

        # Longest first: PDFs of long articles dominate; keeps the cores busy to the end.
        ordered = sorted(tasks, key=lambda t: (t.kind == "index", -len(t.outputs)))
        context = multiprocessing.get_context("fork")
        with concurrent.futures.ProcessPoolExecutor(
            max_workers=self.jobs, mp_context=context, initializer=_init_worker, initargs=(plan,)
        ) as pool:
            yield from pool.map(_run_in_worker, ordered)


def executor_for(jobs: int) -> Executor:
    """The executor for ``jobs`` worker processes: serial for one."""
    return SerialExecutor() if jobs <= 1 else PoolExecutor(jobs)


_WORKER_PLAN: Plan | None = None
"""The plan of this worker process, sent once when the pool starts, not with every task."""


def _init_worker(plan: Plan) -> None:
    import multiprocessing.util

    global _WORKER_PLAN
    _WORKER_PLAN = plan
    # A pool worker leaves through os._exit: only multiprocessing's finalizers run there.
    multiprocessing.util.Finalize(None, release, exitpriority=10)


def _run_in_worker(task: Task) -> TaskResult:
    assert _WORKER_PLAN is not None
    return run_task(_WORKER_PLAN, task)
