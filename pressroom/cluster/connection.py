"""Opening an engine for one run: the executor spec -> a connected engine, closed after.

Input: an :class:`~.engine.ExecutorSpec`. Output: an :class:`~.engine.Engine` for the
duration of a ``with`` block, or None for ``local``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from ..errors import ClusterError
from .engine import INSTALL_HINT, Engine, ExecutorSpec


def require_engine(spec: ExecutorSpec) -> None:
    """``ClusterError`` with the install command when ``spec`` needs Dask and it is missing."""
    if spec.is_local:
        return
    try:
        import distributed  # noqa: F401
    except ImportError as exc:
        raise ClusterError(
            f"--executor {spec.address or spec.kind} needs Dask distributed, an optional extra",
            hint=INSTALL_HINT,
        ) from exc


@contextlib.contextmanager
def open_engine(spec: ExecutorSpec, *, workers: int | None = None) -> Iterator[Engine | None]:
    """The engine for ``spec`` for the duration of a run; None for ``local``.

    ``workers``: processes of an embedded local cluster (default: one per core).
    Without the optional extra, a ``ClusterError`` says how to install it.
    """
    if spec.is_local:
        yield None
        return
    require_engine(spec)
    from .dask import DaskEngine

    engine = DaskEngine(spec.address, workers=workers)
    try:
        yield engine
    finally:
        engine.close()
