"""Waiting in tests for a condition (background delivery, media downloads, IMAP polls, a process coming up)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any


async def until(check: Callable[[], Any], timeout: float = 10, what: str = "") -> None:
    """Polls the awaitable check until it is true; fails with `what` (what was awaited) after timeout seconds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        assert asyncio.get_running_loop().time() < deadline, f"timed out after {timeout:g} s" + (
            f" waiting for {what}" if what else ""
        )
        await asyncio.sleep(0.05)
