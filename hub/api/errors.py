"""JSON error bodies for the API, and the helpers that raise them."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from hub.agents.accounts import Principal
from hub.api.auth import PRINCIPAL, authenticate
from hub.db.ids import BadId, parse_id

log = logging.getLogger(__name__)


def said(exc: BaseException | str) -> str:
    """An error's text as a reason: aiohttp refuses a reason with a line break (it would become a 500), and a
    domain message may quote what the client sent, so breaks are written as escapes."""
    return str(exc).replace("\r", "\\r").replace("\n", "\\n")


def json_error(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"error": {"code": code, "message": message}}, status=status)


_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    408: "request_timeout",
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
    """An id in the path; anything that cannot be a row (too big, negative, not a number) is simply not found."""
    try:
        return parse_id(request.match_info[name], name)
    except BadId as exc:
        raise web.HTTPNotFound(reason=str(exc)) from None


def query_id(request: web.Request, name: str) -> int | None:
    """An optional id in the query string; 400 when present and not an id."""
    raw = request.query.get(name)
    if raw is None or raw == "":
        return None
    try:
        return parse_id(raw, name)
    except BadId as exc:
        raise web.HTTPBadRequest(reason=str(exc)) from None
