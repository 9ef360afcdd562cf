"""Keep freed memory in the process while K Monte Carlo runs reuse it (glibc only; elsewhere a no-op).

A run at a million beneficiaries makes dozens of temporary arrays of 10–60 MB. glibc's malloc serves blocks
that large with a fresh `mmap` and gives them back to the kernel on `free`, so every run pays the kernel
again to map and zero the same memory: on this 2-core machine that system time was as large as all the
numpy work of the run (0.6–1.0 s of a 1.5–1.8 s run). Inside `reuse_freed_memory()` large blocks come from
the heap and freed ones stay there, so the second and later runs touch memory that is already mapped. On the
way out the thresholds are set to glibc's own upper defaults (a 32 MiB mmap threshold, trimming above
64 MiB) and `malloc_trim(0)` hands what the runs freed back to the kernel: the process keeps no more than
it did after an ordinary run.

Nested and concurrent uses (Streamlit runs each session in its own thread) share one setting: the first
to enter switches it on, the last to leave switches it off. Results never depend on it — only where the
allocator takes its memory from.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # mallopt parameters (malloc.h)
KEEP_MMAP_THRESHOLD = 1 << 30  # blocks under 1 GiB come from the heap
KEEP_TRIM_THRESHOLD = (1 << 31) - 1  # never give the top of the heap back while runs go on
AFTER_MMAP_THRESHOLD = 32 << 20  # glibc's DEFAULT_MMAP_THRESHOLD_MAX on 64-bit
AFTER_TRIM_THRESHOLD = 2 * AFTER_MMAP_THRESHOLD  # what glibc's dynamic rule sets with it

_lock = threading.Lock()
_holders = 0


def _glibc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt.argtypes, libc.mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
        libc.malloc_trim.argtypes, libc.malloc_trim.restype = [ctypes.c_size_t], ctypes.c_int
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return None
    return libc


_LIBC = _glibc()


@contextmanager
def reuse_freed_memory() -> Iterator[None]:
    global _holders
    if _LIBC is None:
        yield
        return
    with _lock:
        _holders += 1
        if _holders == 1:
            _LIBC.mallopt(M_MMAP_THRESHOLD, KEEP_MMAP_THRESHOLD)
            _LIBC.mallopt(M_TRIM_THRESHOLD, KEEP_TRIM_THRESHOLD)
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0:
                _LIBC.mallopt(M_MMAP_THRESHOLD, AFTER_MMAP_THRESHOLD)
                _LIBC.mallopt(M_TRIM_THRESHOLD, AFTER_TRIM_THRESHOLD)
                _LIBC.malloc_trim(0)
