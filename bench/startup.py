"""Start-up: `hub serve` from launch to its first 200 on /healthz and on /readyz, and `import hub.app`.

Each run upgrades a fresh SQLite file, starts `hub serve` on a free port and polls /healthz every 20 ms, then
/readyz; the process's CPU seconds are read at the first /healthz. --compare PATH alternates with another
checkout (its hub package first on the import path), run by run, so a busy machine weighs on both alike.
Medians of --runs (5; --quick: 3). A start is awaited as long as it takes (given up only if the process exits).
Prints one JSON object on its last line, with the durability settings the hub ran with (its default: durable).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `python bench/startup.py`: the project root

from bench._services import add_unsafe, durability, free_port, hub_env

HERE = str(Path(__file__).resolve().parent.parent)
POLL_S = 0.02


def _cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:  # noqa: S310 (a local http URL)
            return int(r.status)
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return None


def serve_once(root: str, unsafe: bool = False) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        return _serve_once(root, Path(tmp), unsafe)


def _serve_once(root: str, tmp: Path, unsafe: bool) -> dict[str, float]:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": root, "HUB_DATABASE_URL": f"sqlite+aiosqlite:///{tmp}/hub.db",
           "HUB_HTTP_PORT": str(port), "HUB_SMTP_PORT": str(free_port()), **hub_env(unsafe)}  # fmt: skip
    subprocess.run([sys.executable, "-m", "hub", "db", "upgrade"], env=env, cwd=tmp, check=True, capture_output=True)
    base = f"http://127.0.0.1:{port}"
    t0 = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "hub", "serve"], env=env, cwd=tmp, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
    figures: dict[str, float] = {}
    try:
        while "readyz_s" not in figures:
            if proc.poll() is not None:
                raise RuntimeError(f"hub serve ({root}) exited before it was ready: {proc.returncode}")
            if "healthz_s" not in figures and _status(f"{base}/healthz") == 200:
                figures["healthz_s"], figures["healthz_cpu_s"] = time.monotonic() - t0, _cpu_s(proc.pid)
            if "healthz_s" in figures and _status(f"{base}/readyz") == 200:
                figures["readyz_s"] = time.monotonic() - t0
            time.sleep(POLL_S)
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            pass
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)  # its own session: whatever it started goes too
            proc.wait()
    return figures


def import_once(root: str) -> float:
    t0 = time.monotonic()
    subprocess.run([sys.executable, "-c", "import hub.app"], env={**os.environ, "PYTHONPATH": root}, check=True)
    return time.monotonic() - t0


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--quick", action="store_true", help="3 runs")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--compare", help="another checkout's root, measured alternately with this one")
    add_unsafe(p)
    args = p.parse_args()
    runs = 3 if args.quick else args.runs
    roots = {"this": HERE, **({"compared": args.compare} if args.compare else {})}
    samples: dict[str, dict[str, list[float]]] = {name: {} for name in roots}
    for _ in range(runs):
        for name, root in roots.items():
            figures = {**serve_once(root, args.unsafe), "import_hub_app_s": import_once(root)}
            for key, value in figures.items():
                samples[name].setdefault(key, []).append(value)
    result = {
        name: {key: round(statistics.median(values), 2) for key, values in figures.items()}
        for name, figures in samples.items()
    }
    with tempfile.TemporaryDirectory() as tmp:
        settings = asyncio.run(durability(f"sqlite+aiosqlite:///{tmp}/hub.db", args.unsafe))
    print(json.dumps({"bench": "startup", "runs": runs, "load_average": round(os.getloadavg()[0], 1), **settings,
                      **result}))  # fmt: skip


if __name__ == "__main__":
    main()
