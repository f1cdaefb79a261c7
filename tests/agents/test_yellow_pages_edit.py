"""Yellow pages: PATCH changes only what it names (audited), channel= finds who works a channel, names by pinyin."""

from __future__ import annotations

import html as html_lib
import json
import re
from typing import Any

import aiohttp
from sqlalchemy import select

from hub import keys
from hub.db.engine import Database
from hub.db.models import AuditEntry
from tests.conftest import Hub, make_agent, make_token
from tests.console_kit import console


async def call(hub: Hub, token: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}"}
    async with aiohttp.ClientSession(headers=headers) as http, http.request(method, hub.url + path, json=body) as r:
        return r.status, await r.json()


async def _profile_audits(db: Database, agent_id: int) -> list[AuditEntry]:
    async with db.read() as s:
        query = select(AuditEntry).where(AuditEntry.action == "agent.profile_changed", AuditEntry.target_id == agent_id)
        return list(await s.scalars(query.order_by(AuditEntry.id)))


async def test_patch_changes_only_the_named_fields_and_audits_each_change(hub: Hub, db: Database) -> None:
    token = await make_token(db, "supervisor")
    agent = await make_agent(db)
    path = f"/api/v1/agents/{agent.id}/profile"
    full = {"display_name": "Mo Chen", "skills": {"refunds": 4, "billing": 2}, "languages": ["en", "zh-CN"],
            "capacity": {"webchat": 2}, "topics": ["wine"]}  # fmt: skip
    status, entry = await call(hub, token, "PATCH", path, full)
    assert status == 200 and entry["display_name"] == "Mo Chen"
    assert entry["skills"] == [{"skill": "refunds", "level": 4}, {"skill": "billing", "level": 2}]

    status, same = await call(hub, token, "PATCH", path, {})
    assert status == 200 and same == entry
    status, entry = await call(hub, token, "PATCH", path, {"skills": {"refunds": 5}})
    assert entry["skills"] == [{"skill": "refunds", "level": 5}] and entry["languages"] == ["en", "zh-CN"]
    assert entry["capacity"] == {"webchat": 2} and entry["topics"] == ["wine"] and entry["display_name"] == "Mo Chen"

    audits = await _profile_audits(db, agent.id)
    assert len(audits) == 2, "an empty PATCH changes nothing and audits nothing"
    assert audits[1].details["changes"] == {"skills": {"before": {"refunds": 4, "billing": 2}, "after": {"refunds": 5}}}
    assert audits[0].actor_kind == "token" and set(audits[0].details["changes"]) == set(full)


async def test_unknown_and_bad_fields_are_refused_and_nothing_changes(hub: Hub, db: Database) -> None:
    token = await make_token(db, "supervisor")
    agent = await make_agent(db)
    path = f"/api/v1/agents/{agent.id}/profile"
    status, body = await call(hub, token, "PATCH", path, {"skills": {"refunds": 3}, "colour": "red"})
    assert status == 422 and body["error"]["message"].startswith("colour: unknown field")
    status, body = await call(hub, token, "PATCH", path, {"channels": ["fax"]})
    assert status == 422 and "unknown channel 'fax'" in body["error"]["message"]
    status, body = await call(hub, token, "PATCH", path, {"display_name": "  "})
    assert status == 422
    status, entry = await call(hub, token, "GET", "/api/v1/agents?q=agent")
    assert [a["skills"] for a in entry["agents"] if a["id"] == agent.id] == [[]]
    assert await _profile_audits(db, agent.id) == []
    assert (await call(hub, token, "PATCH", "/api/v1/agents/999999/profile", {}))[0] == 404


async def test_agents_read_the_yellow_pages_but_do_not_edit_them(hub: Hub, db: Database) -> None:
    token = await make_token(db, "agent")
    agent = await make_agent(db)
    status, _ = await call(hub, token, "PATCH", f"/api/v1/agents/{agent.id}/profile", {"languages": ["fr"]})
    assert status == 403
    status, body = await call(hub, token, "GET", "/api/v1/agents")
    assert status == 200 and [a["languages"] for a in body["agents"]] == [[]]


async def test_channels_set_who_works_a_channel_and_the_filter_follows(hub: Hub, db: Database) -> None:
    token = await make_token(db, "admin")
    chat_only = await make_agent(db, "chat@example.test")
    everywhere = await make_agent(db, "all@example.test")
    status, entry = await call(hub, token, "PATCH", f"/api/v1/agents/{chat_only.id}/profile", {"channels": ["webchat"]})
    assert status == 200 and entry["channels"] == ["webchat"]
    assert entry["capacity"]["email"] == 0 and "webchat" not in entry["capacity"]  # the routing default

    async def found(channel: str) -> list[int]:
        status, body = await call(hub, token, "GET", f"/api/v1/agents?channel={channel}")
        assert status == 200
        return [a["id"] for a in body["agents"]]

    assert await found("webchat") == [chat_only.id, everywhere.id]
    assert await found("email") == [everywhere.id]
    patch = {"channels": ["webchat", "email"], "capacity": {"webchat": 1}}
    status, entry = await call(hub, token, "PATCH", f"/api/v1/agents/{chat_only.id}/profile", patch)
    assert entry["channels"] == ["email", "webchat"] and entry["capacity"]["webchat"] == 1
    assert "email" not in entry["capacity"] and entry["capacity"]["wechat"] == 0
    assert await found("email") == [chat_only.id, everywhere.id]
    status, body = await call(hub, token, "PATCH", f"/api/v1/agents/{everywhere.id}/profile",
                              {"channels": ["email"], "capacity": {"email": 0}})  # fmt: skip
    assert status == 422 and "email is listed" in body["error"]["message"]


async def test_a_channel_or_level_the_search_cannot_take_is_refused_by_name(hub: Hub, db: Database) -> None:
    token = await make_token(db, "agent")
    await make_agent(db)
    status, body = await call(hub, token, "GET", "/api/v1/agents?channel=fax")
    assert status == 400 and "unknown channel 'fax'" in body["error"]["message"]
    assert "webchat" in body["error"]["message"]  # the channels it does take are named
    for level in ("0", "9", "high"):
        status, body = await call(hub, token, "GET", f"/api/v1/agents?skill=refunds&min_level={level}")
        assert status == 400 and "min_level" in body["error"]["message"]
    status, body = await call(hub, token, "GET", "/api/v1/agents?channel=webchat&min_level=5")
    assert status == 200


async def test_names_are_found_in_pinyin(hub: Hub, db: Database) -> None:
    token = await make_token(db, "agent")
    admin = await make_token(db, "admin")
    zhang = await make_agent(db, "zw@example.test")
    other = await make_agent(db, "wang@example.test")
    await call(hub, admin, "PATCH", f"/api/v1/agents/{zhang.id}/profile", {"display_name": "张伟"})
    await call(hub, admin, "PATCH", f"/api/v1/agents/{other.id}/profile", {"display_name": "王小明"})
    for query in ("zhang wei", "zhangwei", "zw", "张伟", "Zhang", "ZhangW", "wei zhang"):
        status, body = await call(hub, token, "GET", f"/api/v1/agents?q={query}")
        assert status == 200 and [a["display_name"] for a in body["agents"]] == ["张伟"], query
    status, body = await call(hub, token, "GET", "/api/v1/agents?q=xiaoming")
    assert [a["display_name"] for a in body["agents"]] == ["王小明"]
    status, body = await call(hub, token, "GET", "/api/v1/agents?q=zhao")
    assert body["agents"] == []


async def test_the_directory_page_offers_routing_channels_to_filter_by(hub: Hub, db: Database) -> None:
    async with console(hub, db, "sue@example.test") as sue:
        status, html = await sue.page("/console/directory")
    assert status == 200
    boot = json.loads(html_lib.unescape(re.search(r'<script id="boot"[^>]*>(.*?)</script>', html, re.S)[1]))  # type: ignore[index]
    offered = boot["channels"]  # the page's channel filter offers these, by their names
    assert offered == sorted(hub.app[keys.ROUTING].config.capacity) and "webchat" in offered
