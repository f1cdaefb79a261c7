"""The C heap of a server process (glibc): fewer malloc arenas, and free pages handed back after start-up."""

from __future__ import annotations

import ctypes
from typing import Any

M_ARENA_MAX = -8  # mallopt's parameter number (malloc.h)
ARENAS = 2  # glibc's default is 8 per core: each thread that allocates (aiosqlite's, executors') may get one


def limit_arenas() -> None:
    """Before the server starts its threads: their allocations share ARENAS heaps instead of one each, whose
    free pages stay with the process (6 MB of RSS idle with the demo data, docs/performance.md "Memory")."""
    mallopt = getattr(_libc(), "mallopt", None)
    if mallopt is not None:
        mallopt(M_ARENA_MAX, ARENAS)


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
