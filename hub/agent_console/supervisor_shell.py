"""The shell page both supervisor pages share (wallboard, reports): who is signed in, which page the browser
draws (web/supervisor), and the strings it shows, in the supervisor's language."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from hub import keys
from hub.agent_console.js_strings import JS_STRINGS
from hub.agent_console.pages import language_of, render_page
from hub.agent_console.supervisor_strings import SUPERVISOR_STRINGS
from hub.agents.accounts import Principal

TEMPLATES = {"wallboard": "console/wallboard.html", "reports": "console/reports.html"}


def tiers_by_value(request: web.Request) -> list[str]:
    """Customer tiers, the most valuable first (by routing weight: diamond, gold, silver, general)."""
    config = request.app[keys.ROUTING].config
    weights = {t.name: t.weight for t in config.tiers}
    return sorted(config.tier_names, key=lambda name: -weights.get(name, 0))


def render_shell(request: web.Request, principal: Principal, current: str, extra: dict[str, Any]) -> web.Response:
    lang = language_of(request)
    strings = {msg: lang.gettext(msg) for msg in (*JS_STRINGS, *SUPERVISOR_STRINGS)}
    boot = {
        "me": {"agent_id": principal.agent_id, "name": principal.name, "role": principal.role},
        "page": current,
        "tiers": tiers_by_value(request),
        **extra,
    }
    context = {"me": principal, "boot": boot, "js_strings": {"lang": lang.tag, "strings": strings}}
    return render_page(TEMPLATES[current], request, context)
