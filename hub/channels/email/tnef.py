"""Outlook's winmail.dat (TNEF, application/ms-tnef) opened into the files and text it carries ([MS-OXTNEF]).

Outlook and Exchange send a mail in "Rich Text" as a text part plus one winmail.dat that holds the real
attachments; an agent cannot open that file, so the files inside become the mail's attachments. A file's
name is its long name from its MAPI properties (Unicode, or in the sender's code page: cp936 on Chinese
Windows), else its 8.3 title. The message's plain text (PR_BODY) or HTML (PR_BODY_HTML) is read for a mail
whose MIME parts have none. A stream this cannot read leaves winmail.dat attached as it came.
"""

from __future__ import annotations

import codecs
import mimetypes
import struct
from dataclasses import dataclass, field

TYPES = ("application/ms-tnef", "application/vnd.ms-tnef")
SIGNATURE = 0x223E9F78
_LEVEL_ATTACHMENT = 2
# Attribute ids, the low 16 bits of each attribute's id ([MS-OXTNEF] 2.1.3.2).
_ATT_BODY, _ATT_MSG_PROPS, _ATT_OEM_CODEPAGE = 0x800C, 0x9003, 0x9007
_ATT_REND_DATA, _ATT_TITLE, _ATT_DATA, _ATT_ATTACHMENT = 0x9002, 0x8010, 0x800F, 0x9005
# MAPI property ids read here.
_PR_BODY, _PR_BODY_HTML = 0x1000, 0x1013
_PR_ATTACH_DATA, _PR_ATTACH_FILENAME, _PR_LONG_FILENAME, _PR_MIME_TAG = 0x3701, 0x3704, 0x3707, 0x370E
_PR_DISPLAY_NAME, _PR_CONTENT_ID = 0x3001, 0x3712
_FIXED = {0x0001: 4, 0x0002: 4, 0x0003: 4, 0x0004: 4, 0x0005: 8, 0x0006: 8, 0x0007: 8, 0x000A: 4, 0x000B: 4,
          0x0014: 8, 0x0040: 8, 0x0048: 16}  # fmt: skip
_STRING8, _UNICODE, _BINARY, _OBJECT = 0x001E, 0x001F, 0x0102, 0x000D
MAX_FILES = 50


class NotTnef(ValueError):
    """The bytes are no TNEF stream this reader understands."""


@dataclass(slots=True)
class File:
    data: bytes = b""
    title: str = ""  # the 8.3 name (attAttachTitle)
    props: dict[int, object] = field(default_factory=dict)

    @property
    def name(self) -> str:
        for key in (_PR_LONG_FILENAME, _PR_DISPLAY_NAME, _PR_ATTACH_FILENAME):
            if isinstance(value := self.props.get(key), str) and value.strip():
                return value.strip()
        return self.title

    @property
    def content_type(self) -> str:
        tag = self.props.get(_PR_MIME_TAG)
        return tag.strip().lower() if isinstance(tag, str) and "/" in tag else "application/octet-stream"

    @property
    def content_id(self) -> str | None:
        cid = self.props.get(_PR_CONTENT_ID)
        return cid.strip("<> ") or None if isinstance(cid, str) else None


@dataclass(slots=True)
class Tnef:
    files: list[File] = field(default_factory=list)
    text: str = ""
    html: str = ""

    def parts(self) -> list[tuple[str, str, bytes, str | None]]:
        """(name, content type, bytes, Content-ID) per file; the type from Outlook's MIME tag, else the name."""
        found = []
        for i, file in enumerate(self.files):
            name = file.name[:200] or f"attachment-{i + 1}"
            kind = file.content_type
            if kind == "application/octet-stream":
                kind = mimetypes.guess_type(name)[0] or kind
            found.append((name, kind, file.data, file.content_id))
        return found


def opened(data: bytes, warnings: list[str]) -> Tnef | None:
    """A winmail.dat's content, or None when it holds nothing to show (it then stays attached as it came)."""
    try:
        found = read(data)
    except NotTnef as exc:
        warnings.append(f"winmail.dat kept as it came: {exc}")
        return None
    return found if found.files or found.text or found.html else None


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data, self.at = data, 0

    def take(self, size: int) -> bytes:
        if size < 0 or self.at + size > len(self.data):
            raise NotTnef("the stream ends inside a value")
        chunk = self.data[self.at : self.at + size]
        self.at += size
        return chunk

    def u16(self) -> int:
        value: int = struct.unpack("<H", self.take(2))[0]
        return value

    def u32(self) -> int:
        value: int = struct.unpack("<I", self.take(4))[0]
        return value


def read(data: bytes) -> Tnef:
    """The files and text in a winmail.dat; NotTnef when it is none or is cut short."""
    stream = _Reader(data)
    if len(data) < 6 or stream.u32() != SIGNATURE:
        raise NotTnef("no TNEF signature")
    stream.u16()  # the attachment key
    found, codepage, current = Tnef(), "cp1252", None
    while stream.at < len(data):
        level, attribute, length = stream.take(1)[0], stream.u32() & 0xFFFF, stream.u32()
        value = stream.take(length)
        stream.u16()  # checksum: a mismatch does not make the value less readable
        if attribute == _ATT_OEM_CODEPAGE and length >= 4:
            codepage = _codepage(struct.unpack("<I", value[:4])[0])
        elif attribute == _ATT_REND_DATA:
            if len(found.files) >= MAX_FILES:
                break
            current = File()
            found.files.append(current)
        elif level == _LEVEL_ATTACHMENT and current is not None:
            if attribute == _ATT_TITLE:
                current.title = _string8(value, codepage)
            elif attribute == _ATT_DATA:
                current.data = value
            elif attribute == _ATT_ATTACHMENT:
                current.props.update(_properties(value, codepage))
                if not current.data and isinstance(blob := current.props.get(_PR_ATTACH_DATA), bytes):
                    current.data = blob
        elif attribute == _ATT_BODY:
            found.text = _string8(value, codepage)
        elif attribute == _ATT_MSG_PROPS:
            props = _properties(value, codepage)
            if isinstance(body := props.get(_PR_BODY), str):
                found.text = found.text or body
            html = props.get(_PR_BODY_HTML)
            if isinstance(html, bytes):  # PT_BINARY in the sender's code page, as Outlook writes it
                html = html.decode(codepage, "replace")
            found.html = html if isinstance(html, str) else ""
    found.files = [f for f in found.files if f.data or f.name]
    return found


def _codepage(number: int) -> str:
    """The sender's Windows code page as a codec: 936 (Chinese Windows) read as GB18030, its superset."""
    name = {65001: "utf-8", 20127: "ascii", 28591: "latin-1", 936: "gb18030"}.get(number, f"cp{number}")
    try:
        codecs.lookup(name)
    except LookupError:
        return "cp1252"
    return name


def _string8(value: bytes, codepage: str) -> str:
    return value.split(b"\0", 1)[0].decode(codepage, "replace")


def _properties(block: bytes, codepage: str) -> dict[int, object]:
    """A MAPI property list ([MS-OXTNEF] 2.1.3.4): id -> str, bytes or int (other types are skipped over)."""
    stream, props = _Reader(block), {}
    for _ in range(min(stream.u32(), 10_000)):
        kind, pid = stream.u16(), stream.u16()
        if pid >= 0x8000:  # a named property: its GUID and its number or name
            stream.take(16)
            if stream.u32() == 1:
                stream.take(_padded(stream.u32()))
            else:
                stream.u32()
        base, multiple = kind & 0x0FFF, bool(kind & 0x1000)
        count = stream.u32() if multiple or base in (_STRING8, _UNICODE, _BINARY, _OBJECT) else 1
        values: list[object] = []
        for _ in range(min(count, 10_000)):
            if base in _FIXED:
                raw = stream.take(_FIXED[base])
                values.append(struct.unpack("<I", raw[:4])[0] if base in (0x0002, 0x0003, 0x000B) else raw)
            elif base in (_STRING8, _UNICODE, _BINARY, _OBJECT):
                size = stream.u32()
                raw = stream.take(size)
                stream.take(_padded(size) - size)
                if base == _STRING8:
                    values.append(_string8(raw, codepage))
                elif base == _UNICODE:
                    values.append(raw.decode("utf-16-le", "replace").split("\0", 1)[0])
                else:
                    values.append(raw[16:] if base == _OBJECT else raw)  # an object starts with its interface id
            else:
                raise NotTnef(f"unknown property type {kind:#06x}")
        if values and not multiple:
            props[pid] = values[0]
    return props


def _padded(size: int) -> int:
    return (size + 3) & ~3
