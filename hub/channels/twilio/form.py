"""Twilio's urlencoded webhook form read in one pass: the fields aiohttp's post() gives, refused unless UTF-8."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from multidict import MultiDict, MultiDictProxy
from yarl import query_to_pairs

from hub.bodies import read_form, strict_utf8
from hub.wording import Wording, attach

URLENCODED = "application/x-www-form-urlencoded"
# aiohttp's own cap on a form's fields (client_max_fields' default): past it, 413 as its post() answers.
MAX_FIELDS = 1000
# What hub.bodies.read_form reports as an unreadable body (a broken stream, bytes that are no UTF-8).
_BROKEN = (ValueError, AssertionError, KeyError, LookupError, HttpProcessingError, EOFError)
_UNREADABLE = Wording("the form could not be read (send UTF-8, urlencoded)")


@dataclass(frozen=True, slots=True)
class WebhookForm:
    form: MultiDictProxy[str]  # every field as sent (a repeated name keeps each value)
    fields: dict[str, str]  # each name once with its last value (the signature takes `form` when a name repeats)


async def read_webhook_form(request: web.Request, max_bytes: int) -> WebhookForm:
    """The form as hub.bodies.read_form reads it (same fields, same 400s and 413s) without its second and third
    pass over the body: aiohttp's own parser runs once on the bytes, and the strict %-escape check only when
    that parser met an escape that was no UTF-8 (it puts U+FFFD there)."""
    if request.content_length is not None and request.content_length > max_bytes:
        raise web.HTTPRequestEntityTooLarge(max_size=max_bytes, actual_size=request.content_length)
    # The label's case is free ("charset=UTF-8" is how many senders write it): still the one-pass read.
    if request.content_type != URLENCODED or (request.charset or "utf-8").lower() != "utf-8":
        form = await read_form(request, max_bytes)  # multipart or another charset: rare, read the general way
        return WebhookForm(form, {k: str(v) for k, v in form.items()})
    try:
        body = await request.read()
        text = body.rstrip().decode("utf-8")
    except web.HTTPException:
        raise
    except _BROKEN:
        raise _unreadable() from None
    try:
        pairs = query_to_pairs(text, max_fields=MAX_FIELDS, encoding="utf-8")
    except ValueError:
        _strict_escapes(body)  # bad bytes are a 400 before too many fields is a 413, as read_form answers
        too_many = f"Maximum number of form fields {MAX_FIELDS} exceeded."
        raise web.HTTPRequestEntityTooLarge(MAX_FIELDS, text=too_many) from None
    if any("\ufffd" in name or "\ufffd" in value for name, value in pairs):
        _strict_escapes(body)  # a U+FFFD the sender encoded passes; one standing for bad bytes does not
    return WebhookForm(MultiDictProxy(MultiDict(pairs)), dict(pairs))


def _strict_escapes(body: bytes) -> None:
    """Each %-escaped name and value decodes as UTF-8; 400 otherwise (aiohttp would read U+FFFD silently)."""
    try:
        strict_utf8(body)
    except UnicodeDecodeError:
        raise _unreadable() from None


def _unreadable() -> web.HTTPBadRequest:
    return attach(web.HTTPBadRequest(reason=_UNREADABLE.english), _UNREADABLE)
