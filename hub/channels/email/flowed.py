"""Plain text sent as format=flowed (RFC 3676: Apple Mail, Thunderbird) joined back into its paragraphs.

Such a client wraps each paragraph at about 72 characters and ends every line but a paragraph's last with a
space, so that the reader can rejoin them; read as fixed lines, the console would show the sender's wrapping
(and a phone's narrow screen would break it again). Quote depth is kept: lines join only at the same depth,
and each comes back as "> " per level, which quotes.py reads as the quoted history.
"""

from __future__ import annotations

from email.message import Message

_SIGNATURE = "-- "  # the signature separator ends in a space but is never flowed


def is_flowed(part: Message) -> bool:
    return str(part.get_param("format") or "").lower() == "flowed"


def unflow(text: str, delsp: bool = False) -> str:
    """The text with its soft line breaks removed; `delsp` (DelSp=yes): the space before a break is not
    the text's own (it was added where the text had none, as in Chinese or Japanese) and goes too."""
    out: list[str] = []
    joined: str | None = None  # the paragraph being joined, and its quote depth
    joined_depth = 0
    for line in text.replace("\r\n", "\n").split("\n"):
        depth = len(line) - len(line.lstrip(">"))
        content = line[depth:]
        if content.startswith(" "):
            content = content[1:]  # space-stuffing (RFC 3676 4.4), or the space after the quote marks
        flowed = content.endswith(" ") and content != _SIGNATURE
        if flowed and delsp:
            content = content[:-1]
        if joined is not None and depth == joined_depth:
            joined += content
        else:
            if joined is not None:  # a flowed line whose next line is at another depth: it ends there
                out.append(_quoted(joined, joined_depth))
            joined, joined_depth = content, depth
        if not flowed:
            out.append(_quoted(joined, depth))
            joined = None
    if joined is not None:
        out.append(_quoted(joined, joined_depth))
    return "\n".join(out)


def _quoted(text: str, depth: int) -> str:
    return f"{'>' * depth} {text}" if depth else text
