"""GET and PATCH /api/v1/me/preferences: the signed-in agent's own console settings, kept on their account."""

from __future__ import annotations

from typing import Literal

from aiohttp import web
from pydantic import Field

from hub import keys
from hub.agents.accounts import Principal
from hub.agents.preferences import change_preferences, preferences_of
from hub.api.errors import require
from hub.api.refusal import refuse
from hub.api.validation import Body, read_as
from hub.db.models import Agent

routes = web.RouteTableDef()
# The console's languages (hub/agent_console/i18n.py LOCALES; the API may not import the console, a test keeps
# the two equal).
Language = Literal["en", "zh-CN"]


class PreferencesPatch(Body):
    """PATCH /api/v1/me/preferences: the settings sent change, the others stay; null puts one back to its default."""

    sound: bool | None = Field(None, description="a chime on a new offer or a customer's message (default true)")
    desktop_notifications: bool | None = Field(
        None, description="desktop notifications while the console is in the background (default false)"
    )
    language: Language | None = Field(None, description="the console language; null: the browser's")


def _own(principal: Principal) -> int:
    """Settings belong to a person: an API token has none of its own."""
    if principal.agent_id is None:
        raise refuse(400, "preferences belong to a signed-in agent, not an API token")
    return principal.agent_id


@routes.get("/api/v1/me/preferences")
async def get_preferences(request: web.Request) -> web.Response:
    agent_id = _own(await require(request))
    async with request.app[keys.DB].read() as s:
        agent = await s.get_one(Agent, agent_id)
        return web.json_response({"preferences": preferences_of(agent)})


@routes.patch("/api/v1/me/preferences")
async def patch_preferences(request: web.Request) -> web.Response:
    agent_id = _own(await require(request))
    changes = (await read_as(request, PreferencesPatch)).given()
    async with request.app[keys.DB].write() as uow:
        preferences = await change_preferences(uow.session, agent_id, changes)
    return web.json_response({"preferences": preferences})
