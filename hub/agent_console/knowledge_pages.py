"""Knowledge managers' pages: the article list with its review queue and review-by list, the gap report,
and the editor with preview, versions, diff and restore. The pages call the knowledge REST API."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from hub import keys
from hub.agent_console.pages import KNOWLEDGE_PAGES, page, page_principal
from hub.api.errors import require
from hub.api.requests_knowledge import Preview
from hub.api.validation import read_as
from hub.knowledge.articles import CURATORS, EDITORS
from hub.knowledge.text import render_markdown

routes = web.RouteTableDef()
MAX_PREVIEW = 200_000


@routes.get("/console/knowledge")
@page("console/knowledge.html")
async def knowledge_page(request: web.Request) -> dict[str, Any]:
    principal = await page_principal(request, *KNOWLEDGE_PAGES)
    return {
        "me": principal,
        "live": False,
        "article_locales": request.app[keys.SETTINGS].knowledge_locales,
        "sees_gaps": principal.has_role("knowledge_manager", "supervisor"),  # as the gap report's API allows
    }


@routes.get("/console/knowledge/{id:\\d+|new}")
@page("console/article.html")
async def article_page(request: web.Request) -> dict[str, Any]:
    principal = await page_principal(request, *KNOWLEDGE_PAGES)
    article_id = request.match_info["id"]
    return {
        "me": principal,
        "live": False,
        "article_id": None if article_id == "new" else int(article_id),
        # Agents and supervisors draft and submit; only curators publish, send back, retire and restore.
        "curator": principal.has_role(*CURATORS),
        "article_locales": request.app[keys.SETTINGS].knowledge_locales,
    }


@routes.post("/api/v1/knowledge/preview")
async def preview(request: web.Request) -> web.Response:
    """Markdown as readers will see it: rendered and sanitized exactly as a saved version is."""
    await require(request, *EDITORS)
    body = (await read_as(request, Preview, MAX_PREVIEW)).body
    return web.json_response({"html": render_markdown(body)})
