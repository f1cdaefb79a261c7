"""A single-part mail read without the standard parser walking its body line by line.

`email.message_from_bytes` pushes every line of a body through its feed parser, which was three quarters of
the time spent parsing a 5 MB text mail. A mail that is one part (text, or one file) has a body the parser
only collects: here its headers alone go through the parser and the body is attached as it came, which is
the same message. A multipart mail of plain shape is split at its boundaries (multipart.py) and its parts
read the same way. Anything else (message/*, no blank line after the headers, a line among the headers that
is not one) is left to the whole parser.
"""

from __future__ import annotations

import re
from email._encoded_words import decode_b
from email.message import EmailMessage, Message
from email.parser import BytesParser

from hub.channels.email.line_ends import install
from hub.channels.email.mime_policy import READING
from hub.channels.email.multipart import line_end_length, split_multipart

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

    def received(self) -> bytes | None:
        """The body's bytes, if nothing has read the body as text yet."""
        received: bytes | None = self.__dict__.get("_received")
        return received

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
        if msg.get_content_maintype() == "multipart":  # its parts one by one, if it is of the plain shape
            split = split_multipart(raw, found.end(), _part)
            if split is not None:
                return split, None
    msg = BytesParser(policy=READING).parsebytes(raw)
    assert isinstance(msg, EmailMessage)
    return msg, None


def _part(raw: bytes) -> Message | None:
    """One part of a multipart mail as the parser leaves it in place: the line ending before the next boundary
    belongs to the boundary, not to the part (to the epilogue of a part that is multipart itself). None for an
    attached mail or a multipart part the parser would find defective (the whole parser reads the mail)."""
    msg, body = read_message(raw)
    if msg.get_content_maintype() == "message":
        return None
    if msg.get_content_maintype() == "multipart":
        if not msg.is_multipart() or msg.defects:
            return None
        if msg.epilogue == "":
            msg.epilogue = None
        elif msg.epilogue is not None:
            cut = line_end_length(msg.epilogue[-2:].encode("ascii", "surrogateescape"))
            msg.epilogue = msg.epilogue[: len(msg.epilogue) - cut]
        return msg
    if isinstance(msg, _BodyAsReceived) and body is not None:
        msg.keep(body[: len(body) - line_end_length(body)])
        return msg
    payload = getattr(msg, "_payload", None)  # as parsed: get_payload() would replace undecodable bytes
    if not isinstance(payload, str):
        return None
    if cut := line_end_length(payload[-2:].encode("ascii", "surrogateescape")):
        msg.set_payload(payload[:-cut])
    return msg


def decoded_body(part: Message, body: bytes | None = None) -> bytes:
    """`part.get_payload(decode=True)` as bytes (b"" for none); from the raw body (`body`, or the one the part
    still holds) when no transfer encoding changes it or it is base64, which spares turning a large body into
    text and back (base64: its line endings dropped in one pass, then decoded as the stock code decodes it,
    defects noted on the part alike)."""
    if body is None and isinstance(part, _BodyAsReceived):
        body = part.received()
    if body is not None:
        encoding = str(part.get("content-transfer-encoding", "")).lower()
        if encoding not in ENCODED:
            return body
        if encoding == "base64":
            value, defects = decode_b(body.translate(None, b"\r\n"))  # the stock joins splitlines(): the same
            for defect in defects:
                part.policy.handle_defect(part, defect)
            decoded: bytes = value
            return decoded
    payload = part.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else b""
