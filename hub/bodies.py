"""Request bodies read once, in one place each: JSON (size, depth, text), forms and multipart files; 4xx if bad."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_to_bytes

from aiohttp import BodyPartReader, MultipartReader, web
from aiohttp.http_exceptions import HttpProcessingError
from multidict import MultiDictProxy

from hub.wording import Wording, attach

MAX_JSON_BYTES = 1_048_576
# Deep enough for any document the API takes (a ticket change is 3 levels), shallow enough that walking it is cheap.
MAX_JSON_DEPTH = 32
MAX_FORM_BYTES = 1_048_576
# aiohttp reports a broken body as one of these; a stream cut short as a payload error.
_BROKEN = (ValueError, AssertionError, KeyError, LookupError, HttpProcessingError, EOFError)


def _bad(wording: Wording) -> web.HTTPBadRequest:
    """A 400 whose reason is the English sentence, carrying its wording so the API sends the template too."""
    return attach(web.HTTPBadRequest(reason=wording.english), wording)


def _too_large(max_bytes: int, actual: int) -> web.HTTPRequestEntityTooLarge:
    wording = Wording("the request body is larger than %(max)s bytes", {"max": max_bytes})
    return attach(web.HTTPRequestEntityTooLarge(max_bytes, actual, reason=wording.english), wording)


def parse_json_object(raw: bytes) -> dict[str, Any]:
    """A JSON object from request bytes; 400 with the reason when the bytes are not one we can store."""
    data = parse_json_value(raw)
    if not isinstance(data, dict):
        raise _bad(Wording("request body must be a JSON object"))
    return data


def parse_json_value(raw: bytes) -> Any:
    """Any JSON document from request bytes: UTF-8, at most MAX_JSON_DEPTH deep, no lone surrogates; else 400."""
    try:
        data = json.loads(raw, parse_constant=_not_json, parse_float=_finite)
    except (ValueError, UnicodeDecodeError):
        raise _bad(Wording("request body is not valid JSON (UTF-8, finite numbers)")) from None
    except RecursionError:
        raise _too_deep() from None
    _check_depth(data)
    try:
        # "\ud800" is valid JSON but no text a database (or anyone) can store: refuse it here, not at the commit.
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise _bad(Wording("request body has a lone surrogate (\\ud800-\\udfff) in a string")) from None
    return data


def _too_deep() -> web.HTTPBadRequest:
    return _bad(Wording("request body is nested deeper than %(max)s levels", {"max": MAX_JSON_DEPTH}))


def _not_json(name: str) -> float:
    # Python reads NaN and Infinity, which are not JSON and which no JSON column (or comparison) handles.
    raise ValueError(f"{name} is not JSON")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e400 would become inf
        raise ValueError(f"{text} is out of range")
    return value


def _check_depth(data: object) -> None:
    stack: list[tuple[object, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise _too_deep()
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)


async def read_body(request: web.Request, max_bytes: int) -> bytes:
    """The whole body, refused with 413 as soon as it passes max_bytes (never buffered beyond that)."""
    if request.content_length is not None and request.content_length > max_bytes:
        raise _too_large(max_bytes, request.content_length)
    data = bytearray()
    # content.read(n) returns what has arrived so far, not n bytes: read until the end.
    while chunk := await request.content.read(64 * 1024):
        data += chunk
        if len(data) > max_bytes:
            raise _too_large(max_bytes, len(data))
    return bytes(data)


async def read_json_object(request: web.Request, max_bytes: int = MAX_JSON_BYTES) -> dict[str, Any]:
    return parse_json_object(await read_body(request, max_bytes))


async def read_form(request: web.Request, max_bytes: int = MAX_FORM_BYTES) -> MultiDictProxy[str]:
    """The text fields of a urlencoded or multipart form; 400 when it cannot be read (bad bytes, bad framing)."""
    if request.content_length is not None and request.content_length > max_bytes:
        raise _too_large(max_bytes, request.content_length)
    try:
        if request.content_type == "application/x-www-form-urlencoded":
            strict_utf8(await request.read())  # post() below reads the same cached bytes
        form = await request.post()
    except web.HTTPException:
        raise
    except _BROKEN:
        raise _bad(Wording("the form could not be read (send UTF-8, urlencoded)")) from None
    fields = {k: v for k, v in form.items() if isinstance(v, str)}  # a file where text belongs is no answer
    if any(not _storable(k) or not _storable(v) for k, v in fields.items()):
        raise _bad(Wording("the form has text that is not valid UTF-8"))
    return MultiDictProxy(form)  # type: ignore[arg-type]


def strict_utf8(body: bytes) -> None:
    """aiohttp turns undecodable bytes (raw or %-escaped) into U+FFFD silently; a form we store must be text."""
    for pair in body.split(b"&"):
        for piece in pair.split(b"=", 1):
            unquote_to_bytes(piece.replace(b"+", b" ")).decode("utf-8")  # UnicodeDecodeError is a ValueError


def _storable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@dataclass(frozen=True)
class FilePart:
    data: bytes
    filename: str | None
    content_type: str


async def read_file_part(request: web.Request, field: str, limit: int) -> FilePart:
    """The one `field` part of a multipart body, read whole and only if the body ends with its closing boundary:
    a garbled or cut-off upload is a 400 and nothing of it is kept."""
    usage = _bad(Wording("send multipart/form-data with one `%(field)s` part", {"field": field}))
    try:
        reader = await request.multipart()
        part = await reader.next()
        if not isinstance(part, BodyPartReader) or part.name != field:
            raise usage
        data = bytearray()
        while chunk := await part.read_chunk(64 * 1024):
            data += chunk
            if len(data) > limit:
                raise _too_large(limit, len(data))
        rest = await reader.next()
        while isinstance(rest, BodyPartReader | MultipartReader):
            await rest.release()
            rest = await reader.next()
        if not reader.at_eof():
            raise _bad(Wording("the multipart body ends without its closing boundary"))
        content_type = part.headers.get("Content-Type", "application/octet-stream")
        return FilePart(bytes(data), part.filename, content_type)
    except web.HTTPException:
        raise
    except _BROKEN:
        raise _bad(Wording("the multipart body is malformed or cut off; nothing was stored")) from None
