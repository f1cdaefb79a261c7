"""The survey page behind the link in a solved ticket's email (no login: the token is the key) and CSAT figures."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web

from hub import keys
from hub.api.errors import require
from hub.api.refusal import refuse
from hub.bodies import read_form
from hub.tickets import surveys

routes = web.RouteTableDef()


@routes.get("/survey/{token}")
@aiohttp_jinja2.template("survey.html")
async def survey_page(request: web.Request) -> dict[str, Any]:
    survey = await surveys.find(request.app[keys.DB], request.match_info["token"])
    if survey is None:
        raise web.HTTPNotFound(text="This survey link is not valid. · 链接无效。")
    return {"token": survey.token, "rating": survey.rating, "thanks": False, "error": None}


@routes.post("/survey/{token}")
async def answer(request: web.Request) -> web.Response:
    form = await read_form(request)
    token = request.match_info["token"]
    try:
        rating = int(str(form.get("rating", "")))
    except ValueError:
        rating = 0
    context: dict[str, Any] = {"token": token, "rating": rating, "thanks": True, "error": None}
    try:
        await surveys.answer_by_link(request.app[keys.DB], token, rating, str(form.get("comment", "")) or None)
    except LookupError:
        raise web.HTTPNotFound(text="This survey link is not valid. · 链接无效。") from None
    except ValueError as exc:
        context.update(thanks=False, error=str(exc))
        return aiohttp_jinja2.render_template("survey.html", request, context, status=422)
    return aiohttp_jinja2.render_template("survey.html", request, context)


@routes.get("/api/v1/surveys/stats")
async def survey_stats(request: web.Request) -> web.Response:
    """?by=agent|tier|skill|channel: average rating and answers."""
    await require(request, "supervisor")
    by = request.query.get("by", "agent")
    if by not in ("agent", "tier", "skill", "channel"):
        raise refuse(400, "by must be agent, tier, skill or channel")
    async with request.app[keys.DB].read() as s:
        return web.json_response({"by": by, "rows": await surveys.stats(s, by)})
