"""A real multi-process Dask cluster on 127.0.0.1 for tests: a scheduler and worker processes.

``dask scheduler`` and each ``dask worker`` run as their own OS processes, started
with the ``dask`` command line exactly as an operator would on separate machines,
each worker with its own scratch folder (no folder is shared with the test's
project). Workers run without a nanny, so a worker killed with SIGKILL stays dead:
the run has to finish on the workers that are left. Everything is stopped, with
timeouts, when the context ends.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

START_TIMEOUT = 30.0


@dataclass
class LocalDaskCluster:
    """The address of the scheduler and the worker processes by name."""

    address: str
    folder: Path
    env: dict[str, str]
    workers: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def pid(self, name: str) -> int:
        return self.workers[name].pid

    def kill(self, name: str) -> None:
        """SIGKILL the worker process ``name`` (kill -9 by PID) and reap it."""
        process = self.workers[name]
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def alive(self) -> list[str]:
        return [name for name, process in self.workers.items() if process.poll() is None]

    def ensure_workers(self, count: int) -> None:
        """Start workers until ``count`` are alive, and wait until the scheduler has them."""
        while len(self.alive()) < count:
            self.start_worker()
        _wait_for_workers(self.address, count, time.monotonic() + START_TIMEOUT)

    def start_worker(self) -> str:
        """One more ``dask worker`` process in its own scratch folder; returns its name."""
        name = f"worker-{len(self.workers) + 1}"
        scratch = self.folder / name
        scratch.mkdir(exist_ok=True)
        with open(self.folder / f"{name}.log", "wb") as log:
            self.workers[name] = subprocess.Popen(
                _dask(
                    "worker", self.address, "--name", name, "--nthreads", "1", "--no-nanny",
                    "--no-dashboard", "--host", "127.0.0.1", "--local-directory", str(scratch),
                    "--death-timeout", "60",
                ),
                stdout=log,
                stderr=subprocess.STDOUT,
                env=self.env,
                cwd=scratch,
            )  # fmt: skip
        return name


def _dask(*args: str) -> list[str]:
    return [sys.executable, "-m", "dask", *args]


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@contextlib.contextmanager
def local_dask_cluster(folder: Path, workers: int = 2) -> Iterator[LocalDaskCluster]:
    """Start ``dask scheduler`` and ``workers`` x ``dask worker`` on 127.0.0.1; stop them after."""
    folder.mkdir(parents=True, exist_ok=True)
    scheduler_file = folder / "scheduler.json"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("DASK_SCHEDULER_ADDRESS", None)
    with open(folder / "scheduler.log", "wb") as log:
        scheduler = subprocess.Popen(
            _dask(
                "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                "--scheduler-file", str(scheduler_file),
            ),
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=folder,
        )  # fmt: skip
    cluster: LocalDaskCluster | None = None
    try:
        deadline = time.monotonic() + START_TIMEOUT
        address = ""
        while not address:
            if scheduler.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("dask scheduler did not start: " + (folder / "scheduler.log").read_text())
            try:
                address = json.loads(scheduler_file.read_text())["address"]
            except (FileNotFoundError, ValueError, KeyError):
                time.sleep(0.1)
        cluster = LocalDaskCluster(address=address, folder=folder, env=env)
        for _ in range(workers):
            cluster.start_worker()
        _wait_for_workers(address, workers, deadline)
        yield cluster
    finally:
        for process in reversed(list(cluster.workers.values()) if cluster else []):
            _stop(process)
        _stop(scheduler)


def _wait_for_workers(address: str, count: int, deadline: float) -> None:
    from distributed import Client

    with Client(address, timeout="20s", set_as_default=False) as client:
        client.wait_for_workers(count, timeout=max(1.0, deadline - time.monotonic()))


def worker_names(address: str) -> dict[str, str]:
    """Worker address -> the ``--name`` it was started with."""
    from distributed import Client

    with Client(address, timeout="20s", set_as_default=False) as client:
        info = client.scheduler_info()["workers"]
    return {addr: str(worker["name"]) for addr, worker in info.items()}
