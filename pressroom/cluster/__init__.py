"""The executor at the edge: where pure tasks of a stage run, on this machine or a cluster.

Input: a task function, one value shared by every task (a model, a page's fonts and
stylesheets), and the tasks themselves, all plain picklable data. Output: each
task's result as it finishes, with the worker that ran it and how long it took. The
stages stay the single writers of catalogs and outputs; an engine never sees a path
of the project.

``--executor local`` (the default) keeps each stage's own in-process or
process-pool path and needs none of this. ``--executor dask`` starts an embedded
Dask cluster of local worker processes; ``--executor tcp://HOST:PORT`` (or
``$DASK_SCHEDULER_ADDRESS``) joins an existing one. Dask is an optional extra:
``pip install 'pressroom[cluster]'``. See docs/cluster.md.
"""

from __future__ import annotations

from .connection import open_engine, require_engine
from .engine import (
    ADDRESS_ENV,
    INSTALL_HINT,
    Engine,
    ExecutorSpec,
    Outcome,
    WorkerLoad,
    parse_executor,
    record_load,
)
from .state import FileBundle, bundle_files, materialise, worker_cached

__all__ = [
    "ADDRESS_ENV",
    "INSTALL_HINT",
    "Engine",
    "ExecutorSpec",
    "FileBundle",
    "Outcome",
    "WorkerLoad",
    "bundle_files",
    "materialise",
    "open_engine",
    "parse_executor",
    "record_load",
    "require_engine",
    "worker_cached",
]
