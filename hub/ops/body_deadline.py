"""Slow request bodies are cut off: a client dribbling its body holds a connection for at most a set time."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from aiohttp import web

from hub import keys
from hub.api.errors import json_error


class BodyTooSlow(Exception):
    """Raised inside the handler's read when the body has not fully arrived in time."""


@web.middleware
async def body_deadline(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Each read of the body fails once `request_body_timeout_s` has passed without the body's end arriving;
    the client gets 408 and the half-read body is dropped, whatever handler was reading it."""
    content = request.content
    # No body, or all of it arrived with the headers (a webhook's small form, nearly always): no read can wait,
    # so no timer is set and cancelled for it.
    if not request.body_exists or content.is_eof():
        return await handler(request)

    def expire() -> None:
        # is_eof() is about arrival, not consumption: a handler still working on a complete body is left alone.
        if not content.is_eof():
            content.set_exception(BodyTooSlow())

    timer = asyncio.get_running_loop().call_later(request.app[keys.SETTINGS].request_body_timeout_s, expire)
    try:
        return await handler(request)
    except BodyTooSlow:
        response = json_error(408, "request_timeout", "the request body did not arrive in time; send it again")
        response.force_close()
        return response
    finally:
        timer.cancel()
