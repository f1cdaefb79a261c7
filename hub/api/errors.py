"""JSON error bodies for the API, and the helpers that raise them."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from hub.accounts import Principal
from hub.agent_console.auth import PRINCIPAL, authenticate

log = logging.getLogger(__name__)


def json_error(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"error": {"code": code, "message": message}}, status=status)


_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "too_many_requests",
    503: "unavailable",
}
# Headers of an error that tell the client what to do next; kept on the JSON answer.
_KEPT_HEADERS = ("Retry-After", "WWW-Authenticate", "Allow")


@web.middleware
async def api_errors(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Every /api/ failure answers with {"error": {"code", "message"}}, never an HTML page."""
    if not request.path.startswith("/api/"):
        return await handler(request)
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        response = json_error(exc.status, _CODES.get(exc.status, "error"), exc.reason or exc.text or "")
        for name in _KEPT_HEADERS:
            if name in exc.headers:
                response.headers[name] = exc.headers[name]
        return response
    except Exception:
        log.exception("API handler failed: %s %s", request.method, request.path)
        return json_error(500, "internal", "internal error; see the hub log")


async def require(request: web.Request, *roles: str) -> Principal:
    principal = await authenticate(request)
    if principal is None:
        raise web.HTTPUnauthorized(
            reason="missing or invalid credentials: send Authorization: Bearer <token> or log in",
            headers={"WWW-Authenticate": 'Bearer realm="hub"'},
        )
    if roles and not principal.has_role(*roles):
        raise web.HTTPForbidden(reason=f"this needs one of the roles: {', '.join(roles)}")
    request[PRINCIPAL] = principal
    return principal


async def read_json(request: web.Request, max_bytes: int = 1_048_576) -> dict[str, Any]:
    if request.content_length is not None and request.content_length > max_bytes:
        raise web.HTTPRequestEntityTooLarge(max_size=max_bytes, actual_size=request.content_length)
    raw = await request.read()
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise web.HTTPBadRequest(reason="request body is not valid JSON") from None
    if not isinstance(data, dict):
        raise web.HTTPBadRequest(reason="request body must be a JSON object")
    return data


def int_param(request: web.Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise web.HTTPBadRequest(reason=f"{name} must be an integer") from None
    if not low <= value <= high:
        raise web.HTTPBadRequest(reason=f"{name} must be between {low} and {high}")
    return value


def path_id(request: web.Request, name: str = "id") -> int:
    try:
        return int(request.match_info[name])
    except ValueError:
        raise web.HTTPNotFound(reason=f"{name} must be an integer") from None
