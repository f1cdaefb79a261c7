"""Real processes for tests (`hub serve`, redis-server): started on free ports, and always stopped, whatever happens.

Each runs in a process group of its own (so its workers go with it) and is killed by the kernel if the test run
dies. A start that fails or times out stops what it started; the conftest stops whatever a test left running."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import itertools
import os
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import IO

import aiohttp

from tests.waiting import until

HUB = [sys.executable, "-m", "hub"]
START_SECONDS = 60.0  # a cold `hub serve` on a busy 2-core machine; slower than this is a failure, and killed
STOP_SECONDS = 15.0  # a graceful stop (SIGTERM) gets this long before the whole group is killed
PR_SET_PDEATHSIG = 1
# Looked up now: the child between fork and exec must not need the dynamic loader's lock.
_PRCTL = ctypes.CDLL(None, use_errno=True).prctl if sys.platform == "linux" else None

Process = asyncio.subprocess.Process
# Started and not yet stopped, with the file catching its output (None when the caller reads a pipe).
_running: dict[Process, IO[bytes] | None] = {}


# Ports named before they are bound (a hub's public URL, a child process's --port) come from a range of this
# worker's own, below the kernel's ephemeral range (32768+): no other xdist worker, and no port-0 bind, can take
# them between our check and the bind.
_WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
_SPAN = 1000
_BASE = 20000 + (_WORKER % 12) * _SPAN
_turn = itertools.count()


def free_port() -> int:
    for _ in range(_SPAN):
        port = _BASE + next(_turn) % _SPAN
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue  # in use, or still closing: the next one
            return port
    raise RuntimeError("no free port in this worker's range")


def _die_with_the_test_run() -> None:
    """In the child before exec: the kernel kills it when pytest dies, even by kill -9 (nothing else would)."""
    if _PRCTL is not None:
        _PRCTL(PR_SET_PDEATHSIG, signal.SIGKILL)


async def spawn(*args: str, env: dict[str, str] | None = None, capture: bool = False) -> Process:
    """Started in its own process group; output to a pipe (capture) or to a file shown if its start fails."""
    log = None if capture else tempfile.TemporaryFile()  # noqa: SIM115 - closed by stop()
    proc = await asyncio.create_subprocess_exec(
        *args,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE if capture else log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        preexec_fn=_die_with_the_test_run,  # forces fork+exec, harmless here; the function needs no locks
    )
    _running[proc] = log
    return proc


def _kill_group(proc: Process) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)  # its own group (start_new_session): workers it forked go too


def output_of(proc: Process, limit: int = 4000) -> str:
    """The last output of a process started without capture (for failure messages)."""
    log = _running.get(proc)
    if log is None:
        return ""
    log.seek(0, os.SEEK_END)
    log.seek(max(0, log.tell() - limit))
    return log.read().decode(errors="replace")


async def stop(proc: Process, seconds: float = STOP_SECONDS) -> bytes:
    """SIGTERM, then SIGKILL for the whole group if it has not exited in time; returns a captured pipe's output."""
    output = b""
    try:
        if proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                proc.terminate()
        with contextlib.suppress(TimeoutError):
            output = (await asyncio.wait_for(proc.communicate(), seconds))[0] or b""
    finally:
        _kill_group(proc)  # also when cancelled, and for anything its group still holds after a clean exit
        log = _running.pop(proc, None)
        if log is not None:
            log.close()
    if proc.returncode is None:
        await proc.wait()
    return output


def stop_leftovers() -> int:
    """Kill (synchronously: the test's event loop may be gone) every process a test left running; how many."""
    left = list(_running)
    for proc in left:
        _kill_group(proc)
        log = _running.pop(proc)
        if log is not None:
            log.close()
    return len(left)


async def wait_healthy(url: str, proc: Process, seconds: float = START_SECONDS) -> None:
    async def answers() -> bool:
        if proc.returncode is not None:
            return True  # gone: nothing to wait for
        try:
            async with http.get(f"{url}/readyz") as r:
                return r.status == 200
        except (aiohttp.ClientError, TimeoutError):
            return False

    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as http:
        await until(answers, timeout=seconds, what=f"hub serve at {url} to answer /readyz")
    if proc.returncode is not None:
        raise AssertionError(f"hub serve at {url} exited ({proc.returncode}) before it answered /readyz")


async def start_hub(
    env: dict[str, str], *, capture: bool = False, seconds: float = START_SECONDS
) -> tuple[Process, str]:
    """`hub serve` with env (HUB_HTTP_PORT must be set), healthy before this returns; stopped if it is not."""
    env = {"HUB_SMTP_PORT": str(free_port()), **env}  # never the shared default 2525 in tests
    proc = await spawn(*HUB, "serve", env=env, capture=capture)
    url = f"http://127.0.0.1:{env['HUB_HTTP_PORT']}"
    try:
        await wait_healthy(url, proc, seconds)
    except AssertionError as failed:
        shown = output_of(proc)
        captured = await stop(proc)
        raise AssertionError(f"{failed}; its output:\n{shown or captured.decode(errors='replace')}") from None
    except BaseException:  # cancelled (a test timeout) or anything else: never leave it running
        await asyncio.shield(stop(proc))
        raise
    return proc, url


@asynccontextmanager
async def hubs(count: int, **env: str) -> AsyncIterator[list[tuple[Process, str]]]:
    """`count` hub processes (os.environ plus env, each with its own HTTP and SMTP port) as (process, URL),
    started together. All stopped on the way out, whatever the test did to them (a killed one too: its group)."""
    starts = [start_hub({**os.environ, **env, "HUB_HTTP_PORT": str(free_port())}) for _ in range(count)]
    results = await asyncio.gather(*starts, return_exceptions=True)
    started = [r for r in results if not isinstance(r, BaseException)]
    try:
        for r in results:
            if isinstance(r, BaseException):
                raise r
        yield started
    finally:
        await asyncio.gather(*(stop(proc) for proc, _url in started))
