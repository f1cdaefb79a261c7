"""JSON error bodies for the API, and the helpers that raise them."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence

from aiohttp import web

from hub.agents.accounts import Principal
from hub.api.auth import PRINCIPAL, authenticate
from hub.api.refusal import refuse, refuse_for, said, wording_of
from hub.db.engine import is_conflict
from hub.db.ids import BadId, parse_id
from hub.wording import Wording

__all__ = ["api_errors", "int_param", "json_error", "known_filters", "path_id", "query_id", "require", "said"]
log = logging.getLogger(__name__)


def json_error(status: int, code: str, message: str, wording: Wording | None = None) -> web.Response:
    """The error body; a refusal said as a template adds its key and params (the browser translates those)."""
    body: dict[str, object] = {"code": code, "message": message}
    if wording is not None:
        body |= wording.to_json()
    return web.json_response({"error": body}, status=status)


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
    """Every /api/ failure answers with {"error": {"code", "message"}} (and "key", "params" when the refusal is
    a catalog template), never an HTML page."""
    if not request.path.startswith("/api/"):
        return await handler(request)
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        message, wording = exc.reason or exc.text or "", wording_of(exc)
        if wording is None and (wording := _unrouted(request, exc)) is not None:
            message = wording.english
        response = json_error(exc.status, _CODES.get(exc.status, "error"), message, wording)
        for name in _KEPT_HEADERS:
            if name in exc.headers:
                response.headers[name] = exc.headers[name]
        return response
    except Exception as exc:
        if is_conflict(exc):
            # PostgreSQL undid this request's transaction to let a concurrent one through (a deadlock or a
            # serialization failure): nothing of it was kept, and the same request sent again succeeds.
            log.info("API request met a concurrent change: %s %s", request.method, request.path)
            busy = Wording("the hub was changing the same records for another request; send this again")
            response = json_error(503, "unavailable", busy.english, busy)
            response.headers["Retry-After"] = "1"
            return response
        log.exception("API handler failed: %s %s", request.method, request.path)
        return json_error(500, "internal", "internal error; see the hub log")


def _unrouted(request: web.Request, exc: web.HTTPException) -> Wording | None:
    """A path or method no route takes (aiohttp's own 404 and 405), said as the refusals are."""
    if getattr(request.match_info, "http_exception", None) is not exc:
        return None
    if isinstance(exc, web.HTTPMethodNotAllowed):
        allowed = ", ".join(sorted(exc.allowed_methods))
        params = {"method": request.method, "allowed": allowed}
        return Wording("%(method)s is not allowed here; use %(allowed)s", params)
    return Wording("no such API endpoint: %(method)s %(path)s", {"method": request.method, "path": request.path})


async def require(request: web.Request, *roles: str) -> Principal:
    principal = await authenticate(request)
    if principal is None:
        raise refuse(
            401,
            "missing or invalid credentials: send Authorization: Bearer <token> or log in",
            headers={"WWW-Authenticate": 'Bearer realm="hub"'},
        )
    if roles and not principal.has_role(*roles):
        raise refuse(403, "this needs one of the roles: %(roles)s", roles=", ".join(roles))
    request[PRINCIPAL] = principal
    return principal


def known_filters(request: web.Request, names: Sequence[str]) -> None:
    """A query parameter the list does not take is refused by name: ignored, a mistyped filter (`tags=` for
    `tag=`) would answer with everything."""
    unknown = [name for name in request.query if name not in names]
    if unknown:
        raise refuse(
            400, "%(field)s: unknown filter; the filters are %(choices)s", field=unknown[0], choices=", ".join(names)
        )


def int_param(request: web.Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise refuse(400, "%(name)s must be an integer", name=name) from None
    if not low <= value <= high:
        raise refuse(400, "%(name)s must be between %(low)s and %(high)s", name=name, low=low, high=high)
    return value


def path_id(request: web.Request, name: str = "id") -> int:
    """An id in the path; anything that cannot be a row (too big, negative, not a number) is simply not found."""
    try:
        return parse_id(request.match_info[name], name)
    except BadId as exc:
        raise refuse_for(404, exc) from None


def query_id(request: web.Request, name: str) -> int | None:
    """An optional id in the query string; 400 when present and not an id."""
    raw = request.query.get(name)
    if raw is None or raw == "":
        return None
    try:
        return parse_id(raw, name)
    except BadId as exc:
        raise refuse_for(400, exc) from None
