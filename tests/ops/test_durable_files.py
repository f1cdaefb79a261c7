"""A stored file (raw mail, an attachment) is on disk before it is acknowledged: file and directory synced."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from hub.channels.email.raw import RawMailStore
from hub.channels.storage import LocalDirectoryStore


@pytest.fixture
def synced(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Every fsync as (path, thread name)."""
    calls: list[tuple[str, str]] = []
    real = os.fsync

    def fsync(fd: int) -> None:
        calls.append((os.readlink(f"/proc/self/fd/{fd}"), threading.current_thread().name))
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    return calls


async def test_raw_mail_is_synced_with_its_new_directories(tmp_path: Path, synced: list[tuple[str, str]]) -> None:
    store = RawMailStore(tmp_path / "raw", retention_days=30)
    key = await store.put(b"From: a@example.test\r\n\r\nhello\r\n")
    path = (tmp_path / "raw" / key).resolve()
    paths = [p for p, _ in synced]
    assert paths.index(str(path) + ".part") < paths.index(str(path.parent))  # the bytes, then the name
    for directory in (path.parent, path.parent.parent, path.parent.parent.parent):  # a new day: YYYY/MM/DD
        assert str(directory.parent) in paths  # each new directory's entry in its parent
    loop_thread = threading.current_thread().name
    assert all(thread != loop_thread for _, thread in synced)  # in a worker thread, never on the event loop
    assert await store.get(key) == b"From: a@example.test\r\n\r\nhello\r\n"


async def test_an_attachment_is_synced(tmp_path: Path, synced: list[tuple[str, str]]) -> None:
    store = LocalDirectoryStore(tmp_path / "files", max_bytes=1000)
    stored = await store.put(b"%PDF-1.4", "invoice.pdf", "application/pdf")
    path = (tmp_path / "files" / stored.storage_key).resolve()
    paths = [p for p, _ in synced]
    assert str(path) + ".part" in paths and str(path.parent) in paths
    assert not path.with_suffix(path.suffix + ".part").exists()
