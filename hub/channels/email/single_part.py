"""A single-part mail read without the standard parser walking its body line by line.

`email.message_from_bytes` pushes every line of a body through its feed parser, which was three quarters of
the time spent parsing a 5 MB text mail. A mail that is one part (text, or one file) has a body the parser
only collects: here its headers alone go through the parser and the body is attached as it came, which is
the same message. Anything else (multipart, message/*, no blank line after the headers, a line among the
headers that is not one) is left to the whole parser.
"""

from __future__ import annotations

import re
from email.message import EmailMessage, Message
from email.parser import BytesParser

from hub.channels.email.line_ends import install
from hub.channels.email.mime_policy import READING

install()  # the parser's last-line-ending search, at the end of a part only (line_ends.py)

# The first empty line: a line ending right after another one. A lone CR counts as a line ending, as it
# does for the standard parser, but not the CR of a CRLF.
_BLANK_LINE = re.compile(rb"(?:\r\n|\n|\r(?!\n))(?:\r\n|\n|\r(?!\n))")
# Transfer encodings whose decoded bytes differ from the raw body (Message.get_payload(decode=True)).
ENCODED = frozenset({"quoted-printable", "base64", "x-uuencode", "uuencode", "uue", "x-uue"})


class _BodyAsReceived(EmailMessage):
    """A single-part message whose body stays the bytes received until something reads it: the parser's
    form (ASCII with surrogate escapes) cost 15 ms for a 5 MB body, and only a delivery report is ever read
    through it; our text comes from the bytes. Every reader of the payload, the standard library's own
    included (its generator reads `_payload` directly), goes through the property below."""

    def keep(self, body: bytes) -> None:
        self.__dict__["_received"] = body
        self.__dict__["_text"] = None

    def is_multipart(self) -> bool:
        # A body still as received is text, not a list of parts: the stock test would decode it to look.
        return "_received" not in self.__dict__ and super().is_multipart()

    @property
    def _payload(self) -> object:
        received = self.__dict__.pop("_received", None)
        if received is not None:
            self.__dict__["_text"] = received.decode("ascii", "surrogateescape")  # what set_payload would keep
        return self.__dict__.get("_text")

    @_payload.setter
    def _payload(self, value: object) -> None:
        self.__dict__.pop("_received", None)
        self.__dict__["_text"] = value


def read_message(raw: bytes) -> tuple[EmailMessage, bytes | None]:
    """The message `email.message_from_bytes(raw, policy=policy.default)` gives (under READING, the same
    policy), and for a single-part mail its body's bytes as received (None: it went through the whole parser)."""
    found = None if raw[:1] in (b"\r", b"\n") else _BLANK_LINE.search(raw)
    if found is not None:
        msg = BytesParser(_BodyAsReceived, policy=READING).parsebytes(raw[: found.end()])
        # An empty payload: every line before the blank one was a header, as the whole parser would find.
        if msg.get_content_maintype() not in ("multipart", "message") and msg.get_payload() == "":
            assert isinstance(msg, _BodyAsReceived)
            body = raw[found.end() :]
            msg.keep(body)
            return msg, body
    msg = BytesParser(policy=READING).parsebytes(raw)
    assert isinstance(msg, EmailMessage)
    return msg, None


def decoded_body(part: Message, body: bytes | None) -> bytes:
    """`part.get_payload(decode=True)` as bytes; from `body` (the raw body) when no transfer encoding
    changes it, which spares turning a large body into text and back."""
    if body is not None and str(part.get("content-transfer-encoding", "")).lower() not in ENCODED:
        return body
    payload = part.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else b""
