"""A received mail as it was written (its HTML, inline images in place), for the ticket page to frame.

Served as its own document so the sender's layout cannot reach the console's: sanitized again on the way
out (mailhtml.for_console: `cid:` images become the stored parts' URLs behind the console's sign-in, every
other image source is dropped), under a Content-Security-Policy that allows no script at all, and framed
by the ticket page with a sandbox that allows no script either.
"""

from __future__ import annotations

from aiohttp import web

from hub import keys
from hub.agent_console.pages import AGENT_PAGES, page_principal
from hub.api.errors import path_id
from hub.channels.email.mailhtml import for_console
from hub.db.models import Interaction

routes = web.RouteTableDef()
# Images from our own attachment URLs only; nothing runs, nothing is submitted, only our pages may frame it.
POLICY = "default-src 'none'; img-src 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'"
PAGE = (
    '<!doctype html><html><head><meta charset="utf-8"><meta name="referrer" content="no-referrer"></head>'
    "<body>{}</body></html>"
)


@routes.get("/console/messages/{id:\\d+}/mail")
async def mail_view(request: web.Request) -> web.Response:
    await page_principal(request, *AGENT_PAGES)
    async with request.app[keys.DB].read() as s:
        message = await s.get(Interaction, path_id(request))
    if message is None or message.direction != "inbound" or not message.html:
        raise web.HTTPNotFound(text="No such mail.")
    images = message.meta.get("cid") or {}
    html = for_console(message.html, {str(k): str(v) for k, v in images.items()} if isinstance(images, dict) else {})
    return web.Response(
        text=PAGE.format(html),
        content_type="text/html",
        headers={"Content-Security-Policy": POLICY, "Cache-Control": "private, no-store"},
    )
