"""pypinyin, loaded once with its phrase table's readings shared and its prefix set compact: same answers, less memory.

pypinyin reads its 47,000 phrases from JSON: each phrase a list of one-reading lists, every reading a string of
its own (about 32 MB of objects for 1,250 distinct readings). Each phrase keeps its own outer list (pypinyin
deep-copies it per use and replaces its items, never changing them in place), and its items become one shared
list per reading: pypinyin's answers are the same objects' equals, so its results are unchanged.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable

from hub.knowledge.compact_words import CompactWords

_lock = threading.Lock()
_shared = False


def lazy_pinyin() -> Callable[..., list[str]]:
    """pypinyin.lazy_pinyin, its tables compacted on the first call (under a lock: threads may race to it)."""
    global _shared
    # pypinyin's own switch: no second copy of its two tables (3 MB), kept for custom entries the hub never adds.
    os.environ.setdefault("PYPINYIN_NO_DICT_COPY", "1")
    from pypinyin import lazy_pinyin as convert

    if not _shared:
        with _lock:
            if not _shared:
                from pypinyin.constants import PHRASES_DICT
                from pypinyin.seg.mmseg import p_set

                _share_readings(PHRASES_DICT)
                # The segmenter's set of every phrase's prefixes (7 MB as a set of strings) as flat arrays:
                # it is only asked `prefix in set` (the hub never trains it with phrases of its own).
                p_set._set = CompactWords(dict.fromkeys(p_set._set, 0))  # type: ignore[assignment]  # asked only `in`
                _shared = True
    return convert


def _share_readings(phrases: dict[str, list[list[str]]]) -> None:
    # In place, in each phrase's own list: pypinyin's module copy of the table shares these lists with its
    # constants' copy, so both see the change and the old readings are freed.
    readings: dict[tuple[str, ...], list[str]] = {}
    for pinyins in phrases.values():
        pinyins[:] = [readings.setdefault(tuple(one), one) for one in pinyins]
