"""Files agents attach: uploaded once (multipart), then named by their storage key in a reply or note."""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict
from typing import Any
from urllib.parse import unquote

from aiohttp import web

from hub import keys
from hub.api.errors import require
from hub.api.refusal import refuse
from hub.bodies import read_file_part
from hub.channels.storage import AttachmentStore, TooLarge

routes = web.RouteTableDef()
ROLES = ("agent", "supervisor")
MAX_PER_MESSAGE = 10
KEY = re.compile(r"^[0-9a-f]{2}/[0-9a-f]{32}-[A-Za-z0-9._\-\u4e00-\u9fff]{1,80}$")  # as storage.py names them


@routes.post("/api/v1/attachments")
async def upload(request: web.Request) -> web.Response:
    """multipart/form-data with one `file` part, at most the attachment size limit. 201 with the stored file."""
    await require(request, *ROLES)
    limit = request.app[keys.SETTINGS].attachment_max_bytes
    part = await read_file_part(request, "file", limit)
    data = part.data
    if not data:
        raise refuse(400, "the file is empty")
    # Browsers send UTF-8 names as they are; some clients percent-encode them (aiohttp's does).
    try:
        filename = unquote(part.filename or "file", errors="strict")
        filename.encode("utf-8")  # header bytes that were not UTF-8 arrive as lone surrogates
    except UnicodeError:
        raise refuse(400, "the file name is not valid UTF-8") from None
    try:
        stored = await request.app[keys.ATTACHMENTS].put(data, filename, part.content_type)
    except TooLarge as exc:
        raise web.HTTPRequestEntityTooLarge(max_size=limit, actual_size=len(data), text=str(exc)) from None
    return web.json_response({"attachment": asdict(stored)}, status=201)


async def checked(files: AttachmentStore, raw: Any, limit: int) -> list[dict[str, Any]]:
    """The files a reply names, as stored: sizes and digests are read back, never taken from the request."""
    if raw is None:
        return []
    if not isinstance(raw, list) or len(raw) > MAX_PER_MESSAGE:
        raise refuse(400, "attachments: a list of at most %(max)s uploaded files", max=MAX_PER_MESSAGE)
    found, total = [], 0
    for item in raw:
        key = item.get("storage_key") if isinstance(item, dict) else None
        if not isinstance(key, str) or not KEY.match(key):
            raise refuse(400, 'each attachment is {"storage_key": ...} as the upload returned it')
        try:
            data = await files.get(key)
        except KeyError:
            raise refuse(422, "no stored file '%(key)s'; upload it again", key=key) from None
        total += len(data)
        if total > limit:
            raise web.HTTPRequestEntityTooLarge(max_size=limit, actual_size=total)
        name = item.get("filename") if isinstance(item.get("filename"), str) else key.split("-", 1)[1]
        kind = item.get("content_type") if isinstance(item.get("content_type"), str) else "application/octet-stream"
        found.append({"filename": name[:200], "content_type": kind[:100], "size": len(data), "storage_key": key,
                      "sha256": hashlib.sha256(data).hexdigest()})  # fmt: skip
    return found
