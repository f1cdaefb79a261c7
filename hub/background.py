"""Background tasks owned by a component: stopped by cancelling them and waiting until they have."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any


async def cancel(task: asyncio.Task[Any] | None) -> None:
    if task is None:
        return
    # Again until it ends: a cancellation can be lost inside a library's timeout handling.
    while not task.done():
        task.cancel()
        await asyncio.wait({task}, timeout=1.0)
    with contextlib.suppress(asyncio.CancelledError):
        await task
