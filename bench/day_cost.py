"""What a compressed day (bench/day.py) costs: CPU per contact by process (hubs, generator, PostgreSQL's backends
of the day's database), and with --trace what one hub's Python heap kept from the day (bench/_heap_trace.py)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import tracemalloc
from pathlib import Path
from typing import Any

import asyncpg

TRACER = str(Path(__file__).resolve().parent / "_heap_trace.py")
TRACE_FRAMES = 4  # --trace: frames kept per allocation (more slows the traced hub further)
TRACE_TOP = 15  # --trace: lines shown on stderr
TICK_S = 1 / os.sysconf("SC_CLK_TCK")


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
