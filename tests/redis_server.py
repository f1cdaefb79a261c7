"""A redis-server of a test's own: the hub talks through Redis pub/sub, which no DB number divides, so only a
server per test keeps a process another test left behind from hearing this test's events (and answering them)."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
from pathlib import Path

from tests.processes import Process, free_port, spawn, stop
from tests.waiting import until

INSTALLED = shutil.which("redis-server") is not None


class RedisServer:
    """No persistence; start, kill -9 and start again on the same port (a Redis restart)."""

    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._folder = folder
        self._proc: Process | None = None

    async def start(self) -> None:
        self._proc = proc = await spawn(
            "redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no",
            "--dir", str(self._folder),
        )  # fmt: skip

        async def up() -> bool:
            assert proc.returncode is None, f"redis-server on port {self.port} exited ({proc.returncode})"
            return await self.answers()

        try:
            await until(up, timeout=30, what=f"redis-server on port {self.port}")
        except BaseException:
            await self.stop()
            raise

    async def answers(self) -> bool:
        with contextlib.suppress(OSError):
            reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
            try:
                writer.write(b"PING\r\n")
                return await asyncio.wait_for(reader.readline(), 2) == b"+PONG\r\n"
            except TimeoutError:
                return False
            finally:
                writer.close()
        return False

    async def kill(self) -> None:
        """kill -9: no goodbye to its clients."""
        if self._proc is not None:
            if self._proc.returncode is None:
                self._proc.kill()
            await stop(self._proc)
            self._proc = None

    async def stop(self) -> None:
        if self._proc is not None:
            await stop(self._proc)
            self._proc = None
