"""Flat tables written once to a cache file and mapped read-only: every process shares the same pages.

A table set is a few typed arrays (and a little JSON) that a builder makes from a library's dictionary. The
first process builds it and writes it under the user's cache directory (atomically: a temporary file, then
os.replace); every later one maps the file with mmap, so none of them holds the dictionary as Python objects
and the pages are shared by all processes on the host (counted once in PSS). The file is keyed by what it was
built from (library version, dictionary file size and mtime); a missing, stale or unreadable file is rebuilt.
"""

from __future__ import annotations

import json
import logging
import mmap
import os
import struct
import tempfile
import zlib
from array import array
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeAlias

log = logging.getLogger(__name__)

MAGIC = b"HUBTAB2\n"  # bumped when the layout changes: an older file is then simply rebuilt
_HEADER_LEN = struct.Struct("<I")
# Every section starts on a page boundary: a cast view reads aligned items, and a byte section is mapped on its
# own (mmap offsets are whole pages), so slicing it gives bytes at C speed rather than a memoryview to compare.
_ALIGN = mmap.ALLOCATIONGRANULARITY
_CHUNK = 1 << 20  # checksum reads (into a small buffer, not through the mapping: no pages of ours touched)

Section: TypeAlias = "array[Any] | bytes"


@dataclass(frozen=True, slots=True)
class Tables:
    """The mapped sections and the builder's small JSON metadata. A typed section is a memoryview cast to its
    item type; a byte section an mmap (or bytes, in memory): either slices to bytes."""

    sections: dict[str, Any]
    meta: dict[str, Any]


def cache_dir() -> Path:
    """$HUB_CACHE_DIR, else $XDG_CACHE_HOME/hub, else ~/.cache/hub: one copy per user, shared by checkouts."""
    explicit = os.environ.get("HUB_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "hub"


def cache_path(name: str, key: str) -> Path:
    # A stable hash of the key (zlib's crc32, not hash(): that one changes with every process).
    return cache_dir() / f"{name}-{zlib.crc32(key.encode()):08x}.bin"


def load(name: str, key: str, build: Callable[[], tuple[dict[str, Section], dict[str, Any]]]) -> Tables:
    """The tables from the cache file, built and written first when missing, stale or unreadable.

    Where the cache cannot be written (a read-only home), the built arrays serve from memory instead."""
    path = cache_path(name, key)
    tables = _read(path, key)
    if tables is not None:
        return tables
    sections, meta = build()
    try:
        _write(path, key, sections, meta)
    except OSError as exc:
        log.warning("cannot write %s (%s): the %s tables stay in this process's memory", path, exc, name)
        return in_memory(sections, meta)
    tables = _read(path, key)
    if tables is None:  # written but not readable back: a broken file system; serve from memory
        return in_memory(sections, meta)
    return tables


def in_memory(sections: Mapping[str, Section], meta: dict[str, Any]) -> Tables:
    """The built arrays as Tables without a file (byte sections stay bytes, as a mapped one slices)."""
    return Tables({k: v if isinstance(v, bytes) else memoryview(v) for k, v in sections.items()}, meta)


def _write(path: Path, key: str, sections: Mapping[str, Section], meta: dict[str, Any]) -> None:
    layout: dict[str, list[Any]] = {}
    offset = 0
    for name, data in sections.items():
        typecode = data.typecode if isinstance(data, array) else "B"
        nbytes = len(memoryview(data).cast("B"))
        layout[name] = [typecode, offset, nbytes]
        offset += -(-nbytes // _ALIGN) * _ALIGN
    body = bytearray(offset)
    for name, data in sections.items():
        _, start, nbytes = layout[name]
        body[start : start + nbytes] = memoryview(data).cast("B")
    header = json.dumps(
        {"key": key, "meta": meta, "sections": layout, "size": len(body), "crc": zlib.crc32(body)},
        ensure_ascii=False,
    ).encode()
    header += b" " * (-(len(MAGIC) + _HEADER_LEN.size + len(header)) % _ALIGN)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.stem, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(MAGIC + _HEADER_LEN.pack(len(header)) + header)
            out.write(body)
        os.replace(tmp, path)  # readers see the old file or the whole new one, never a part
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _read(path: Path, key: str) -> Tables | None:
    """The mapped tables, or None when the file is missing, stale (another key) or damaged."""
    try:
        with path.open("rb") as f:
            start = len(MAGIC) + _HEADER_LEN.size
            lead = f.read(start)
            if len(lead) != start or lead[: len(MAGIC)] != MAGIC:
                return _stale(path, "not a table file")
            (header_len,) = _HEADER_LEN.unpack(lead[len(MAGIC) :])
            header = json.loads(f.read(header_len))
            if header.get("key") != key:
                return _stale(path, "built from another dictionary")
            body_at = start + header_len
            if os.fstat(f.fileno()).st_size != body_at + header["size"] or _crc(f) != header["crc"]:
                return _stale(path, "damaged")
            sections = {  # the mappings stay open after the file closes
                name: _section(f.fileno(), body_at + at, nbytes, typecode)
                for name, (typecode, at, nbytes) in header["sections"].items()
            }
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return _stale(path, f"unreadable: {exc}")
    return Tables(sections, header["meta"])


def _section(fd: int, at: int, nbytes: int, typecode: Any) -> Any:
    """One section mapped on its own: bytes-like for a byte section, else a memoryview of its item type."""
    if not nbytes:  # mmap maps nothing of length 0
        return b"" if typecode == "B" else memoryview(b"").cast(typecode)
    mapped = mmap.mmap(fd, nbytes, access=mmap.ACCESS_READ, offset=at)
    _mapped.append(mapped)
    return mapped if typecode == "B" else memoryview(mapped).cast(typecode)


_mapped: list[mmap.mmap] = []  # every section this process mapped (they live as long as the process)


def release() -> int:
    """Give the mapped pages back to the page cache; how many bytes of mappings that covered. The server calls it
    once its warm-up is done: loading touched nearly every page (a fault maps a whole large folio), though an idle
    process reads none of them. Nothing is lost: a later look-up maps its page again from the page cache (a minor
    fault, no disk read), so a process holds the pages its traffic uses, shared with every other process."""
    if not hasattr(mmap, "MADV_DONTNEED"):  # not Linux: the kernel keeps what it maps, as before
        return 0
    for mapped in _mapped:
        mapped.madvise(mmap.MADV_DONTNEED)
    return sum(len(mapped) for mapped in _mapped)


def _crc(f: Any) -> int:
    crc = 0
    while chunk := f.read(_CHUNK):
        crc = zlib.crc32(chunk, crc)
    return crc


def _stale(path: Path, why: str) -> Tables | None:
    log.info("rebuilding %s: %s", path, why)
    return None  # read as "no tables": the caller builds them
