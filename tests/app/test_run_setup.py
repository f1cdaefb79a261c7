"""`./run setup` says what it is doing during a first install and nothing on a warm run (pip, npm and npx
stand-ins that record their calls, so no package is fetched and nothing is built)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from hub.settings import PROJECT_ROOT

# Stands in for python3 and, once "created", for the venv's python: the version check runs for real, `-m venv`
# makes the venv's python (this same script), `-m pip` only records its arguments.
FAKE_PYTHON = f"""#!/usr/bin/env bash
echo "python $*" >> "$CALLS"
case "$1 $2" in
  "-m venv") mkdir -p "$3/bin" && cp "$0" "$3/bin/python" ;;
  "-m pip") ;;
  *) exec {sys.executable} "$@" ;;
esac
"""
FAKE_NPM = """#!/usr/bin/env bash
echo "npm $*" >> "$CALLS"
mkdir -p node_modules/socket.io-client
"""
FAKE_NPX = """#!/usr/bin/env bash
echo "npx $*" >> "$CALLS"
mkdir -p static/app
"""


def _tree(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    root = tmp_path / "hub"
    root.mkdir()
    for name in ("run", "pyproject.toml", "constraints.txt", "package-lock.json", "vite.config.ts", "tsconfig.json"):
        shutil.copy2(PROJECT_ROOT / name, root / name)
    shutil.copytree(PROJECT_ROOT / "web", root / "web")
    tools = tmp_path / "bin"
    tools.mkdir()
    for name, text in (("python", FAKE_PYTHON), ("npm", FAKE_NPM), ("npx", FAKE_NPX)):
        (tools / name).write_text(text)
        (tools / name).chmod(0o755)
    env = {
        "PATH": f"{tools}{os.pathsep}{os.environ['PATH']}",
        "PYTHON": str(tools / "python"),
        "HUB_VENV": str(tmp_path / "venv"),
        "CALLS": str(tmp_path / "calls.log"),
        "HOME": str(tmp_path),
    }
    return root, env


def _setup(root: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(root / "run"), "setup"], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    return done


def test_a_first_setup_names_each_step_and_a_warm_one_prints_nothing(tmp_path: Path) -> None:
    root, env = _tree(tmp_path)
    first = _setup(root, env)
    steps = [line.removeprefix("setup: ") for line in first.stderr.splitlines()]
    assert steps[:-1] == [
        f"creating the virtual environment in {env['HUB_VENV']}",
        "upgrading pip",
        "installing Python packages (first time: a few minutes)",
        "installing browser assets (npm ci)",
        "building the console and the chat widget (vite)",
    ]
    assert steps[-1].startswith("ready (")
    calls = Path(env["CALLS"]).read_text().splitlines()
    assert "python -m pip install --quiet -c constraints.txt -e .[dev]" in calls
    assert "npm ci --no-audit --no-fund --loglevel=error" in calls
    assert "npx --no-install vite build --logLevel error" in calls

    again = _setup(root, env)
    assert again.stdout == again.stderr == ""

    # Changed pins: the packages are brought up to date in the venv that is there, and it says so.
    with (root / "constraints.txt").open("a") as f:
        f.write("# a new pin\n")
    changed = _setup(root, env)
    assert "setup: creating the virtual environment" not in changed.stderr
    assert "setup: bringing the Python packages up to date (constraints.txt)" in changed.stderr

    # A changed browser source: only the build runs again.
    (root / "web" / "console" / "main.tsx").write_text("// changed\n", encoding="utf-8")
    rebuilt = _setup(root, env)
    assert rebuilt.stderr == "setup: building the console and the chat widget (vite)\n"
