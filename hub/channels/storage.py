"""Attachment storage behind a small interface; a local directory by default."""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import uuid
from pathlib import Path
from typing import Protocol

from hub.envelopes import Attachment

_SAFE_NAME = re.compile(r"[^A-Za-z0-9._\-\u4e00-\u9fff]+")


class TooLarge(ValueError):
    pass


class AttachmentStore(Protocol):
    max_bytes: int

    async def put(self, data: bytes, filename: str, content_type: str) -> Attachment: ...

    async def get(self, key: str) -> bytes: ...

    async def delete(self, key: str) -> bool: ...


class LocalDirectoryStore:
    """Files under root/<2 hex>/<uuid>-<name>; keys never contain caller-controlled path parts."""

    def __init__(self, root: str | Path, max_bytes: int) -> None:
        self.root = Path(root)
        self.max_bytes = max_bytes

    async def put(self, data: bytes, filename: str, content_type: str) -> Attachment:
        if len(data) > self.max_bytes:
            raise TooLarge(f"attachment of {len(data)} bytes is over the {self.max_bytes}-byte limit")
        name = _SAFE_NAME.sub("_", filename).strip("._")[:80] or "file"
        key = f"{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}-{name}"
        path = self.root / key
        await asyncio.to_thread(write_atomically, path, data)
        return Attachment(
            filename=filename[:200],
            content_type=content_type[:100],
            size=len(data),
            storage_key=key,
            sha256=hashlib.sha256(data).hexdigest(),
        )

    async def get(self, key: str) -> bytes:
        return await read_within(self.root, key)

    async def delete(self, key: str) -> bool:
        return await delete_within(self.root, key)


def write_atomically(path: Path, data: bytes) -> None:
    """Write a whole file and sync it (its bytes, then its name in the directory) before returning: callers
    acknowledge what they stored (an SMTP 250, an IMAP flag), so it must survive a power cut. Blocking: call it
    in a thread."""
    _make_dirs(path.parent)
    tmp = path.with_suffix(path.suffix + ".part")
    with open(tmp, "wb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())
    tmp.replace(path)  # readers never see half a file
    sync_directory(path.parent)


def sync_directory(path: Path) -> None:
    """A new or renamed file's directory entry reaches the disk only when its directory is synced."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _make_dirs(path: Path) -> None:
    if path.is_dir():
        return
    _make_dirs(path.parent)
    path.mkdir(exist_ok=True)
    sync_directory(path.parent)  # the new directory's own entry (a new day of raw mail: YYYY/MM/DD)


async def read_within(root: Path, key: str) -> bytes:
    """The file at root/key; KeyError for anything missing or outside root."""
    return await asyncio.to_thread(_read_within, root, key)


async def delete_within(root: Path, key: str) -> bool:
    """Remove root/key (erasure); False when it was not there. Nothing outside root is touched."""
    return await asyncio.to_thread(_delete_within, root, key)


def _delete_within(root: Path, key: str) -> bool:
    path = (root / key).resolve()
    if root.resolve() not in path.parents:
        return False
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True


def _read_within(root: Path, key: str) -> bytes:
    path = (root / key).resolve()
    if root.resolve() not in path.parents:
        raise KeyError(key)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise KeyError(key) from None
