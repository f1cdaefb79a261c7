"""The admin pages' shell (/console/admin/...): one page drawn in the browser from the admin API, admins only."""

from __future__ import annotations

from aiohttp import web

from hub.agent_console.admin_strings import ADMIN_STRINGS
from hub.agent_console.calendar_strings import CALENDAR_STRINGS
from hub.agent_console.js_strings import JS_STRINGS
from hub.agent_console.pages import language_of, page_principal, render_page

routes = web.RouteTableDef()
# The pages the browser draws; the first is where /console/admin opens.
ADMIN_PAGES = ("agents", "queues", "tokens", "webhooks", "audit", "calendars")


async def _shell(request: web.Request, current: str) -> web.Response:
    principal = await page_principal(request, "admin")
    lang = language_of(request)
    strings = {msg: lang.gettext(msg) for msg in (*JS_STRINGS, *ADMIN_STRINGS, *CALENDAR_STRINGS)}
    boot = {
        "me": {"agent_id": principal.agent_id, "name": principal.name, "role": principal.role},
        "page": current,
        "pages": list(ADMIN_PAGES),
    }
    context = {"me": principal, "boot": boot, "js_strings": {"lang": lang.tag, "strings": strings}}
    return render_page("console/admin.html", request, context)


@routes.get("/console/admin")
async def admin_home(request: web.Request) -> web.Response:
    return await _shell(request, ADMIN_PAGES[0])


@routes.get("/console/admin/{page}")
async def admin_page(request: web.Request) -> web.Response:
    current = request.match_info["page"]
    if current not in ADMIN_PAGES:
        await page_principal(request, "admin")  # strangers are sent to sign in, not told which pages exist
        raise web.HTTPNotFound(text="No such admin page.")
    return await _shell(request, current)
