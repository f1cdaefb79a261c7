"""Files a visitor sends in the chat: images and PDFs, uploaded over HTTP, then named by their message.

The upload stores the file with the channels' attachment store and answers with its key; the socket message that
follows names that key, and only the visitor who uploaded it can attach it (the key carries a tag of their
visitor key). Nothing is kept in memory between the two, so they may reach different processes.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from aiohttp import web

from hub.channels.base import InboundRejected
from hub.channels.limits import SenderLimiter
from hub.channels.storage import LocalDirectoryStore, TooLarge
from hub.channels.webchat.channel import visitor_key
from hub.envelopes import Attachment

MAX_FILES = 4  # per message
UPLOADS_PER_MINUTE = 10  # per visitor
# What the widget accepts, by the file's own first bytes (never by the name or the type the browser says).
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
)
_KEY = re.compile(r"^[0-9a-f]{2}/[0-9a-f]{32}-wc([0-9a-f]{16})-[^/\\]{0,80}$")


def sniff(data: bytes) -> str | None:
    """The content type of an image or PDF, from its bytes; None for anything else."""
    for magic, kind in _SIGNATURES:
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def upload_tag(key: str) -> str:
    """What ties a stored file to the visitor who uploaded it (not their key itself: file names are not secret)."""
    return hashlib.sha256(f"webchat-upload:{key}".encode()).hexdigest()[:16]


def _token_key(request: web.Request) -> str | None:
    token = request.headers.get("X-Visitor-Token", "")
    return visitor_key(token) if 0 < len(token) <= 128 and token.isascii() else None


@dataclass(frozen=True, slots=True)
class ChatFiles:
    store: LocalDirectoryStore
    max_bytes: int
    limiter: SenderLimiter

    async def upload(self, request: web.Request) -> web.Response:
        """POST /chat/files: the file as the body, its name in X-Filename (URI-encoded), the visitor's token."""
        key = _token_key(request)
        if key is None:
            return _refused(401, "no_visitor", "connect to the chat first")
        if not self.limiter.allow(key):
            return _refused(429, "slow_down", "too many files in a minute; please wait a moment")
        if request.content_length is not None and request.content_length > self.max_bytes:
            return _refused(413, "file_too_large", f"the limit is {self.max_bytes} bytes", limit=self.max_bytes)
        data = await request.content.read(self.max_bytes + 1)
        if len(data) > self.max_bytes:
            return _refused(413, "file_too_large", f"the limit is {self.max_bytes} bytes", limit=self.max_bytes)
        kind = sniff(data)
        if kind is None:
            return _refused(415, "file_type", "images (PNG, JPEG, GIF, WebP) and PDF files only")
        name = _filename(request.headers.get("X-Filename", ""))
        try:
            stored = await self.store.put(data, f"wc{upload_tag(key)}-{name}", kind)
        except TooLarge:
            return _refused(413, "file_too_large", f"the limit is {self.store.max_bytes} bytes", limit=self.max_bytes)
        body = {"key": stored.storage_key, "name": name, "type": kind, "size": stored.size}
        return web.json_response({"file": body}, status=201)

    async def attachments(self, key: str, refs: Any) -> tuple[Attachment, ...]:
        """The files a message names (`files: [{key, name}]`), each checked to be this visitor's own upload."""
        if refs is None:
            return ()
        if not isinstance(refs, list) or len(refs) > MAX_FILES:
            raise InboundRejected("bad_request", f"files: a list of at most {MAX_FILES} uploaded files")
        found: list[Attachment] = []
        for ref in refs:
            if not isinstance(ref, dict) or not isinstance(storage_key := ref.get("key"), str):
                raise InboundRejected("bad_file", "a file this chat did not upload")
            match = _KEY.match(storage_key)
            if match is None or match.group(1) != upload_tag(key):
                raise InboundRejected("bad_file", "a file this chat did not upload")
            try:
                data = await self.store.get(storage_key)
            except (OSError, KeyError):
                raise InboundRejected("bad_file", "that file is no longer here; upload it again") from None
            kind = sniff(data) or "application/octet-stream"
            name = _filename(str(ref.get("name") or ""))
            found.append(Attachment(name, kind, len(data), storage_key, hashlib.sha256(data).hexdigest()))
        return tuple(found)


def _filename(raw: str) -> str:
    name = unquote(raw).replace("\\", "/").rsplit("/", 1)[-1].strip()
    return "".join(c for c in name if c.isprintable())[:120] or "file"


def _refused(status: int, code: str, message: str, **extra: Any) -> web.Response:
    return web.json_response({"error": {"code": code, "message": message, **extra}}, status=status)
