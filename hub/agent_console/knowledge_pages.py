"""Knowledge managers' pages (the article list and the editor), drawn in the browser from the knowledge API
(web/knowledge); the server hands them who is signed in, what their role may do, and their language."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from hub import keys
from hub.agent_console.js_strings import JS_STRINGS
from hub.agent_console.knowledge_strings import KNOWLEDGE_STRINGS
from hub.agent_console.pages import KNOWLEDGE_PAGES, language_of, page_principal, render_page
from hub.agents.accounts import Principal
from hub.api.errors import require
from hub.api.requests_knowledge import Preview
from hub.api.validation import read_as
from hub.knowledge.articles import CURATORS, EDITORS
from hub.knowledge.text import render_markdown
from hub.tickets.channel_facts import LIMITS

routes = web.RouteTableDef()
MAX_PREVIEW = 200_000


def shell(request: web.Request, template: str, principal: Principal, boot: dict[str, Any]) -> web.Response:
    """A page of the knowledge entry: its boot data and the strings its scripts translate."""
    lang = language_of(request)
    strings = {msg: lang.gettext(msg) for msg in (*JS_STRINGS, *KNOWLEDGE_STRINGS)}
    me = {"agent_id": principal.agent_id, "name": principal.name, "role": principal.role}
    context = {"me": principal, "boot": {"me": me, **boot}, "js_strings": {"lang": lang.tag, "strings": strings}}
    return render_page(template, request, context)


@routes.get("/console/knowledge")
async def knowledge_page(request: web.Request) -> web.Response:
    principal = await page_principal(request, *KNOWLEDGE_PAGES)
    return shell(request, "console/knowledge.html", principal, {
        "page": "list",
        "curator": principal.has_role(*CURATORS),
        "sees_gaps": principal.has_role("knowledge_manager", "supervisor"),  # as the gap report's API allows
        "locales": list(request.app[keys.SETTINGS].knowledge_locales),
    })  # fmt: skip


@routes.get("/console/knowledge/{id:\\d+|new}")
async def article_page(request: web.Request) -> web.Response:
    principal = await page_principal(request, *KNOWLEDGE_PAGES)
    article_id = request.match_info["id"]
    return shell(request, "console/article.html", principal, {
        "page": "editor",
        "article_id": None if article_id == "new" else int(article_id),
        # Agents and supervisors draft and submit; only curators publish, send back, retire, restore, re-own.
        "curator": principal.has_role(*CURATORS),
        "locales": list(request.app[keys.SETTINGS].knowledge_locales),
        # The short answer goes out on SMS and WeChat: the editor counts it against their limits.
        "limits": {"sms": LIMITS["sms.twilio"].to_json(), "wechat": LIMITS["wechat"].to_json()},
    })  # fmt: skip


@routes.post("/api/v1/knowledge/preview")
async def preview(request: web.Request) -> web.Response:
    """Markdown as readers will see it: rendered and sanitized exactly as a saved version is."""
    await require(request, *EDITORS)
    body = (await read_as(request, Preview, MAX_PREVIEW)).body
    return web.json_response({"html": render_markdown(body)})
