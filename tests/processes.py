"""Real `hub serve` processes for tests: start one on a free port and wait until it answers."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp

HUB = [sys.executable, "-m", "hub"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def wait_healthy(url: str, proc: asyncio.subprocess.Process, seconds: float = 10) -> None:
    async with aiohttp.ClientSession() as http:
        for _ in range(int(seconds * 10)):
            if proc.returncode is not None:
                break
            try:
                async with http.get(f"{url}/readyz") as r:
                    if r.status == 200:
                        return
            except aiohttp.ClientConnectionError:
                await asyncio.sleep(0.1)
    raise AssertionError(f"hub serve at {url} did not answer /readyz")


async def start_hub(env: dict[str, str], *, capture: bool = False) -> tuple[asyncio.subprocess.Process, str]:
    """`hub serve` with env (HUB_HTTP_PORT must be set), healthy before this returns."""
    out = subprocess.PIPE if capture else subprocess.DEVNULL
    env = {"HUB_SMTP_PORT": str(free_port()), **env}  # never the shared default 2525 in tests
    proc = await asyncio.create_subprocess_exec(*HUB, "serve", env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{env['HUB_HTTP_PORT']}"
    await wait_healthy(url, proc)
    return proc, url


@asynccontextmanager
async def hubs(count: int, **env: str) -> AsyncIterator[list[tuple[asyncio.subprocess.Process, str]]]:
    """`count` hub processes (os.environ plus env, each with its own HTTP and SMTP port) as (process, URL).
    Stopped on the way out, whatever the test did to them (a killed one is left as it is)."""
    started: list[tuple[asyncio.subprocess.Process, str]] = []
    try:
        for _ in range(count):
            started.append(await start_hub({**os.environ, **env, "HUB_HTTP_PORT": str(free_port())}))
        yield started
    finally:
        for proc, _url in started:
            if proc.returncode is None:
                proc.terminate()
                await proc.wait()
