"""A server process's big blocks stay mapped apart from glibc's heap after a bigger one was freed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

# In a fresh interpreter (the test process's own heap is not to be changed): a 4 MB block freed, then a 256 KB one
# allocated; prints how many blocks glibc has mapped apart from its heap before and after that allocation.
_PROBE = """
import ctypes, sys
from hub.ops import heap
class Info(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks",
                                              "fsmblks", "uordblks", "fordblks", "keepcost")]
libc = ctypes.CDLL(None)
libc.mallinfo2.restype = Info
if sys.argv[1] == "fixed":
    heap.fix_mmap_threshold()
big = bytearray(4 * 2**20)
del big
before = libc.mallinfo2().hblks
kept = bytearray(256 * 1024)
print(before, libc.mallinfo2().hblks)
"""


def _mapped(mode: str) -> tuple[int, int]:
    root = Path(__file__).resolve().parents[2]  # where `hub` imports from
    probe = [sys.executable, "-c", _PROBE, mode]
    out = subprocess.run(probe, capture_output=True, text=True, check=True, cwd=root).stdout
    before, after = out.split()
    return int(before), int(after)


def test_a_big_block_after_a_bigger_one_was_freed_is_still_mapped_apart() -> None:
    before, after = _mapped("fixed")
    assert after == before + 1  # its own mapping: freeing it gives its pages back


def test_without_it_glibc_would_take_that_block_from_its_heap() -> None:
    before, after = _mapped("default")
    assert after == before  # the threshold rose to 4 MB: the block sits in the heap, where its hole stays
