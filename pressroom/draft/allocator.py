"""glibc's allocator told to keep the memory it has, for CTranslate2's decoding.

Beam search grows its buffers at every decoding step; with glibc's defaults each large
buffer is an ``mmap`` of fresh pages, returned with ``munmap`` a moment later, and a
long decoding spends most of its time in the kernel zeroing pages (measured: 100 s of
150 s, 26 million page faults at a 256-token cap). ``MALLOC_MMAP_MAX_=0`` and a high
``MALLOC_TRIM_THRESHOLD_`` in the environment fix it, but glibc reads them when the
process starts, too late for a command already running. ``mallopt()`` sets the same
parameters at run time for every arena, so the decoder calls :func:`keep_freed_memory`
before it loads a model. The process keeps its peak heap until it exits, which for a
draft run is the model plus one batch's buffers.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools

M_TRIM_THRESHOLD = -1
M_MMAP_MAX = -4
"""``mallopt`` parameter numbers from glibc's ``malloc.h``."""
TRIM_THRESHOLD = 1 << 30
"""Free memory at the top of the heap kept before it is given back (1 GiB)."""


@functools.cache
def keep_freed_memory() -> bool:
    """Stop glibc from mapping and unmapping large blocks; True when it took effect.

    Large blocks then come from the heap and freed memory stays there for the next
    step. Other C libraries (musl, macOS) have no ``mallopt``: nothing happens there.
    Called once per process; later calls return the first answer.
    """
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    # mallopt returns 1 on success, 0 on error.
    return bool(mallopt(M_MMAP_MAX, 0)) and bool(mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD))
