"""The agent workspace's shell page: one page for the inbox and every ticket, drawn in the browser."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from hub import keys
from hub.agent_console.customer_strings import CUSTOMER_STRINGS
from hub.agent_console.js_strings import JS_STRINGS
from hub.agent_console.pages import language_of, render_page
from hub.agent_console.workspace_strings import WORKSPACE_STRINGS
from hub.agents.accounts import Principal
from hub.db.models import Agent


async def own_limits(request: web.Request, principal: Principal) -> list[dict[str, Any]]:
    """How many conversations at a time the agent takes per channel, and the most they are allowed."""
    if principal.agent_id is None:
        return []
    async with request.app[keys.DB].read() as s:
        agent = await s.get_one(Agent, principal.agent_id)
    allowed = {**request.app[keys.ROUTING].config.capacity, **(agent.capacity or {})}
    own = agent.own_limits or {}
    return [{"channel": ch, "current": own.get(ch, n), "max": n} for ch, n in sorted(allowed.items()) if n > 0]


async def workspace_page(request: web.Request, principal: Principal) -> web.Response:
    lang = language_of(request)
    boot = {
        "me": {
            "agent_id": principal.agent_id,
            "name": principal.name,
            "role": principal.role,
            "supervisor": principal.has_role("supervisor"),
        },
        "limits": await own_limits(request, principal),
        "tiers": list(request.app[keys.ROUTING].config.tier_names),
    }
    strings = {msg: lang.gettext(msg) for msg in (*JS_STRINGS, *WORKSPACE_STRINGS, *CUSTOMER_STRINGS)}
    context = {"me": principal, "boot": boot, "js_strings": {"lang": lang.tag, "strings": strings}}
    return render_page("console/workspace.html", request, context)
