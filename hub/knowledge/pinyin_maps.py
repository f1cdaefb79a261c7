"""pypinyin's phrase and character tables as read-only mappings over flat arrays (mapped from the cache file).

They answer what pypinyin asks of its dicts (`in`, `[]`, `.get`, iteration, `.values()`) with values equal to
the JSON's: a phrase's readings as a fresh list of lists of str (pypinyin deep-copies them per use anyway), a
character's as its "reading,reading" string.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from hub.knowledge.compact_words import CompactWords


class CompactPhrases(Mapping[str, list[list[str]]]):
    """Phrase -> one list of readings per character; the readings are ids into the ~1,250 distinct ones."""

    __slots__ = ("_ids", "_readings", "_starts", "_words")

    def __init__(self, sections: Mapping[str, Any], readings: Sequence[Sequence[str]]) -> None:
        self._words = CompactWords(sections)  # its value for a phrase: the phrase's place in starts
        self._ids = sections["ids"]
        self._starts = sections["starts"]
        self._readings = [tuple(r) for r in readings]

    def _at(self, place: int) -> list[list[str]]:
        readings = self._readings
        return [list(readings[i]) for i in self._ids[self._starts[place] : self._starts[place + 1]]]

    def __getitem__(self, phrase: str) -> list[list[str]]:
        return self._at(self._words[phrase])

    def __contains__(self, phrase: object) -> bool:
        return phrase in self._words

    def __iter__(self) -> Iterator[str]:
        return iter(self._words)

    def __len__(self) -> int:
        return len(self._words)


class CompactChars(Mapping[int, str]):
    """Code point -> its readings ("zhōng,zhòng"), by bisection in the sorted code points."""

    __slots__ = ("_n", "_offsets", "_points", "_readings")

    def __init__(self, sections: Mapping[str, Any]) -> None:
        self._points = sections["points"]
        self._offsets = sections["char_offsets"]
        self._readings = sections["char_readings"]
        self._n = len(self._points)

    def _slot(self, point: object) -> int:
        if not isinstance(point, int):
            return -1
        i = bisect_left(self._points, point)
        return i if i < self._n and self._points[i] == point else -1

    def _value(self, i: int) -> str:
        return str(self._readings[self._offsets[i] : self._offsets[i + 1]].decode())

    def __getitem__(self, point: int) -> str:
        i = self._slot(point)
        if i < 0:
            raise KeyError(point)
        return self._value(i)

    def __contains__(self, point: object) -> bool:
        return self._slot(point) >= 0

    def __iter__(self) -> Iterator[int]:
        return iter(self._points.tolist())

    def __len__(self) -> int:
        return self._n
