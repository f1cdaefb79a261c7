"""`hub serve` whose Python heap is traced from a first SIGUSR1 and dumped at a second (bench/memory.py --trace).

Run as `python bench/_heap_trace.py DIR FRAMES serve ...`: the first SIGUSR1 starts tracemalloc with FRAMES
frames per allocation, the second dumps DIR/2.snapshot: only what was allocated in between and is still alive,
i.e. what the sockets opened in between added. Each step also writes DIR/<n>.types.json, the count of the
collector's objects by type (what holds the bytes: tasks, futures, dicts). Tracing from start-up instead slows
the hub so much on a busy machine that the consoles time out. DIR/<n>.done says each step is complete.
"""

from __future__ import annotations

import gc
import json
import signal
import sys
import tracemalloc
from collections import Counter
from pathlib import Path
from types import FrameType

# The project root, after PYTHONPATH: with --root, the other checkout's hub is the one traced.
sys.path.append(str(Path(__file__).resolve().parent.parent))

from hub.cli import main

_steps = 0


def _step(signum: int, frame: FrameType | None) -> None:
    """On the main thread, between two bytecodes of whatever runs: a consistent view of the heap."""
    global _steps
    folder = Path(sys.argv[1])
    gc.collect()  # what is garbage is not "kept per socket"
    _steps += 1
    # The hub freezes what lives long (gc.freeze, hub/ops/collector.py): frozen objects are out of
    # gc.get_objects() until unfrozen, so all are counted unfrozen, then all frozen again.
    gc.unfreeze()
    kinds = Counter(f"{type(o).__module__}.{type(o).__qualname__}" for o in gc.get_objects())
    gc.freeze()
    (folder / f"{_steps}.types.json").write_text(json.dumps(kinds))
    if _steps == 1:
        tracemalloc.start(int(sys.argv[2]))
    else:
        tracemalloc.take_snapshot().dump(str(folder / f"{_steps}.snapshot"))
    (folder / f"{_steps}.done").touch()


if __name__ == "__main__":
    signal.signal(signal.SIGUSR1, _step)
    folder, _frames, *argv = sys.argv[1:]
    Path(folder).mkdir(parents=True, exist_ok=True)
    sys.exit(main(argv))
