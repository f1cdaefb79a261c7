"""Request bodies against their declared models: strict types, unknown fields named, PUT replaces only what it names."""

from __future__ import annotations

from typing import Any

import aiohttp

from hub.api.openapi import SPEC
from hub.db.engine import Database
from tests.api.test_api import seed
from tests.conftest import Hub, make_agent, make_token


async def call(hub: Hub, token: str, method: str, path: str, body: Any) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}"}
    async with aiohttp.ClientSession(headers=headers) as http, http.request(method, hub.url + path, json=body) as r:
        return r.status, await r.json()


async def test_true_is_not_an_assignee(hub: Hub, db: Database, admin_token: str) -> None:
    [ticket, *_] = await seed(hub)
    await make_agent(db, "one@example.test")  # agent 1: what `true` became once
    status, body = await call(hub, admin_token, "PATCH", f"/api/v1/tickets/{ticket}", {"assignee_id": True})
    assert status == 422 and body["error"] == {
        "code": "invalid",
        "message": "assignee_id: input should be a valid integer, not true",
        "key": "%(field)s: not of the expected type (this is %(got)s)",
        "params": {"field": "assignee_id", "got": "true"},
    }
    status, body = await call(hub, admin_token, "GET", f"/api/v1/tickets/{ticket}", None)
    assert body["ticket"].get("assignee_id") is None


async def test_unknown_fields_are_refused_by_name(hub: Hub, db: Database, admin_token: str) -> None:
    agent = await make_agent(db)
    article = {"title": "Refunds", "body": "How", "short_answer": "Ask", "question_variants": ["money back?"]}
    status, body = await call(hub, admin_token, "POST", "/api/v1/knowledge/articles", article)
    assert status == 422
    message = body["error"]["message"]
    assert message.startswith("question_variants: unknown field") and "variants" in message.split("takes")[1]
    status, body = await call(hub, admin_token, "PUT", f"/api/v1/agents/{agent.id}/profile", {"bogus": 1})
    assert status == 422 and body["error"]["message"].startswith("bogus: unknown field")
    change = {"ids": [1], "change": {"colour": "red"}}
    status, body = await call(hub, admin_token, "POST", "/api/v1/tickets/bulk", change)
    assert status == 422 and body["error"]["message"] == "change.colour: unknown field"


async def test_a_profile_put_replaces_only_what_it_names(hub: Hub, db: Database) -> None:
    token = await make_token(db, "supervisor")
    agent = await make_agent(db)
    path = f"/api/v1/agents/{agent.id}/profile"
    full = {"skills": {"refunds": 4}, "languages": ["en"], "capacity": {"webchat": 2}, "topics": ["wine"]}
    assert (await call(hub, token, "PUT", path, full))[0] == 200
    status, entry = await call(hub, token, "PUT", path, {})
    assert status == 200 and entry["skills"] == [{"skill": "refunds", "level": 4}] and entry["languages"] == ["en"]
    status, entry = await call(hub, token, "PUT", path, {"languages": ["yue"]})
    assert entry["skills"] == [{"skill": "refunds", "level": 4}] and entry["languages"] == ["yue"]
    assert entry["capacity"] == {"webchat": 2} and entry["topics"] == ["wine"]
    status, entry = await call(hub, token, "PUT", path, {"skills": {}})
    assert status == 200 and entry["skills"] == []


async def test_the_reason_names_every_field_and_never_echoes_a_value(hub: Hub, db: Database, admin_token: str) -> None:
    agent = await make_agent(db)
    secret = {"password": 12345678, "generate": "yes", "extra": "x"}
    status, body = await call(hub, admin_token, "PUT", f"/api/v1/agents/{agent.id}/password", secret)
    message = body["error"]["message"]
    assert status == 422 and "12345678" not in message
    assert "password:" in message and "generate:" in message and "extra: unknown field" in message


def test_every_write_documents_its_body_from_the_model_it_is_checked_with() -> None:
    for path, operations in SPEC["paths"].items():
        for method, operation in operations.items():
            if method in ("post", "put", "patch"):
                assert "requestBody" in operation, (method, path)
    change = SPEC["paths"]["/api/v1/tickets/{id}"]["patch"]["requestBody"]["content"]["application/json"]["schema"]
    assert change["additionalProperties"] is False
    assert set(change["properties"]) == {
        "status", "tags", "assignee_id", "queue", "priority", "requirements", "if_updated_at", "remind_at",
    }  # fmt: skip
    for ref in _refs(SPEC):
        assert ref.removeprefix("#/components/schemas/") in SPEC["components"]["schemas"], ref


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) and "/schemas/" in node["$ref"] else []
        return found + [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


async def test_a_line_break_in_what_was_sent_is_no_500(hub: Hub, admin_token: str) -> None:
    await seed(hub)
    status, body = await call(hub, admin_token, "POST", "/api/v1/customers/1/link", {"kind": "\r", "value": "x\ny"})
    assert status == 422 and body["error"]["message"].endswith("x\\ny")
    status, body = await call(hub, admin_token, "PUT", "/api/v1/agents/1/profile", {"made\r\nup": 1})
    assert status == 422 and body["error"]["message"].startswith("made\\r\\nup: unknown field")
