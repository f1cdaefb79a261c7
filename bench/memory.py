"""Memory of one `hub serve`: RSS and PSS idle with the demo data, then with N agent consoles connected.

Seeds a fresh SQLite file with `hub demo`'s data (agents, customers, tickets, the sample articles) plus N agents
signed in (bench/console.py's seed), starts `hub serve` on it and waits for /readyz as long as it takes, then for
its memory to settle (the background warm-up done: RSS unchanged over a few polls). It reads VmRSS and the PSS of
/proc/<pid>/smaps_rollup, opens N console sockets (engine.io over websockets, as bench/console.py's), reads them
again once all are connected and memory settled, and stops everything it started, even on failure. modules_loaded
counts the modules the hub imported by then (its `-X importtime` lines). --root PATH runs another checkout's hub
package (its hub first on the import path) for a before/after; --trace DIR runs it under tracemalloc and shows
what the second half of the sockets added to its Python heap (by line, by caller, by type of object); --deflate
has the sockets offer permessage-deflate as browsers do; --packages also imports each of the idle hub's biggest
packages (by modules) alone in a fresh interpreter and says what it costs. Prints one JSON object on its last line.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import sys
import tempfile
import tracemalloc
from collections import Counter, deque
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `python bench/memory.py`: the project root

import aiohttp

from bench._import_costs import alone
from bench._services import START_WAIT_S, add_unsafe, durability, free_port, hub_env, stop
from bench.console import Consoles, seed
from hub.db.migrate import upgrade_async
from hub.ops.demo import seed as seed_demo
from hub.settings import load_settings
from tests.processes import spawn, wait_healthy

TRACER = str(Path(__file__).resolve().parent / "_heap_trace.py")
TRACE_FRAMES = 6  # --trace: frames kept per allocation
TRACE_SHOWN = 3  # --trace: of them, shown by caller
TRACE_TOP = 25  # --trace: lines and files shown
SETTLE_POLL_S = 1.0  # between two looks at the hub's memory while it settles
SETTLED_LOOKS = 3  # this many looks in a row within SETTLED_MB of each other: settled
SETTLED_MB = 1.0
PACKAGES_SHOWN = 12  # modules_by_package: the packages with the most modules, and --packages: those imported alone


def memory_of(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM (peak) from /proc/<pid>/status, with RSS split into the process's own memory (RssAnon:
    heap, stacks) and pages of files (RssFile: code, libraries, the mapped dictionaries, shared with other
    processes), and PSS from smaps_rollup (shared pages counted in part)."""
    figures: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM", "RssAnon", "RssFile"):
            figures[key] = int(value.split()[0]) / 1024
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        key, _, value = line.partition(":")
        if key == "Pss":
            figures["Pss"] = int(value.split()[0]) / 1024
    return figures


async def settled(pid: int) -> dict[str, float]:
    """The hub's memory once it stops moving (a warm-up thread, the sockets' first batches)."""
    looks = [memory_of(pid)]
    while (
        len(looks) < SETTLED_LOOKS
        or max(x["VmRSS"] for x in looks[-SETTLED_LOOKS:]) - min(x["VmRSS"] for x in looks[-SETTLED_LOOKS:])
        > SETTLED_MB
    ):
        await asyncio.sleep(SETTLE_POLL_S)  # a poll of a condition (memory unchanged), not a fixed wait
        looks.append(memory_of(pid))
    return looks[-1]


async def answered(consoles: Consoles) -> None:
    """Until every socket has been let in or has been closed (refused): a poll of that condition."""
    # Two counts (sockets let in, listeners ended) make the condition: no single event tells of it.
    while consoles.connected + sum(task.done() for task in consoles.tasks) < consoles.expected:  # noqa: ASYNC110
        await asyncio.sleep(SETTLE_POLL_S / 5)


async def snapshot(pid: int, folder: Path, number: int) -> None:
    """The traced hub's next step (SIGUSR1: trace from now on, then dump); until its marker file says done."""
    os.kill(pid, signal.SIGUSR1)
    while not (folder / f"{number}.done").exists():  # noqa: ASYNC110  # a poll of a file appearing
        await asyncio.sleep(SETTLE_POLL_S / 5)


def grown(folder: Path, sockets: int) -> dict[str, Any]:
    """What the last `sockets` added to the Python heap (traced from the snapshot before them), by the line that
    allocated it, by file and by caller, in bytes per socket, and the count of objects by type; also to stderr."""
    stats = tracemalloc.Snapshot.load(str(folder / "2.snapshot")).filter_traces(
        [tracemalloc.Filter(False, tracemalloc.__file__)]
    )
    per = max(1, sockets)
    lines = stats.statistics("lineno")
    for title, top in (
        ("by line", lines),
        ("by file", stats.statistics("filename")),
        ("by caller", stats.statistics("traceback")),
    ):
        print(f"grown with {sockets} sockets, {title}:", file=sys.stderr)
        for stat in top[:TRACE_TOP]:
            where = stat.traceback.format()[-2 * TRACE_SHOWN :] if title == "by caller" else [str(stat.traceback)]
            print(f"  {stat.size / per:9.0f} B/socket {stat.count / per:7.1f} obj  " + "\n      ".join(where),
                  file=sys.stderr)  # fmt: skip
    before, after = (json.loads((folder / f"{n}.types.json").read_text()) for n in (1, 2))
    kinds = sorted(((after[k] - before.get(k, 0)) / per, k) for k in after)[::-1][:TRACE_TOP]
    print(f"grown with {sockets} sockets, objects the collector tracks, by type:", file=sys.stderr)
    for count, kind in kinds:
        print(f"  {count:7.2f} per socket  {kind}", file=sys.stderr)
    return {
        "traced_objects_per_socket": {kind: round(count, 2) for count, kind in kinds[:10]},
        "traced_kb_per_socket": round(sum(s.size for s in lines) / per / 1024, 1),
        "traced_top_bytes_per_socket": [[str(s.traceback), round(s.size / per)] for s in lines[:10]],
    }


class DeflatingConsoles(Consoles):
    """--deflate: console sockets that offer permessage-deflate, as browsers do (aiohttp's client does not by
    default): the hub then keeps a zlib stream per socket, each way, if it accepts."""

    async def open(self, http: aiohttp.ClientSession, role: str, token: str, csrf: str) -> None:
        cookie = {"Cookie": f"hub_session={token}"}
        ws = await http.ws_connect(self.ws_url, headers=cookie, heartbeat=None, compress=15)
        await ws.receive()  # engine.io open packet
        await ws.send_str("40/agent,")
        self.sockets.append(ws)
        self.tasks.append(asyncio.create_task(self._listen(ws, role, http, {**cookie, "X-CSRF-Token": csrf})))


class ImportCounter:
    """Reads the hub's output (a pipe that must be drained) and counts its `-X importtime` lines, also by package
    (the top-level name; the hub's own by subpackage)."""

    def __init__(self, stream: asyncio.StreamReader) -> None:
        self.modules = 0
        self.by_package: Counter[str] = Counter()
        self.said: deque[str] = deque(maxlen=40)  # its other output: shown if it fails to start
        self.task = asyncio.create_task(self._read(stream))

    async def _read(self, stream: asyncio.StreamReader) -> None:
        async for line in stream:
            if line.startswith(b"import time:"):
                if b"| imported package" not in line:
                    self.modules += 1
                    name = line.rsplit(b"|", 1)[-1].decode().strip().split(".")
                    self.by_package[".".join(name[:2] if name[0] == "hub" else name[:1])] += 1
            else:
                self.said.append(line.decode(errors="replace").rstrip())


async def seed_all(url: str, agents: int) -> list[tuple[str, str, str]]:
    await upgrade_async(url)
    await seed_demo(load_settings(database_url=url))
    return await seed(url, agents, 0, 0)  # the agents in queues but never offered a chat: idle consoles


async def seed_with(root: str, url: str, agents: int) -> list[tuple[str, str, str]]:
    """seed_all as another checkout does it (its migrations and demo data, which its hub expects), in a child."""
    code = "import asyncio, json, sys; from bench.memory import seed_all; "
    code += "print(json.dumps(asyncio.run(seed_all(sys.argv[1], int(sys.argv[2])))))"
    env = {**os.environ, "PYTHONPATH": root, "PYTHONSAFEPATH": "1"}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", code, url, str(agents), env=env, cwd=root, stdout=asyncio.subprocess.PIPE
    )
    out, _ = await proc.communicate()
    if proc.returncode:
        raise RuntimeError(f"seeding with {root}'s hub failed ({proc.returncode})")
    return [(a, b, c) for a, b, c in json.loads(out.decode().splitlines()[-1])]


async def run(args: argparse.Namespace, url: str) -> dict[str, Any]:
    # Another checkout's hub needs its own schema: a newer checkout's migrations would make it refuse to start.
    tokens = await (seed_with(args.root, url, args.sockets) if args.root else seed_all(url, args.sockets))
    settings = await durability(url, args.unsafe)
    port = free_port()
    env = {**os.environ, "HUB_DATABASE_URL": url, "HUB_HTTP_PORT": str(port), "HUB_SMTP_PORT": str(free_port()),
           "HUB_LOG_LEVEL": "WARNING", "PYTHONPROFILEIMPORTTIME": "1", **hub_env(args.unsafe)}  # fmt: skip
    if args.root:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, (args.root, env.get("PYTHONPATH"))))
        env["PYTHONSAFEPATH"] = "1"  # the working directory (this checkout) not ahead of the other one
    # --trace: under tracemalloc, a snapshot of its heap at each SIGUSR1 (bench/_heap_trace.py)
    traced = [TRACER, args.trace, str(TRACE_FRAMES)]
    hub = [*(traced if args.trace else ["-m", "hub"]), "serve"]
    proc = await spawn(sys.executable, *hub, env=env, capture=True)
    base = f"http://127.0.0.1:{port}"
    assert proc.stdout is not None
    imports = ImportCounter(proc.stdout)
    try:
        try:
            await wait_healthy(base, proc, START_WAIT_S)
        except AssertionError:
            await asyncio.sleep(0)  # the reader takes what is left in the pipe
            print("\n".join(imports.said), file=sys.stderr)
            raise
        idle = await settled(proc.pid)
        modules_idle = imports.modules
        by_package = dict(imports.by_package.most_common(PACKAGES_SHOWN))
        consoles = (DeflatingConsoles if args.deflate else Consoles)(base, {}, accept_offers=False)
        # --trace: the first half of the sockets open untraced, the second half traced: what they add is the
        # cost of one more socket, not the fixed costs the first connections pay (statement caches, pools).
        halves = [tokens[: len(tokens) // 2], tokens[len(tokens) // 2 :]] if args.trace else [tokens]
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
            for half in halves:
                if args.trace and consoles.expected:
                    await settled(proc.pid)
                    await snapshot(proc.pid, Path(args.trace), 1)  # traced from here on
                consoles.expected += len(half)
                for i in range(0, len(half), 100):
                    await asyncio.gather(*(consoles.open(http, *who) for who in half[i : i + 100]))
                await answered(consoles)
            closed = sum(task.done() for task in consoles.tasks)  # refused or dropped by the hub
            busy = await settled(proc.pid)
            if args.trace:
                await snapshot(proc.pid, Path(args.trace), 2)
            for task in consoles.tasks:
                task.cancel()
        modules_after = imports.modules
    finally:
        imports.task.cancel()  # stop() reads what is left of the pipe
        with contextlib.suppress(asyncio.CancelledError):
            await imports.task
        await stop(proc)  # SIGTERM, then its whole process group killed, whatever happened above
    growth = grown(Path(args.trace), len(halves[-1])) if args.trace else {}
    packages = [name for name in by_package if not name.startswith("hub")]
    costs = {"packages_alone": alone(packages, env | {"PYTHONPROFILEIMPORTTIME": ""})} if args.packages else {}
    return {
        "bench": "memory",
        "database": "sqlite",
        **settings,
        "hub": args.root or "this checkout",
        "rss_idle_mb": round(idle["VmRSS"], 1),
        "pss_idle_mb": round(idle["Pss"], 1),
        "rss_idle_anon_mb": round(idle["RssAnon"], 1),
        "rss_idle_file_mb": round(idle["RssFile"], 1),
        "rss_sockets_mb": round(busy["VmRSS"], 1),
        "pss_sockets_mb": round(busy["Pss"], 1),
        "peak_rss_mb": round(busy["VmHWM"], 1),
        "sockets": consoles.connected,
        "sockets_offer_deflate": args.deflate,
        "sockets_closed": closed,
        "per_socket_kb": round((busy["VmRSS"] - idle["VmRSS"]) * 1024 / max(1, consoles.connected), 1),
        "modules_loaded": modules_idle,
        "modules_loaded_with_sockets": modules_after,
        "modules_by_package": by_package,
        **costs,
        "goal_idle_mb": 100,
        "goal_sockets_mb": 150,
        **growth,
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--quick", action="store_true", help="200 sockets instead of 2,000")
    p.add_argument("--sockets", type=int, default=2000)
    p.add_argument("--root", help="another checkout whose hub package runs (e.g. the one before a change)")
    p.add_argument("--trace", metavar="DIR", help="run the hub under tracemalloc; snapshots in DIR, growth shown")
    p.add_argument("--deflate", action="store_true", help="sockets offer permessage-deflate, as browsers do")
    p.add_argument("--packages", action="store_true", help="what each of the hub's biggest packages costs alone")
    add_unsafe(p)
    args = p.parse_args()
    if args.quick:
        args.sockets = 200
    with tempfile.TemporaryDirectory() as tmp:
        result = asyncio.run(run(args, f"sqlite+aiosqlite:///{Path(tmp) / 'memory.db'}"))
    print(json.dumps(result))


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        main()
