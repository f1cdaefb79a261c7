"""An agent's own console settings on their account: each reads and changes only their own, they outlast the
session, a null puts one back to its default, and unknown settings or wrong types are refused with a 422."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import get_args

import aiohttp
import pytest
from sqlalchemy import select

from hub.agent_console.i18n import LOCALES
from hub.api.preferences import Language
from hub.db.engine import Database
from hub.db.models import Agent
from tests.conftest import PASSWORD, Hub, make_token
from tests.console_kit import Console, console

DEFAULTS = {"sound": True, "desktop_notifications": False, "language": None}


@asynccontextmanager
async def signed_in_again(hub: Hub, agent: Agent) -> AsyncIterator[Console]:
    """A new session for an existing account, as from another computer."""
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        form = {"email": agent.email, "password": PASSWORD}
        async with http.post(f"{hub.url}/login", data=form, allow_redirects=False) as r:
            assert r.status == 302, await r.text()
        again = Console(http, hub, agent)
        await again.page("/console/directory")
        yield again


async def test_each_agent_keeps_their_own_settings_across_sign_ins(hub: Hub, db: Database) -> None:
    async with console(hub, db, "mei@example.test") as mei, console(hub, db, "li@example.test", "supervisor") as li:
        assert await mei.api("GET", "/api/v1/me/preferences") == (200, {"preferences": DEFAULTS})
        status, body = await mei.api("PATCH", "/api/v1/me/preferences", {"sound": False})
        assert (status, body["preferences"]) == (200, {**DEFAULTS, "sound": False})
        status, body = await mei.api("PATCH", "/api/v1/me/preferences", {"desktop_notifications": True})
        # The one sent changed; the earlier choice stayed.
        assert body["preferences"] == {**DEFAULTS, "sound": False, "desktop_notifications": True}
        # A colleague's are theirs alone, and changing them leaves Mei's as they are.
        assert await li.api("GET", "/api/v1/me/preferences") == (200, {"preferences": DEFAULTS})
        status, _ = await li.api("PATCH", "/api/v1/me/preferences", {"sound": True, "language": "zh-CN"})
        assert status == 200
    # Signed in again (a new session, as from another computer): still as she left them.
    async with signed_in_again(hub, mei.agent) as again:
        status, body = await again.api("GET", "/api/v1/me/preferences")
        assert body["preferences"] == {**DEFAULTS, "sound": False, "desktop_notifications": True}
        # null: back to the default; the language is the console's own choice, kept with the account too.
        status, body = await again.api("PATCH", "/api/v1/me/preferences", {"sound": None, "language": "zh-CN"})
        assert body["preferences"] == {**DEFAULTS, "desktop_notifications": True, "language": "zh-CN"}
        status, page = await again.page("/console")
        assert status == 200 and '<html lang="zh-CN"' in page  # the console speaks the language chosen here
    async with db.read() as s:
        stored: dict[str, object] = dict((await s.execute(select(Agent.email, Agent.preferences))).all())
        assert stored["mei@example.test"] == {"desktop_notifications": True}
        assert stored["li@example.test"] == {"sound": True}


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({"volume": 3}, "volume: unknown field"),
        ({"sound": "off"}, "sound: input should be a valid boolean"),
        ({"sound": 0}, "sound: input should be a valid boolean"),
        ({"desktop_notifications": "true"}, "desktop_notifications: input should be a valid boolean"),
        ({"language": "fr"}, "language: input should be 'en' or 'zh-CN'"),
        ({"preferences": {"sound": False}}, "preferences: unknown field"),
    ],
)
async def test_unknown_settings_and_wrong_types_are_refused(
    hub: Hub, db: Database, body: dict[str, object], says: str
) -> None:
    async with console(hub, db, "mei@example.test") as mei:
        status, answer = await mei.api("PATCH", "/api/v1/me/preferences", body)
        assert status == 422, answer
        assert answer["error"]["code"] == "invalid" and says in answer["error"]["message"]
        assert await mei.api("GET", "/api/v1/me/preferences") == (200, {"preferences": DEFAULTS})


async def test_bodies_that_are_not_an_object_and_tokens_without_a_person(hub: Hub, db: Database) -> None:
    async with console(hub, db, "mei@example.test") as mei:
        headers = {"X-CSRF-Token": mei.csrf, "Content-Type": "application/json"}
        async with mei.http.patch(f"{hub.url}/api/v1/me/preferences", data="[true]", headers=headers) as r:
            assert r.status in (400, 422) and (await r.json())["error"]["code"] in ("bad_request", "invalid")
        # A write from the console needs the page's token, as every other.
        async with mei.http.patch(f"{hub.url}/api/v1/me/preferences", json={"sound": False}) as r:
            assert r.status == 403
    token = await make_token(db, "supervisor")
    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as http:
        for method in ("GET", "PATCH"):
            async with http.request(method, f"{hub.url}/api/v1/me/preferences", json={"sound": False}) as r:
                assert r.status == 400 and "signed-in agent" in (await r.json())["error"]["message"]
    async with aiohttp.ClientSession() as http, http.get(f"{hub.url}/api/v1/me/preferences") as r:
        assert r.status == 401


async def test_the_documented_request_body_is_the_one_checked(hub: Hub) -> None:
    async with aiohttp.ClientSession() as http, http.get(f"{hub.url}/api/openapi.json") as r:
        spec = await r.json()
    patch = spec["paths"]["/api/v1/me/preferences"]["patch"]
    schema = patch["requestBody"]["content"]["application/json"]["schema"]
    assert set(schema["properties"]) == {"sound", "desktop_notifications", "language"}
    assert schema["additionalProperties"] is False
    assert "get" in spec["paths"]["/api/v1/me/preferences"]
    # The API lists the console's languages itself (it may not import the console): the two stay equal.
    assert get_args(Language) == LOCALES
