"""A multipart mail whose parts are single parts, split at its boundary lines instead of walked line by line.

The standard feed parser reads a multipart body one line at a time, testing every line of a base64 attachment
against the boundary: 50 of the 75 ms a 5 MB mail with files took. Here the boundary lines are found with one
search, the container's headers go through the parser alone, and each part is read by single_part.py (its
headers parsed, its body kept as received): the message the parser builds. Only the plain shape is taken: a
start and a close boundary, parts that are neither multipart nor message/*, no empty part, no transfer
encoding on the container. Anything else (nested parts, a digest, a missing boundary) is left to the whole
parser, with its defects and quirks.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser
from itertools import pairwise

from hub.channels.email.mime_policy import READING

_PLAIN_ENCODINGS = ("7bit", "8bit", "binary")


def split_multipart(raw: bytes, body_start: int, read_part: Callable[[bytes], Message | None]) -> EmailMessage | None:
    """The message the standard parser makes of `raw` (under READING), or None when `raw` is not of the plain
    shape. `body_start`: where the body begins, after the blank line; `read_part`: a part's bytes (up to the
    next boundary line) to the part as the parser leaves it, None if it holds parts of its own."""
    msg = BytesHeaderParser(policy=READING).parsebytes(raw[:body_start])
    if not isinstance(msg, EmailMessage) or msg.get_payload() != "":
        return None  # a line among the headers that is not one: the parser's body starts earlier
    try:  # a header the parser cannot read: it raises, or copes, as it does
        separator = _separator(msg)
    except Exception:
        return None
    if separator is None:
        return None
    lines = _boundary_lines(raw, body_start, separator)
    # A start boundary first, a close boundary last, and never two boundary lines in a row (the parser takes
    # the second as part of the first).
    if len(lines) < 2 or lines[0][2] or not lines[-1][2]:
        return None
    if any(after == before for (_, after, _), (before, _, _) in pairwise(lines)):
        return None
    parts: list[Message | str] = []
    for (_, start, _), (end, _, _) in pairwise(lines):
        part = read_part(raw[start:end])
        if part is None:
            return None
        parts.append(part)
    if lines[0][0] > body_start:  # the line ending before the first boundary is the boundary's
        preamble = raw[body_start : lines[0][0]]
        msg.preamble = _text(preamble[: len(preamble) - line_end_length(preamble)])
    msg.epilogue = _text(raw[lines[-1][1] :])
    msg.set_payload(parts)
    return msg


def line_end_length(data: bytes) -> int:
    """How long the line ending at the end of `data` is (the parser's `(\\r\\n|\\r|\\n)\\Z`): 2, 1 or 0."""
    return 2 if data.endswith(b"\r\n") else 1 if data.endswith((b"\r", b"\n")) else 0


def _separator(msg: Message) -> bytes | None:
    encoding = str(msg.get("content-transfer-encoding", "8bit")).lower()
    if msg.get_content_maintype() != "multipart" or encoding not in _PLAIN_ENCODINGS:
        return None
    if msg.get_content_type() == "multipart/digest":  # its parts are mail (message/rfc822) by default
        return None
    boundary = msg.get_boundary()
    if not boundary or not boundary.isascii():
        return None
    return b"--" + boundary.encode("ascii")


def _boundary_lines(raw: bytes, body_start: int, separator: bytes) -> list[tuple[int, int, bool]]:
    """(start, end with its line ending, whether it closes) of each boundary line up to the first closing one:
    the separator at the start of a line (after CRLF, LF or a lone CR: the parser's lines), "--" or not, spaces
    or tabs, the line's end."""
    pattern = re.compile(re.escape(separator) + rb"(--)?[ \t]*(?:\r\n|\r|\n|\Z)")
    found = []
    for match in pattern.finditer(raw, body_start):
        start = match.start()
        if start == body_start or raw[start - 1] in b"\r\n":
            found.append((start, match.end(), match.group(1) is not None))
            if found[-1][2]:
                break  # the rest is the epilogue, boundary lines or not
    return found


def _text(data: bytes) -> str:
    return data.decode("ascii", "surrogateescape")  # as the parser holds the bytes it read
