"""The C heap of a server process (glibc): fewer malloc arenas, big blocks mapped apart, and free pages handed back
after start-up."""

from __future__ import annotations

import ctypes
from typing import Any

M_ARENA_MAX = -8  # mallopt's parameter numbers (malloc.h)
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 128 * 1024  # glibc's starting value, kept
ARENAS = 2  # glibc's default is 8 per core: each thread that allocates (aiosqlite's, executors') may get one


def limit_arenas() -> None:
    """Before the server starts its threads: their allocations share ARENAS heaps instead of one each, whose
    free pages stay with the process (6 MB of RSS idle with the demo data, docs/performance.md "Memory")."""
    mallopt = getattr(_libc(), "mallopt", None)
    if mallopt is not None:
        mallopt(M_ARENA_MAX, ARENAS)


def fix_mmap_threshold() -> None:
    """Blocks of 128 KB and more always mapped apart, so freeing one gives its pages back. glibc otherwise raises
    the threshold to the largest block freed (up to 32 MB): later big blocks (a mail, a page of rows) then come
    from the heap, and the holes they leave kept a compressed day's heap growing, 18-25 MB of free space per hub
    over 2,000 contacts that it never returned (docs/performance.md, "Does a hub's memory keep growing?")."""
    mallopt = getattr(_libc(), "mallopt", None)
    if mallopt is not None:
        mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)


def trim() -> None:
    """glibc's malloc_trim: free memory at the top of each heap and inside them returned to the system."""
    malloc_trim = getattr(_libc(), "malloc_trim", None)
    if malloc_trim is not None:
        malloc_trim(0)


def _libc() -> Any:
    try:
        return ctypes.CDLL(None)
    except OSError:  # no C library to ask: the defaults stay, no harm
        return None
