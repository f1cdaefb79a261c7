"""Every inbound mail's raw bytes, kept before parsing so no parser bug can lose one; purged after retention."""

from __future__ import annotations

import asyncio
import hashlib
import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from hub.channels.storage import delete_within, read_within, write_atomically


class RawMailStore:
    """Files under root/YYYY/MM/DD/<sha256>.eml: the same bytes twice are one file."""

    def __init__(self, root: str | Path, retention_days: int) -> None:
        self.root = Path(root)
        self.retention = timedelta(days=retention_days)

    async def put(self, data: bytes) -> str:
        """The copy's key, once the copy is on disk (hashed, written, file and directory synced: in a thread,
        off the loop; hashing 5 MB on the loop held it for 10 ms)."""
        return await asyncio.to_thread(self.write, data)

    def write(self, data: bytes) -> str:
        """put, blocking: for a caller already in a thread."""
        key = f"{datetime.now(UTC):%Y/%m/%d}/{hashlib.sha256(data).hexdigest()}.eml"
        path = self.root / key
        if not path.exists():
            write_atomically(path, data)
        return key

    def path(self, key: str) -> Path:
        """Where the copy of `key` is (for a reader that takes a file, the mail parser's process)."""
        return self.root / key

    @staticmethod
    def digest(key: str) -> str:
        """The SHA-256 (hex) of the mail's bytes, which names its copy: the mail need not be hashed again."""
        return key.rpartition("/")[2].removesuffix(".eml")

    async def get(self, key: str) -> bytes:
        return await read_within(self.root, key)

    async def delete(self, key: str) -> bool:
        """Erasure of a customer: their raw mail goes too."""
        return await delete_within(self.root, key)

    def purge(self, today: date | None = None) -> int:
        """Remove the days older than the retention; returns how many day directories went."""
        cutoff = (today or datetime.now(UTC).date()) - self.retention
        removed = 0
        for day in sorted(self.root.glob("[0-9][0-9][0-9][0-9]/[0-9][0-9]/[0-9][0-9]")):
            try:
                when = date(int(day.parent.parent.name), int(day.parent.name), int(day.name))
            except ValueError:
                continue
            if when < cutoff:
                shutil.rmtree(day, ignore_errors=True)
                removed += 1
        return removed
