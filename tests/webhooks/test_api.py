"""The webhooks API: admins only, 422 (never 500) for what cannot be saved, the secret shown once, and a
running hub posting a new ticket to a registered receiver."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import aiohttp
import pytest

from hub import keys
from hub.app import create_app
from hub.db.engine import Database
from hub.envelopes import IdentityRef, InboundEnvelope
from hub.settings import Settings
from hub.webhooks.config import WebhookConfig
from hub.webhooks.signing import verify
from tests.conftest import Hub, make_token
from tests.waiting import until
from tests.webhooks.receiver import receiving


async def call(hub: Hub, token: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}"}
    async with aiohttp.ClientSession(headers=headers) as http, http.request(method, hub.url + path, json=body) as r:
        return r.status, await (r.json() if r.content_type == "application/json" else r.text())


@pytest.fixture
async def open_hub(settings: Settings, aiohttp_server: Callable[..., Any]) -> Hub:
    """A hub that may post to this machine (the test receiver), as tests and the demo set it up."""
    allowed = settings.with_channel("webhooks", WebhookConfig(allow_private_targets=True))
    app = create_app(allowed)
    return Hub(await aiohttp_server(app), app, allowed)


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({"url": "https://example.com/h", "events": ["ticket.closed"]}, "events"),
        ({"url": "https://example.com/h", "events": []}, "events"),
        ({"url": "https://example.com/h"}, "events: required"),
        ({"url": "https://example.com/h", "events": "ticket.created"}, "events"),
        ({"url": 7, "events": ["ticket.created"]}, "url"),
        ({"url": "ftp://example.com/h", "events": ["ticket.created"]}, "http"),
        ({"url": "not a url at all", "events": ["ticket.created"]}, "url"),
        ({"url": "http://127.0.0.1:8080/h", "events": ["ticket.created"]}, "not a public address"),
        ({"url": "http://10.1.2.3/h", "events": ["ticket.created"]}, "not a public address"),
        ({"url": "http://[::1]/h", "events": ["ticket.created"]}, "not a public address"),
        ({"url": "http://169.254.169.254/latest", "events": ["ticket.created"]}, "not a public address"),
        ({"url": "http://localhost:8080/h", "events": ["ticket.created"]}, "not a public address"),
        ({"url": "https://example.com/h", "events": ["ticket.created"], "secret": "short"}, "secret"),
        ({"url": "https://example.com/h", "events": ["ticket.created"], "color": "red"}, "unknown field"),
    ],
)
async def test_what_cannot_be_saved_is_422(hub: Hub, admin_token: str, body: dict[str, Any], says: str) -> None:
    status, answer = await call(hub, admin_token, "POST", "/api/v1/webhooks", body)
    assert status == 422, answer
    assert says in answer["error"]["message"]


async def test_only_admins_manage_webhooks(hub: Hub, db: Database) -> None:
    supervisor = await make_token(db, role="supervisor")
    for method, path in [("GET", "/api/v1/webhooks"), ("POST", "/api/v1/webhooks"), ("DELETE", "/api/v1/webhooks/1")]:
        status, _ = await call(hub, supervisor, method, path, {})
        assert status == 403, (method, path)


async def test_create_change_list_and_remove(open_hub: Hub, db: Database) -> None:
    admin = await make_token(db, role="admin")
    body = {"url": "http://127.0.0.1:9/hook", "events": ["ticket.created", "ticket.created", "survey.answered"]}
    status, created = await call(open_hub, admin, "POST", "/api/v1/webhooks", body)
    assert status == 201, created
    assert created["secret"].startswith("whsec_") and created["events"] == ["ticket.created", "survey.answered"]
    hook_id = created["id"]
    status, listed = await call(open_hub, admin, "GET", "/api/v1/webhooks")
    assert status == 200 and [h["id"] for h in listed["webhooks"]] == [hook_id]
    assert "secret" not in listed["webhooks"][0]  # shown once, when made
    status, changed = await call(open_hub, admin, "PATCH", f"/api/v1/webhooks/{hook_id}", {"active": False})
    assert status == 200 and not changed["active"] and changed["disabled_reason"] == "turned off"
    patch = {"active": True, "events": ["message.created"]}
    status, changed = await call(open_hub, admin, "PATCH", f"/api/v1/webhooks/{hook_id}", patch)
    assert status == 200 and changed["active"] and changed["events"] == ["message.created"]
    status, bad = await call(open_hub, admin, "PATCH", f"/api/v1/webhooks/{hook_id}", {"events": ["nope"]})
    assert status == 422, bad
    status, page = await call(open_hub, admin, "GET", f"/api/v1/webhooks/{hook_id}/deliveries?limit=10")
    assert status == 200 and page == {"deliveries": [], "limit": 10, "next_cursor": None}
    status, _ = await call(open_hub, admin, "GET", f"/api/v1/webhooks/{hook_id}/deliveries?before=x")
    assert status == 400
    status, _ = await call(open_hub, admin, "DELETE", f"/api/v1/webhooks/{hook_id}")
    assert status == 204
    for method in ("GET", "PATCH", "DELETE"):
        status, _ = await call(open_hub, admin, method, f"/api/v1/webhooks/{hook_id}", {})
        assert status == 404, method


async def test_a_running_hub_posts_a_new_ticket(open_hub: Hub, db: Database) -> None:
    admin = await make_token(db, role="admin")
    async with receiving() as (receiver, url):
        status, created = await call(
            open_hub, admin, "POST", "/api/v1/webhooks", {"url": url, "events": ["ticket.created"]}
        )
        assert status == 201, created
        contact = InboundEnvelope(
            channel="sms", external_id="s-1", sender=IdentityRef("phone", "+14155550100"), text="where is my order"
        )
        result = await open_hub.app[keys.INGESTOR].ingest(contact)

        async def arrived() -> bool:
            return len(receiver.received) == 1

        await until(arrived, what="the ticket.created post")
        got = receiver.received[0]
        assert verify(created["secret"], got.headers["X-Hub-Signature-256"], got.body, time.time())
        assert json.loads(got.body)["data"]["ticket"]["id"] == result.ticket.id

        async def recorded() -> bool:
            _, page = await call(open_hub, admin, "GET", f"/api/v1/webhooks/{created['id']}/deliveries")
            return [(d["status"], d["last_status_code"]) for d in page["deliveries"]] == [("delivered", 200)]

        await until(recorded, what="the delivery recorded as delivered")
