"""The built wheel works outside the checkout (templates, static files, catalogs, config, the socket.io client),
and constraints.txt pins every runtime dependency. Building and starting the demo take a minute or two."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
import tomllib
import urllib.error
import urllib.request
from collections.abc import Iterator
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.processes import free_port

ROOT = Path(__file__).resolve().parents[2]
# What the source distribution carries (MANIFEST.in): the wheel is built from a copy of these, so the build
# never leaves build/ in the checkout, nor picks up a stale file from an earlier one.
SOURCES = ("hub", "templates", "static", "locale", "config", "pyproject.toml", "setup.py", "MANIFEST.in", "README.md")
SOCKET_IO_CLIENT = Path("node_modules/socket.io-client/dist/socket.io.min.js")
# pip's words when it cannot reach an index for the build's own requirements (setuptools).
OFFLINE = re.compile(r"No matching distribution|Failed to establish a new connection|name resolution|unreachable")
START_SECONDS = 120.0  # `hub demo` migrates and seeds (Chinese text: jieba) before it serves, on a busy machine


def _run(*args: str | Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=300, check=False, **kwargs)  # type: ignore[call-overload, no-any-return]


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv holding only the built wheel; the dependencies come from the project's venv through a .pth
    (which processes no .pth of its own there, so the editable install of the checkout stays out)."""
    work = tmp_path_factory.mktemp("packaging")
    source, dist, env_dir = work / "source", work / "dist", work / "venv"
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "_data"))
        else:
            shutil.copy2(ROOT / name, source / name)
    if not (ROOT / SOCKET_IO_CLIENT).is_file():
        pytest.fail(f"{SOCKET_IO_CLIENT} is missing: run `npm ci` (./run setup does)")
    (source / SOCKET_IO_CLIENT).parent.mkdir(parents=True)
    shutil.copy2(ROOT / SOCKET_IO_CLIENT, source / SOCKET_IO_CLIENT)

    built = _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-input", "-w", dist, source)
    if built.returncode != 0 and OFFLINE.search(built.stdout + built.stderr):
        pytest.skip("building the wheel needs setuptools>=77 from the package index, which is unreachable")
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = dist.glob("hub-*.whl")

    made = _run(sys.executable, "-m", "venv", "--without-pip", env_dir)
    assert made.returncode == 0, made.stderr
    python = env_dir / "bin" / "python"
    installed = _run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-input", wheel)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    ours = sysconfig.get_paths()
    theirs = Path(_run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip())
    (theirs / "hub-dependencies.pth").write_text("\n".join(sorted({ours["purelib"], ours["platlib"]})) + "\n")
    return env_dir


def _env() -> dict[str, str]:
    """The test run's environment without the hub's own settings (a test database URL, a config file)."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("HUB_", "PYTHON"))}


def test_the_wheel_carries_the_hub_and_its_files(venv: Path, tmp_path: Path) -> None:
    folders = "p.TEMPLATES, p.STATIC, p.LOCALE, p.CONFIG"
    code = f"import hub.settings.paths as p; print(p.ROOT); print(*(x.is_dir() for x in ({folders})))"
    shown = _run(venv / "bin" / "python", "-c", code, cwd=tmp_path, env=_env())
    assert shown.returncode == 0, shown.stderr
    root, found = shown.stdout.splitlines()
    assert Path(root).is_relative_to(venv), f"hub came from {root}, not from the wheel"
    assert found == "True True True True"
    helped = _run(venv / "bin" / "hub", "demo", "--help", cwd=tmp_path, env=_env())
    assert helped.returncode == 0, helped.stderr
    assert "usage: hub demo" in helped.stdout


@contextlib.contextmanager
def _demo(venv: Path, cwd: Path, port: int) -> Iterator[subprocess.Popen[bytes]]:
    """`hub demo` in its own process group, stopped (and its group killed) however the test ends."""
    log = cwd / "demo.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(venv / "bin" / "hub"), "demo", "--port", str(port)],
            cwd=cwd,
            env={**_env(), "HUB_SMTP_PORT": str(free_port())},
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            yield proc
        finally:
            proc.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(15)
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _get(url: str, **headers: str) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (a local http URL)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return response.status, response.read().decode(errors="replace")
    except urllib.error.HTTPError as exc:
        return exc.code, ""


def test_the_demo_runs_from_the_wheel_outside_the_checkout(venv: Path, tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with _demo(venv, tmp_path, port) as proc:
        deadline = time.monotonic() + START_SECONDS
        while True:
            with contextlib.suppress(OSError):
                if _get(f"{url}/readyz")[0] == 200:  # /healthz answers while the app still loads
                    break
            output = (tmp_path / "demo.log").read_text(errors="replace")[-4000:]
            assert proc.poll() is None, f"hub demo exited ({proc.returncode}):\n{output}"
            assert time.monotonic() < deadline, f"no /readyz after {START_SECONDS:.0f} s:\n{output}"
            time.sleep(0.2)
        status, page = _get(f"{url}/login")
        assert status == 200
        assert 'type="password"' in page  # the template, from the wheel
        status, page = _get(f"{url}/login", **{"Accept-Language": "zh-CN"})
        assert status == 200
        assert "登录" in page  # the Chinese catalog, from the wheel
        assert _get(f"{url}/static/hub.css")[0] == 200
        status, script = _get(f"{url}/static/vendor/socket.io.min.js")
        assert status == 200
        assert "socket.io" in script.lower()
    assert (tmp_path / "var").is_dir(), "the demo keeps its data under ./var of the directory it runs in"


def _runtime_requirements() -> list[Requirement]:
    """pyproject's dependencies and, through the installed packages' metadata, theirs (extras followed)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    todo = [Requirement(r) for r in project["dependencies"]]
    seen: dict[str, Requirement] = {}
    while todo:
        req = todo.pop()
        name = canonicalize_name(req.name)
        if name in seen:
            continue
        seen[name] = req
        try:
            requires = distribution(name).requires or []
        except PackageNotFoundError:
            continue  # reported by the test
        for raw in requires:
            sub = Requirement(raw)
            extras = [{"extra": ""}] + [{"extra": e} for e in req.extras]
            if sub.marker is None or any(sub.marker.evaluate(e) for e in extras):
                todo.append(sub)
    return list(seen.values())


def test_constraints_pin_every_runtime_dependency() -> None:
    pinned = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            pinned[canonicalize_name(name)] = version.strip()
    missing, unpinned = [], []
    for req in _runtime_requirements():
        name = canonicalize_name(req.name)
        try:
            distribution(name)
        except PackageNotFoundError:
            missing.append(name)
            continue
        if not pinned.get(name):
            unpinned.append(name)
    assert not missing, f"not installed (./run setup): {missing}"
    assert not unpinned, f"constraints.txt pins no version of {sorted(unpinned)}"
