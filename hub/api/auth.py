"""Who is calling: API bearer tokens and console session cookies, with CSRF for cookie writes."""

from __future__ import annotations

import hmac
from http.cookies import SimpleCookie

from aiohttp import web

from hub import keys
from hub.agents.accounts import Principal, principal_for_session, principal_for_token
from hub.api.refusal import refuse
from hub.db.engine import Database

SESSION_COOKIE = "hub_session"
PRINCIPAL = web.RequestKey("principal", Principal)


async def principal_from_credentials(
    db: Database, authorization: str | None, session_token: str | None
) -> Principal | None:
    async with db.read() as s:
        if authorization:
            scheme, _, token = authorization.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                return None
            return await principal_for_token(s, token.strip())
        if session_token:
            return await principal_for_session(s, session_token)
    return None


async def authenticate(request: web.Request) -> Principal | None:
    principal = await principal_from_credentials(
        request.app[keys.DB], request.headers.get("Authorization"), request.cookies.get(SESSION_COOKIE)
    )
    if principal is None:
        return None
    # A cookie rides along on cross-site requests; writes with it must prove they come from our page.
    if principal.kind == "agent" and request.method not in ("GET", "HEAD", "OPTIONS"):
        sent = request.headers.get("X-CSRF-Token", "")
        if not principal.csrf_token or not hmac.compare_digest(sent, principal.csrf_token):
            raise refuse(403, "missing or wrong X-CSRF-Token header")
    return principal


def session_token_from_environ(environ: dict[str, object]) -> str | None:
    """The console cookie as the socket.io handshake carried it."""
    raw = environ.get("HTTP_COOKIE")
    if not isinstance(raw, str):
        return None
    cookie: SimpleCookie = SimpleCookie()
    try:
        cookie.load(raw)
    except Exception:
        return None
    morsel = cookie.get(SESSION_COOKIE)
    return morsel.value if morsel else None
