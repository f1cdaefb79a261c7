"""The standard feed parser's search for the line ending a part closes with, made to look only at its end.

For every part of a multipart mail the parser strips the last line ending of the part's body (RFC 2046: it
belongs to the boundary) with `NLCRE_eol.search(body)`, a pattern `(\\r\\n|\\r|\\n)\\Z` that is tried at each
line ending of the body in turn: 50 ms for a 4 MB attachment, half the parsing of a mail with one. A match
can only start in the last two characters, so the search starts there: the same match, found at once.
Installed for the process by `single_part`, which every mail goes through.
"""

from __future__ import annotations

import re
from email import feedparser


class LastLineEnding:
    """A stand-in for the compiled `(\\r\\n|\\r|\\n)\\Z` whose `search` starts two characters from the end."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern

    def search(self, text: str) -> re.Match[str] | None:
        return self.pattern.search(text, max(0, len(text) - 2))


def install() -> None:
    names = vars(feedparser)  # NLCRE_eol is the module's own, not in its typed interface
    if isinstance(names.get("NLCRE_eol"), re.Pattern):  # not twice
        names["NLCRE_eol"] = LastLineEnding(names["NLCRE_eol"])
