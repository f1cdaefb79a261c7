"""jieba's dictionary mapped from the hub's cache file instead of built as a 53 MB dict in every process.

jieba's Tokenizer.initialize() reads dict.txt (or its own marshal cache) into a dict of ~580,000 words and
prefixes. Here the same table (made by jieba's own gen_pfdict, so the words and frequencies are jieba's) is
written once as flat arrays (hub/knowledge/compact_words.py, hub/knowledge/mapped_file.py) and every process
maps it: the Tokenizer gets what initialize() would have set (FREQ, total, initialized) and never builds it.
"""

from __future__ import annotations

import os
from typing import Any

from hub.knowledge import mapped_file
from hub.knowledge.compact_words import CompactWords, word_sections

FORMAT = 2  # of the table this module writes: part of the cache key


def dictionary_path(jieba: Any) -> str:
    """The dictionary file a Tokenizer reads: its own, or jieba's dict.txt beside its package."""
    tokenizer = jieba.dt
    if tokenizer.dictionary:
        return str(tokenizer.dictionary)
    return os.path.join(os.path.dirname(os.path.abspath(jieba.__file__)), str(jieba.DEFAULT_DICT_NAME))


def cache_key(jieba: Any) -> str:
    """What the table depends on: jieba's version and its dictionary file (path, size, mtime)."""
    path = dictionary_path(jieba)
    stat = os.stat(path)
    return f"jieba {jieba.__version__} {path} {stat.st_size} {stat.st_mtime_ns} format {FORMAT}"


def load(jieba: Any) -> None:
    """jieba's default Tokenizer with its word table mapped (once; under jieba's own lock)."""
    tokenizer = jieba.dt
    with tokenizer.lock:
        if tokenizer.initialized:
            return
        if not all(hasattr(tokenizer, name) for name in ("FREQ", "total", "gen_pfdict", "get_dict_file")):
            # Another jieba than the one this was written for: its own loading, then the table compacted.
            tokenizer.initialize()
            tokenizer.FREQ = CompactWords.of(tokenizer.FREQ)
            return
        tables = mapped_file.load("jieba-words", cache_key(jieba), lambda: _build(tokenizer))
        tokenizer.FREQ = CompactWords(tables.sections)
        tokenizer.total = int(tables.meta["total"])
        tokenizer.initialized = True  # what initialize() sets last: FREQ and total are in place


def _build(tokenizer: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    # jieba's own reader, so the table is exactly what initialize() would hold (duplicate lines, prefixes at 0).
    freq, total = tokenizer.gen_pfdict(tokenizer.get_dict_file())
    return word_sections(freq, freq), {"total": total, "words": len(freq)}
