"""What a compressed day (bench/day.py) costs: CPU per contact by process (hubs, generator, PostgreSQL's backends
of the day's database), its memory sampled through the day, and with --trace what one hub's Python heap kept from the
day, with --census what each hub holds at the start, a third of the way and the end (bench/_heap_trace.py)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import asyncpg

TRACER = str(Path(__file__).resolve().parent / "_heap_trace.py")
TRACE_FRAMES = 4  # --trace: frames kept per allocation (more slows the traced hub further)
TRACE_TOP = 15  # --trace: lines shown on stderr
TICK_S = 1 / os.sysconf("SC_CLK_TCK")
RSS_EVERY_S = 5.0  # the hubs' memory sampled this often: a warm-up levels off, a leak keeps climbing
CENSUS_TOP = 12  # --census: the holders and types that grew most, per hub


def cpu_s(pid: int) -> float | None:
    """User plus system CPU seconds of a process on this machine (None when it is gone or elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) * TICK_S


async def backends(url: str) -> list[int]:
    """The server processes serving the day's database (its connection pools live all day)."""
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        rows = await conn.fetch(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    finally:
        await conn.close()
    return [int(r["pid"]) for r in rows]


class CpuMeter:
    """CPU used between start() and stop() by the hubs, this process and PostgreSQL's backends for the day
    (backends on this machine only; one that closed before stop() is not counted, so PostgreSQL's is a floor)."""

    def __init__(self, url: str, hubs: list[int]) -> None:
        self._url, self._hubs = url, hubs
        self._start: dict[int, float] = {}

    async def _read(self) -> dict[int, float]:
        pids = [*self._hubs, os.getpid(), *await backends(self._url)]
        return {pid: used for pid in pids if (used := cpu_s(pid)) is not None}

    async def start(self) -> None:
        self._start = await self._read()

    async def stop(self, contacts: int) -> dict[str, float | None]:
        end = await self._read()
        # A backend first seen now was opened during the day (the pools grow under load): all of its CPU counts.
        used = {pid: end[pid] - self._start.get(pid, 0.0) for pid in end}
        hubs = sum(used.get(pid, 0.0) for pid in self._hubs)
        generator = used.get(os.getpid(), 0.0)
        postgres = sum(v for pid, v in used.items() if pid not in self._hubs and pid != os.getpid())
        per = 1000 / max(1, contacts)
        return {
            "hubs": round(hubs * per, 1),
            "generator": round(generator * per, 1),
            "postgres": round(postgres * per, 1) if postgres else None,
        }


def traced_command(folder: Path) -> list[str]:
    """`hub serve` under tracemalloc, started by the first SIGUSR1 and dumped at the second."""
    return [sys.executable, TRACER, str(folder), str(TRACE_FRAMES), "serve"]


async def snapshot(pid: int, folder: Path, number: int) -> None:
    """The traced hub's next step (trace from now on, then dump); until its marker file says it is done."""
    os.kill(pid, signal.SIGUSR1)
    while not (folder / f"{number}.done").exists():  # noqa: ASYNC110  # a poll of a file appearing
        await asyncio.sleep(0.2)


def heap_growth(folder: Path) -> dict[str, Any]:
    """What the traced hub allocated during the day and still holds, by line (top ones also to stderr)."""
    stats = tracemalloc.Snapshot.load(str(folder / "2.snapshot")).filter_traces(
        [tracemalloc.Filter(False, tracemalloc.__file__)]
    )
    lines = stats.statistics("lineno")
    print("the traced hub's heap, kept from the day, by line:", file=sys.stderr)
    for stat in lines[:TRACE_TOP]:
        print(f"  {stat.size / 1024:9.0f} KB {stat.count:8d} obj  {stat.traceback}", file=sys.stderr)
    return {
        "traced_kept_mb": round(sum(s.size for s in lines) / 2**20, 1),
        "traced_top_kb": [[str(s.traceback), round(s.size / 1024)] for s in lines[:10]],
    }


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class MemorySeries:
    """Each hub's RSS every RSS_EVERY_S from the first contact, with the contacts acknowledged by then."""

    def __init__(self, pids: list[int], acknowledged: Callable[[], int]) -> None:
        self._pids, self._acknowledged = pids, acknowledged
        self.rows: list[list[float]] = []  # [seconds since the first contact, contacts acknowledged, MB per hub...]
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._t0 = time.perf_counter()
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while True:
            mb = [rss_kb(pid) / 1024 for pid in self._pids]
            self.rows.append([round(time.perf_counter() - self._t0), self._acknowledged(), *mb])
            await asyncio.sleep(RSS_EVERY_S)

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()

    def halves(self, start_kb: list[int], end_kb: list[int], sending_s: float) -> list[list[float]]:
        """Each hub's growth (MB) over the first and the second half of the sending: equal halves are a leak per
        contact, a second half near zero a warm-up that levelled off."""
        mid = next((row for row in self.rows if row[0] >= sending_s / 2), self.rows[-1])
        return [
            [round(mid[2 + i] - a / 1024, 1), round(b / 1024 - mid[2 + i], 1)]
            for i, (a, b) in enumerate(zip(start_kb, end_kb, strict=True))
        ]

    def series(self) -> list[list[float]]:
        return [[round(v, 1) for v in row] for row in self.rows]


def census_command(folder: Path) -> list[str]:
    """`hub serve` that writes a census of its heap at each SIGUSR1, untraced (bench/_heap_trace.py, FRAMES 0)."""
    return [sys.executable, TRACER, str(folder), "0", "serve"]


async def trimmed(pid: int, folder: Path) -> dict[str, Any]:
    """--census, at the end: the hub's RSS before and after glibc gives its free memory back (bench/_heap_trace.py)."""
    os.kill(pid, signal.SIGUSR2)
    while not (folder / "trim.done").exists():  # noqa: ASYNC110  # a poll of a file appearing
        await asyncio.sleep(0.2)
    return dict(json.loads((folder / "trim.json").read_text()))


def census_growth(folder: Path, steps: int) -> dict[str, Any]:
    """One hub's censuses side by side: its totals at each step, and the holders, tasks and types that grew most
    from the first step to the last (each with its figure at every step: a warm-up levels off, a leak does not)."""
    taken = [json.loads((folder / f"{n}.census.json").read_text()) for n in range(1, steps + 1)]

    def grown(key: str, top: int = CENSUS_TOP) -> dict[str, list[int]]:
        names = {name for c in taken for name in c[key]}

        def at(c: dict[str, Any], name: str) -> int:
            v = c[key].get(name, 0)
            return int(v[1] if isinstance(v, list) else v)  # a holder's row: [instances, entries, largest]

        rows = {name: [at(c, name) for c in taken] for name in names}
        ranked = sorted(rows.items(), key=lambda kv: kv[1][0] - kv[1][-1])[:top]
        return {name: row for name, row in ranked if row[-1] > row[0]}

    return {
        "rss_mb": [c["rss_mb"] for c in taken],
        "objects": [c["objects"] for c in taken],
        "frozen_garbage": [c.get("frozen_garbage") for c in taken],
        "modules": [c["modules"] for c in taken],
        "allocator": {k: [c["allocator"].get(k) for c in taken] for k in taken[0]["allocator"]},
        "tasks": [sum(c["tasks"].values()) for c in taken],
        "tasks_grown": grown("tasks", 5),
        "containers_grown": grown("containers"),
        "caches_grown": grown("caches"),
        "types_grown": grown("types"),
    }
