"""Security headers on every answer: no sniffing, same-origin referrers, and a strict CSP on HTML pages."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
# Built once: the same few headers go on every answer.
_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self' ws: wss:; frame-ancestors {ancestors}; base-uri 'none'; form-action 'self'"
)
PAGE_CSP = _CSP.format(ancestors="'none'")
CHAT_CSP = _CSP.format(ancestors="*")  # /chat, the chat window, is framed by the sites it serves


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    response = await handler(request)
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    if response.content_type == "text/html":
        # No inline script anywhere: stored text can never run as code in an agent's browser.
        headers.setdefault("Content-Security-Policy", CHAT_CSP if request.path == "/chat" else PAGE_CSP)
    return response
