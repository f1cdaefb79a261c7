"""Tests marked `alone` (they restart a server every test shares) run while no other test runs, under pytest-xdist.

Every test holds a shared lock from its set-up to its teardown; an `alone` test holds it exclusively. A gate taken
briefly before either keeps a waiting `alone` test ahead of the tests that come after it: without it, the other
workers could take turns holding the shared lock and keep it waiting for ever. Without xdist this does nothing."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

MARK = "alone"


def folder(config: pytest.Config) -> Path | None:
    """Shared by this run's workers: the parent of their own base temporary folders (xdist sets each one's)."""
    if not hasattr(config, "workerinput"):
        return None  # not a worker: one test at a time anyway
    return Path(config.option.basetemp).parent


@contextmanager
def turn(item: pytest.Item) -> Iterator[None]:
    """Held while the test's set-up, call and teardown run (its session fixtures' teardown too, when it is last)."""
    shared = folder(item.config)
    if shared is None:
        yield
        return
    alone = item.get_closest_marker(MARK) is not None
    with open(shared / "tests.gate", "a+b") as gate, open(shared / "tests.lock", "a+b") as lock:
        fcntl.flock(gate, fcntl.LOCK_EX)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX if alone else fcntl.LOCK_SH)  # blocks while the other side holds it
        finally:
            fcntl.flock(gate, fcntl.LOCK_UN)
        yield  # closing the file releases the lock, however the test ended
