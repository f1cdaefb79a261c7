"""The demo's sent mail in the console: what the demo's mail sink received, linked from the top bar."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from hub.agent_console.js_strings import N_
from hub.agent_console.pages import AGENT_PAGES, EXTRA_NAV, page, page_principal
from hub.ops.demo_outbox import PAGE, DemoOutbox

OUTBOX: web.AppKey[DemoOutbox] = web.AppKey("demo_outbox", DemoOutbox)


def install(app: web.Application, outbox: DemoOutbox) -> web.Application:
    """The sink runs with the app; its page joins the console's navigation (this hub's only)."""
    app.cleanup_ctx.append(outbox.serve)
    app[OUTBOX] = outbox
    app[EXTRA_NAV] = (*app.get(EXTRA_NAV, ()), (PAGE, N_("Sent mail (demo)"), AGENT_PAGES))
    app.router.add_get(PAGE, outbox_page)
    return app


@page("console/demo_outbox.html")
async def outbox_page(request: web.Request) -> dict[str, Any]:
    principal = await page_principal(request, *AGENT_PAGES)
    outbox = request.app[OUTBOX]
    mails = list(reversed(outbox.mails))  # the newest first
    return {"me": principal, "live": False, "mails": mails, "relay": f"{outbox.host}:{outbox.port}"}
