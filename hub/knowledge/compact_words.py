"""jieba's word-frequency table in four flat arrays instead of a dict of ~580,000 str keys and int values.

jieba keeps its dictionary (every word and every prefix of one, with its frequency) as a Python dict: about
53 MB of objects in a process that otherwise idles near 100 MB. The same table as sorted hashes, offsets into
one string of all words, and frequencies takes about a quarter of that and answers jieba's only questions of it
(`word in table`, `table[word]`, `table.get(word)`) with the same answers, so segmentation is unchanged; a look-up
costs a bisection in C and one string comparison (about a microsecond) instead of a dict probe.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterator, Mapping
from itertools import accumulate
from typing import TypeVar

T = TypeVar("T")
_MISSING = object()


class CompactWords(Mapping[str, int]):
    """Read-only: built once from jieba's dict; a word's hash finds its slot, its text confirms it."""

    __slots__ = ("_freqs", "_hashes", "_offsets", "_words")

    def __init__(self, table: Mapping[str, int]) -> None:
        # Sorted in place by hash: no index list, and the keys' hashes are cached in the str objects already.
        words = list(table)
        words.sort(key=hash)  # str hashes are per process, and so is this table: never stored
        self._hashes = array("q", map(hash, words))
        freqs = array("Q", map(table.__getitem__, words))
        self._freqs = array("I", freqs) if max(freqs, default=0) < 2**32 else freqs
        offsets = array("Q", accumulate(map(len, words), initial=0))
        self._offsets = array("I", offsets) if offsets[-1] < 2**32 else offsets
        self._words = "".join(words)

    def _find(self, word: str) -> int:
        """The word's slot, or -1. Equal hashes (a collision) sit side by side: each is compared."""
        h = hash(word)
        hashes, offsets, words = self._hashes, self._offsets, self._words
        i = bisect_left(hashes, h)
        n = len(hashes)
        while i < n and hashes[i] == h:
            if words[offsets[i] : offsets[i + 1]] == word:
                return i
            i += 1
        return -1

    def __getitem__(self, word: str) -> int:
        i = self._find(word) if isinstance(word, str) else -1
        if i < 0:
            raise KeyError(word)
        return self._freqs[i]

    def get(self, word: str, default: T | int | None = None) -> int | T | None:  # type: ignore[override]
        i = self._find(word) if isinstance(word, str) else -1
        return default if i < 0 else self._freqs[i]

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self._find(word) >= 0

    def __iter__(self) -> Iterator[str]:
        offsets, words = self._offsets, self._words
        return (words[offsets[i] : offsets[i + 1]] for i in range(len(self._hashes)))

    def __len__(self) -> int:
        return len(self._hashes)
