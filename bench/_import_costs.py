"""What a package costs imported alone in a fresh interpreter: its RSS and modules over a bare interpreter's."""

from __future__ import annotations

import json
import subprocess
import sys

# Reads the interpreter's own RSS (split as bench/memory.py splits the hub's) and its count of modules.
_PROBE = """
import json, sys
before = len(sys.modules)
{statement}
figures = dict(line.split(":", 1) for line in open("/proc/self/status").read().splitlines())
print(json.dumps({{k: int(figures[k].split()[0]) / 1024 for k in ("VmRSS", "RssAnon", "RssFile")}}
                 | {{"modules": len(sys.modules) - before}}))
"""


def _measure(statement: str, env: dict[str, str]) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE.format(statement=statement)], capture_output=True, text=True, env=env, check=False
    )
    if done.returncode:
        raise RuntimeError(f"{statement!r} failed: {done.stderr.strip().splitlines()[-1:]}")
    figures: dict[str, float] = json.loads(done.stdout)
    return figures


def alone(packages: list[str], env: dict[str, str]) -> dict[str, dict[str, float]]:
    """Each package's MB of RSS (anonymous, file) and modules over a bare interpreter, each in its own process."""
    bare = _measure("pass", env)
    costs = {}
    for package in packages:
        got = _measure(f"import {package}", env)
        costs[package] = {
            "rss_mb": round(got["VmRSS"] - bare["VmRSS"], 1),
            "anon_mb": round(got["RssAnon"] - bare["RssAnon"], 1),
            "file_mb": round(got["RssFile"] - bare["RssFile"], 1),
            "modules": int(got["modules"]),
        }
    return costs
