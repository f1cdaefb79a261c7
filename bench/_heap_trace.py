"""`hub serve` whose heap is looked at on each SIGUSR1: traced from the first and dumped at the second, or censused.

Run as `python bench/_heap_trace.py DIR FRAMES serve ...`. With FRAMES > 0 (bench/memory.py --trace, bench/day.py
--trace) the first SIGUSR1 starts tracemalloc with FRAMES frames per allocation, the second dumps DIR/2.snapshot:
only what was allocated in between and is still alive, i.e. what the sockets opened in between added. Each step also
writes DIR/<n>.types.json, the count of the collector's objects by type (what holds the bytes: tasks, futures,
dicts). Tracing from start-up instead slows the hub so much on a busy machine that the consoles time out.

With FRAMES = 0 (bench/day.py --census) nothing is traced, so the hub runs at its own speed; each SIGUSR1 writes
DIR/<n>.census.json: the objects by type, the tasks by coroutine, the large containers by who holds them (an
attribute of a class's instances, a module's global), the entries of each functools cache, and the allocators'
figures (glibc's heap in use and free; Python's arenas, blocks in use and free inside them): the few seconds' look a
leak or a warm-up shows in. DIR/<n>.done says each step is complete.
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import functools
import gc
import json
import os
import re
import signal
import sys
import tempfile
import tracemalloc
import weakref
from collections import Counter, deque
from pathlib import Path
from types import FrameType, ModuleType
from typing import Any

# The project root, after PYTHONPATH: with --root, the other checkout's hub is the one traced.
sys.path.append(str(Path(__file__).resolve().parent.parent))

from hub.cli import main

CONTAINERS = (dict, set, list, deque, weakref.WeakSet, weakref.WeakValueDictionary, weakref.WeakKeyDictionary)
NESTED = 2  # levels of dicts of containers counted inside a holder
LARGE = 50  # entries from which a container is listed (summed over the instances of one holder)
_steps = 0


class _MallInfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks",
                     "keepcost")
    ]  # fmt: skip


def _allocator() -> dict[str, float]:
    """glibc's main heap (the event loop's thread: in use, free inside it, mmapped) and Python's allocated blocks."""
    figures: dict[str, float] = {"python_blocks": sys.getallocatedblocks(), **_pymalloc()}
    libc = ctypes.CDLL(ctypes.util.find_library("c"))
    if hasattr(libc, "mallinfo2"):  # glibc 2.33+; the main arena only (the loop's thread allocates there)
        libc.mallinfo2.restype = _MallInfo2
        info = libc.mallinfo2()
        mb = 2**20
        figures |= {"heap_mb": info.arena / mb, "in_use_mb": info.uordblks / mb, "free_mb": info.fordblks / mb,
                    "mmapped_mb": info.hblkhd / mb}  # fmt: skip
    return {k: round(v, 1) for k, v in figures.items()}


def _attributes(o: object) -> dict[str, Any] | None:
    """An instance's own attributes (not a class's or a module's: those are listed as globals or not at all)."""
    if isinstance(o, type | ModuleType):
        return None
    try:
        attributes = o.__dict__
    except Exception:  # a proxy's own lookup refused: not a holder of ours
        return None
    return attributes if isinstance(attributes, dict) else None


def _pymalloc() -> dict[str, float]:
    """Python's small-object arenas (mmapped, so outside glibc's figures): in use, and free inside them (what a
    fragmented heap keeps). sys._debugmallocstats writes to the C stderr, so that is pointed at a file meanwhile."""
    with tempfile.TemporaryFile() as out:
        saved = os.dup(2)
        try:
            os.dup2(out.fileno(), 2)
            sys._debugmallocstats()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        out.seek(0)
        text = out.read().decode(errors="replace")
    found = re.findall(r"^[#\d ]*(arenas allocated current|bytes in allocated blocks|bytes in available blocks"
                       r"|unused pools)[^=]*= +([\d,]+)", text, re.MULTILINE)  # fmt: skip
    figures = {k: int(v.replace(",", "")) for k, v in found}
    mb = 2**20
    return {
        "arenas_mb": figures.get("arenas allocated current", 0) * 1.0,  # 1 MiB arenas on 3.10+
        "blocks_mb": figures.get("bytes in allocated blocks", 0) / mb,
        "free_blocks_mb": figures.get("bytes in available blocks", 0) / mb,
        "unused_pools_mb": figures.get("unused pools", 0) / mb,
    }


def _holders(objects: list[Any]) -> dict[str, list[int]]:
    """Containers of LARGE entries or more by holder ("module.Class.attribute", "module:global"): [instances, entries,
    largest]. A dict keyed by ticket, customer or socket that only grows shows here run after run."""
    held: dict[str, list[int]] = {}

    def add(holder: str, value: object, depth: int = 0) -> None:
        if isinstance(value, CONTAINERS) and (size := len(value)) >= 1:
            row = held.setdefault(holder, [0, 0, 0])
            row[0], row[1], row[2] = row[0] + 1, row[1] + size, max(row[2], size)
            # A dict of containers also by its inner ones, "holder[*]" (socket.io's rooms: namespace -> room -> sids).
            if depth < NESTED and isinstance(value, dict):
                for inner in list(value.values()):
                    add(f"{holder}[*]", inner, depth + 1)

    for module in list(sys.modules.values()):
        if isinstance(module, ModuleType):
            for name, value in list(vars(module).items()):
                if not name.startswith("__"):  # every module's __builtins__: the same dict, not a holder
                    add(f"{module.__name__}:{name}", value)
    for o in objects:
        attributes = _attributes(o)
        if attributes is not None:
            kind = type(o)
            for name, value in list(attributes.items()):
                add(f"{kind.__module__}.{kind.__qualname__}.{name}", value)
    return {k: v for k, v in sorted(held.items(), key=lambda kv: -kv[1][1]) if v[1] >= LARGE}


def census() -> dict[str, Any]:
    """What the process holds now, counted without tracing (a few seconds on a large process)."""
    objects = gc.get_objects()
    tasks = Counter(
        getattr(t.get_coro(), "__qualname__", type(t.get_coro()).__name__)
        for t in objects
        if isinstance(t, asyncio.Task) and not t.done()
    )
    # functools' caches keep their entries inside C: only cache_info() says how full each is.
    caches = {
        f"{o.__module__}.{o.__qualname__}": o.cache_info().currsize
        for o in objects
        if isinstance(o, functools._lru_cache_wrapper) and o.cache_info().currsize
    }
    return {
        "rss_mb": _rss_mb(),
        "objects": len(objects),
        "modules": len(sys.modules),
        "allocator": _allocator(),
        "tasks": dict(tasks.most_common()),
        "containers": _holders(objects),
        "caches": dict(sorted(caches.items(), key=lambda kv: -kv[1])),
        "types": dict(Counter(f"{type(o).__module__}.{type(o).__qualname__}" for o in objects)),
    }


def _step(signum: int, frame: FrameType | None) -> None:
    """On the main thread, between two bytecodes of whatever runs: a consistent view of the heap."""
    global _steps
    folder, frames = Path(sys.argv[1]), int(sys.argv[2])
    gc.collect()  # what is garbage is not "kept per socket"
    _steps += 1
    # The hub freezes what lives long (gc.freeze, hub/ops/collector.py): frozen objects are out of
    # gc.get_objects() until unfrozen, so all are counted unfrozen, then all frozen again.
    gc.unfreeze()
    if frames == 0:
        # Garbage among frozen objects (cycles of what was alive at a freeze and finished since) waits for the hub's
        # next thaw: counted, then freed, so the census is of what is alive (the run's later steps start afresh).
        frozen = len(gc.get_objects())
        freed = gc.collect()
        gc.unfreeze()  # the hub's freezer froze all again right after that full pass
        counted = census() | {"objects_before_thaw": frozen, "frozen_garbage": freed}
        (folder / f"{_steps}.census.json").write_text(json.dumps(counted))
    else:
        kinds = Counter(f"{type(o).__module__}.{type(o).__qualname__}" for o in gc.get_objects())
        (folder / f"{_steps}.types.json").write_text(json.dumps(kinds))
        if _steps == 1:
            tracemalloc.start(frames)
        else:
            tracemalloc.take_snapshot().dump(str(folder / f"{_steps}.snapshot"))
    gc.freeze()
    (folder / f"{_steps}.done").touch()


def _trim(signum: int, frame: FrameType | None) -> None:
    """SIGUSR2 (bench/day.py --census, at the end): how much of the RSS is glibc's free memory, by giving it back
    (malloc_trim) and reading the RSS before and after: DIR/trim.json, then DIR/trim.done."""
    folder = Path(sys.argv[1])
    before = _rss_mb()
    released = ctypes.CDLL(ctypes.util.find_library("c")).malloc_trim(0)
    trimmed = {"rss_mb": before, "rss_after_trim_mb": _rss_mb(), "released": bool(released)}
    (folder / "trim.json").write_text(json.dumps(trimmed))
    (folder / "trim.done").touch()


def _rss_mb() -> float:
    status = Path("/proc/self/status").read_text().splitlines()
    return round(int(next(line.split()[1] for line in status if line.startswith("VmRSS"))) / 1024, 1)


if __name__ == "__main__":
    signal.signal(signal.SIGUSR1, _step)
    signal.signal(signal.SIGUSR2, _trim)
    folder, _frames, *argv = sys.argv[1:]
    Path(folder).mkdir(parents=True, exist_ok=True)
    sys.exit(main(argv))
