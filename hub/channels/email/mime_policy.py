"""The standard library's `policy.default` for reading mail, with each header object made once.

Every `msg.get(...)` (every `get_content_type()`, charset or disposition asked) parses the header again, and
the stock registry builds a new class for each such call: reading a small mail asked for its Content-Type
about eight times, and headers were two thirds of its parsing. A header object depends on nothing but its
class, name and value and is never changed after it is made, so the same one is handed out again.
"""

from __future__ import annotations

import functools
from email import policy
from email.headerregistry import BaseHeader, HeaderRegistry

# Values longer than this (a long References chain) are parsed each time rather than kept.
CACHED_VALUE_CHARS = 2000


class _Registry(HeaderRegistry):
    def __init__(self) -> None:
        super().__init__()
        # Bounded: header names and values come from senders.
        self._type = functools.lru_cache(maxsize=256)(super().__getitem__)
        self._made = functools.lru_cache(maxsize=1024)(self._make)

    def __getitem__(self, name: str) -> type[BaseHeader]:
        made: type[BaseHeader] = self._type(name.lower())
        return made

    def _make(self, name: str, value: str) -> BaseHeader:
        header: BaseHeader = self[name](name, value)
        return header

    def __call__(self, name: str, value: str) -> BaseHeader:
        if type(value) is str and len(value) <= CACHED_VALUE_CHARS:
            return self._made(name, value)
        return self._make(name, value)


READING = policy.default.clone(header_factory=_Registry())
