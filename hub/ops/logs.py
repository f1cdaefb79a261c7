"""Structured logs: one JSON object per line (HUB_LOG_FORMAT=json) with the request id (X-Request-Id, or
one made up) and the ticket id when a log call names one; personal data is masked like every record."""

from __future__ import annotations

import contextvars
import json
import logging
import re
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from aiohttp import web

from hub.log_redaction import redact

REQUEST_ID: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
_GOOD_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def request_ids(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every request has an id: the caller's X-Request-Id when it is sane (a proxy's), else a new one."""
    given = request.headers.get("X-Request-Id", "")
    rid = given if _GOOD_ID.match(given) else uuid.uuid4().hex[:16]
    token = REQUEST_ID.set(rid)
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        exc.headers["X-Request-Id"] = rid
        raise
    finally:
        REQUEST_ID.reset(token)
    response.headers["X-Request-Id"] = rid
    return response


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        rid = REQUEST_ID.get()
        if rid:
            entry["request_id"] = rid
        for key in ("ticket_id", "customer_id", "channel"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["error"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def use_json() -> None:
    for handler in logging.getLogger().handlers:
        handler.setFormatter(JsonFormatter())
