"""Structured logs: one JSON object per line (HUB_LOG_FORMAT=json) with the request id (X-Request-Id, or
one made up) and the ticket id when a log call names one; personal data is masked like every record, and the
access log keeps no query value that names a person or carries a secret."""

from __future__ import annotations

import contextvars
import functools
import json
import logging
import re
import secrets
import time as _time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from aiohttp import web
from aiohttp.web_log import AccessLogger
from aiohttp.web_request import BaseRequest
from aiohttp.web_response import StreamResponse

from hub.ops.log_redaction import CLEAN, redact

REQUEST_ID: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
_GOOD_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def request_ids(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every request has an id: the caller's X-Request-Id when it is sane (a proxy's), else a new one."""
    given = request.headers.get("X-Request-Id", "")
    rid = given if given and _GOOD_ID.match(given) else secrets.token_hex(8)  # 16 hex digits, as uuid4's were
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
        if record.exc_text:  # already masked by the RedactingFilter when it ran
            entry["error"] = redact(record.exc_text)
        elif record.exc_info:
            entry["error"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def skip_what_lines_omit() -> None:
    """No caller's frame, thread or process looked up for a record: neither the text format nor the JSON
    one shows them (the switches of the logging HOWTO's "Optimization"; the caller's frame was a fifth of the
    cost of an access log line)."""
    logging._srcfile = None  # the documented switch for the caller's frame
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False


def use_json() -> None:
    for handler in logging.getLogger().handlers:
        handler.setFormatter(JsonFormatter())


# Query keys whose values say nothing about anyone; every other value (WeChat's openid, signature and
# msg_signature, tokens, codes, e-mail addresses, search words, socket.io session ids) is logged as "***".
PLAIN_QUERY_KEYS = frozenset(
    {"limit", "offset", "before", "status", "queue", "channel", "kind", "page", "per_page", "sort", "order", "lang",
     "locale", "timestamp", "nonce", "encrypt_type", "eio", "transport", "t", "review_due", "interaction"}
)  # fmt: skip
_QUERY_PAIR = re.compile(r"([?&;])([^=&;\s#\"?]+)=([^&;\s#\"]*)")


def mask_query(text: str) -> str:
    """'/webhooks/wechat/main?openid=oX1&timestamp=17' -> '/webhooks/wechat/main?openid=***&timestamp=17'."""
    if "?" not in text:
        return text

    def one(m: re.Match[str]) -> str:
        sep, key, value = m.groups()
        return m.group(0) if key.lower() in PLAIN_QUERY_KEYS or not value else f"{sep}{key}=***"

    return _QUERY_PAIR.sub(one, text)


ATOM_CACHED_CHARS = 300  # longer parts (a long query, a long Referer) are rare and masked each time, not kept


def clean_atom(text: str) -> str:
    """One text part of an access log line (the request line, the Referer, the User-Agent, the address), its
    query values and personal data masked; cached, as the same paths and clients come back request after request."""
    return _clean_cached(text) if len(text) <= ATOM_CACHED_CHARS else redact(mask_query(text))


@functools.lru_cache(maxsize=1024)  # at most ~1 MB of short texts
def _clean_cached(text: str) -> str:
    return redact(mask_query(text))


class _Masked(logging.LoggerAdapter[logging.Logger]):
    """Marks each record it writes as put together from masked parts (CLEAN), beside aiohttp's own extra fields."""

    def process(self, msg: Any, kwargs: Any) -> tuple[Any, Any]:
        kwargs["extra"] = {**(kwargs.get("extra") or {}), CLEAN: True}
        return msg, kwargs


class MaskingAccessLogger(AccessLogger):
    """aiohttp's access log (`hub serve`), with query values masked in the request line and the Referer, and
    personal data masked in each part before the line is put together (the record says so: see CLEAN)."""

    def __init__(self, logger: logging.Logger, log_format: str = AccessLogger.LOG_FORMAT) -> None:
        super().__init__(_Masked(logger, {}), log_format)  # type: ignore[arg-type]  # a Logger's interface
        self._default = log_format == AccessLogger.LOG_FORMAT
        self._second, self._stamp = -1, ""

    def log(self, request: BaseRequest, response: StreamResponse, time: float) -> None:
        """The default format's line put together directly: aiohttp's general one (a method per atom, the time
        formatted for every request) cost about a quarter of a small request's CPU. Same line, same fields."""
        if not self._default:
            super().log(request, response, time)
            return
        try:
            remote = clean_atom(request.remote or "-")
            version = request.version
            first = clean_atom(f"{request.method} {request.path_qs} HTTP/{version.major}.{version.minor}")
            headers = request.headers
            referer, agent = clean_atom(headers.get("Referer", "-")), clean_atom(headers.get("User-Agent", "-"))
            start, status, size = self._started(_time.time() - time), response.status, response.body_length
            self.logger.info(
                f'{remote} {start} "{first}" {status} {size} "{referer}" "{agent}"',
                extra={"remote_address": remote, "request_start_time": start, "first_request_line": first,
                       "response_status": status, "response_size": size,
                       "request_header": {"Referer": referer, "User-Agent": agent}},
            )  # fmt: skip
        except Exception:
            self.logger.exception("Error in logging")

    def _started(self, at: float) -> str:
        """aiohttp's %t ("[05/Dec/2026:08:00:00 +0000]", local time), formatted once a second."""
        second = int(at)
        if second != self._second:
            self._second, self._stamp = second, _time.strftime("[%d/%b/%Y:%H:%M:%S %z]", _time.localtime(second))
        return self._stamp

    def _format_line(
        self, request: BaseRequest, response: StreamResponse, time: float
    ) -> list[tuple[str | tuple[str, str], str]]:
        # Typed str, but some atoms (%s, %b) are ints: only text can carry a query or personal data. The time
        # (%t) changes every second and is the server's own: it is left out of the cache.
        line = super()._format_line(request, response, time)
        return [(key, value if key == "request_start_time" or not isinstance(value, str) else clean_atom(value))
                for key, value in line]  # fmt: skip
