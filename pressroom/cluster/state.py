"""Worker-side state: files shipped by content, and objects loaded once per worker process.

Input: a :class:`FileBundle` (a folder's files as bytes, made on the driver by
:func:`bundle_files`), sent through the engine because workers share no filesystem
with the driver. Output: the same folder written once per worker and content
(:func:`materialise`), and heavy objects built from it once per process
(:func:`worker_cached`: a CTranslate2 model stays loaded between tasks).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
_DONE = ".pressroom-complete"


@dataclass(frozen=True, slots=True, kw_only=True)
class FileBundle:
    """A folder's files by content, for a worker that cannot see the driver's disk."""

    files: tuple[tuple[str, bytes], ...]
    """(path relative to the folder, POSIX separators; content), sorted by path."""
    digest: str
    """sha256 over names and contents: the identity of the bundle."""

    @property
    def size(self) -> int:
        return sum(len(data) for _, data in self.files)


def bundle_files(folder: Path) -> FileBundle:
    """Every regular file under ``folder`` as a :class:`FileBundle`."""
    files = []
    hasher = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.relative_to(folder).as_posix()
        data = path.read_bytes()
        files.append((name, data))
        hasher.update(name.encode("utf-8") + b"\0" + str(len(data)).encode() + b"\0" + data)
    return FileBundle(files=tuple(files), digest=hasher.hexdigest())


def scratch_dir() -> Path:
    """This worker's scratch folder: Dask's local directory, else the system temp."""
    try:
        from distributed import get_worker

        return Path(get_worker().local_directory)
    except (ImportError, ValueError):  # not inside a Dask worker
        return Path(tempfile.gettempdir())


def materialise(bundle: FileBundle, base: Path | None = None) -> Path:
    """The bundle written to a folder of this worker, once per content; returns the folder.

    The folder appears complete or not at all (written beside, then renamed), so
    tasks of a worker killed half-way never see half a model.
    """
    root = (base or scratch_dir()) / "pressroom-bundles"
    target = root / bundle.digest[:32]
    if (target / _DONE).is_file():
        return target
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=root))
    try:
        for name, data in bundle.files:
            path = staging / name
            if ".." in Path(name).parts or Path(name).is_absolute():
                raise ValueError(f"bundle path outside its folder: {name}")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        (staging / _DONE).write_text(bundle.digest, "utf-8")
        try:
            os.replace(staging, target)
        except OSError:  # another thread of this worker got there first
            if not (target / _DONE).is_file():
                shutil.rmtree(target, ignore_errors=True)
                os.replace(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


_CACHE: dict[str, Any] = {}
_LOCKS: dict[str, threading.Lock] = {}
_GUARD = threading.Lock()
CACHE_LIMIT = 4
"""Objects kept per process: a worker may serve several languages' models in turn."""


def worker_cached(key: str, build: Callable[[], T]) -> T:
    """The object for ``key`` in this process, built by ``build()`` on first use.

    Threads of one worker wait for a single build. The oldest entries are dropped
    past ``CACHE_LIMIT``, so a long-lived worker does not hold every model it met.
    """
    with _GUARD:
        if key in _CACHE:
            value: T = _CACHE[key]
            return value
        lock = _LOCKS.setdefault(key, threading.Lock())
    with lock:
        with _GUARD:
            if key in _CACHE:
                cached: T = _CACHE[key]
                return cached
        built = build()
        with _GUARD:
            _CACHE[key] = built
            while len(_CACHE) > CACHE_LIMIT:
                _CACHE.pop(next(iter(_CACHE)))
        return built


_MALLOC_TUNED = False
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3


def undo_malloc_trim() -> None:
    """Give glibc's allocator back its usual thresholds in a Dask worker process, once.

    Dask's nanny starts workers with ``MALLOC_TRIM_THRESHOLD_=65536``, which also
    freezes glibc's mmap threshold at 128 KiB: every large buffer CTranslate2 and
    WeasyPrint allocate is then mapped and unmapped afresh, and decoding runs 5-7
    times slower (measured: docs/cluster.md). Raising both thresholds to glibc's
    own dynamic ceilings restores single-machine speed. No effect elsewhere.
    """
    global _MALLOC_TUNED
    if _MALLOC_TUNED:
        return
    _MALLOC_TUNED = True
    if "MALLOC_TRIM_THRESHOLD_" not in os.environ:
        return
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"))
        mallopt = libc.mallopt
    except (OSError, AttributeError, TypeError):  # not glibc
        return
    mallopt(M_TRIM_THRESHOLD, 64 << 20)
    mallopt(M_MMAP_THRESHOLD, 32 << 20)
