"""The customer-facing chat page and the embeddable widget script."""

from __future__ import annotations

import aiohttp_jinja2
from aiohttp import web

from hub import keys

routes = web.RouteTableDef()


@routes.get("/chat")
async def chat_page(request: web.Request) -> web.Response:
    settings = request.app[keys.SETTINGS]
    return aiohttp_jinja2.render_template("chat/chat.html", request, {"max_bytes": settings.chat_max_message_bytes})


@routes.get("/chat/widget.js")
async def widget(request: web.Request) -> web.Response:
    """A launcher button that opens /chat in an iframe, so the host page's CSS and JS cannot touch it."""
    settings = request.app[keys.SETTINGS]
    base = settings.public_url or f"{request.scheme}://{request.host}"
    response = aiohttp_jinja2.render_template("chat/widget.js", request, {"base": base})
    response.content_type = "application/javascript"
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
