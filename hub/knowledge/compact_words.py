"""A word table (jieba's frequencies, pypinyin's phrases and prefixes) in flat arrays that can live in a mapped file.

jieba keeps its dictionary (every word and every prefix of one, with its frequency) as a Python dict: about
53 MB of objects in a process that otherwise idles near 100 MB. The same table as sorted hashes, offsets into
one UTF-8 string of all words, and values takes about a quarter of that, holds no Python object per word (so it
can be mapped from a cache file, hub/knowledge/mapped_file.py, and shared by every process), and answers
jieba's only questions of it (`word in table`, `table[word]`, `table.get(word)`) with the same answers, so
segmentation is unchanged; a look-up costs an encode, a crc32 and a bisection in C, and one comparison of bytes.
"""

from __future__ import annotations

import zlib
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping
from itertools import accumulate
from typing import Any, TypeVar

from hub.knowledge.mapped_file import in_memory

T = TypeVar("T")
_ENCODING = "utf-8"
_ERRORS = "surrogatepass"  # a lone surrogate in a customer's text is looked up (and not found), never an error


def _key(word: str) -> bytes:
    return word.encode(_ENCODING, _ERRORS)


def _sized(values: array[int], limit: int = 2**32) -> array[int]:
    """4-byte items when every value fits (they all do for these dictionaries), else 8."""
    return array("I", values) if max(values, default=0) < limit else values


def word_sections(words: Iterable[str], values: Mapping[str, int] | None = None) -> dict[str, array[Any] | bytes]:
    """The arrays of a table: words sorted by their crc32 (equal hashes side by side), one string of all of
    them, where each starts, and each one's value when there are values (a set of words has none)."""
    encoded = sorted((zlib.crc32(b := _key(w)), b, w) for w in words)
    sections: dict[str, array[Any] | bytes] = {
        "hashes": array("I", (h for h, _, _ in encoded)),
        "offsets": _sized(array("Q", accumulate((len(b) for _, b, _ in encoded), initial=0))),
        "words": b"".join(b for _, b, _ in encoded),
    }
    if values is not None:
        sections["values"] = _sized(array("Q", (values[w] for _, _, w in encoded)))
    return sections


class CompactWords(Mapping[str, int]):
    """Read-only, over the arrays word_sections made (mapped or in memory): a word's hash finds its slot, its
    bytes confirm it. A table without values answers 0 for every word it holds (it is asked only `in`)."""

    __slots__ = ("_hashes", "_last", "_n", "_offsets", "_values", "_words")

    def __init__(self, sections: Mapping[str, Any]) -> None:  # mapped_file.Tables.sections
        self._hashes = sections["hashes"]
        self._offsets = sections["offsets"]
        self._words = sections["words"]
        self._values = sections.get("values")
        self._n = len(self._hashes)
        # The last word asked and its slot, as one tuple (threads share the table: one atomic assignment).
        # jieba asks `frag in FREQ` and then `FREQ[frag]` of the same fragment: half its look-ups are repeats.
        self._last: tuple[object, int] = (None, -1)  # None: equal to no word

    @classmethod
    def of(cls, table: Mapping[str, int]) -> CompactWords:
        """Built in memory from a dict (no cache file)."""
        return cls(in_memory(word_sections(table, table), {}).sections)

    def slot(self, word: str) -> int:
        """The word's index in the arrays, or -1. Equal hashes (a collision) sit side by side: each is compared."""
        if not isinstance(word, str):
            return -1
        last = self._last
        if last[0] == word:
            return last[1]
        b = _key(word)
        h = zlib.crc32(b)
        hashes, offsets, words, n = self._hashes, self._offsets, self._words, self._n
        i = bisect_left(hashes, h)
        while i < n and hashes[i] == h:
            if words[offsets[i] : offsets[i + 1]] == b:
                self._last = (word, i)
                return i
            i += 1
        self._last = (word, -1)
        return -1

    def _value(self, i: int) -> int:
        return 0 if self._values is None else int(self._values[i])

    def __getitem__(self, word: str) -> int:
        i = self.slot(word)
        if i < 0:
            raise KeyError(word)
        return self._value(i)

    def get(self, word: str, default: T | int | None = None) -> int | T | None:  # type: ignore[override]
        i = self.slot(word)
        return default if i < 0 else self._value(i)

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self.slot(word) >= 0

    def __iter__(self) -> Iterator[str]:
        offsets, words = self._offsets, self._words
        return (words[offsets[i] : offsets[i + 1]].decode(_ENCODING, _ERRORS) for i in range(self._n))

    def __len__(self) -> int:
        return self._n
