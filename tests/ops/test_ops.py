"""Operations: liveness and readiness with their parts, Prometheus metrics, request ids, JSON logs."""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Callable
from typing import Any

import aiohttp
from multidict import CIMultiDict
from prometheus_client.parser import text_string_to_metric_families

from hub import keys
from hub.app import create_app
from hub.envelopes import IdentityRef, InboundEnvelope
from hub.ops.logs import REQUEST_ID, JsonFormatter
from hub.settings import Settings
from tests.conftest import Hub, make_token
from tests.processes import free_port


async def fetch(url: str, **kw: Any) -> tuple[int, str, CIMultiDict[str]]:
    async with aiohttp.ClientSession() as http, http.get(url, **kw) as r:
        return r.status, await r.text(), CIMultiDict(r.headers)


async def test_ready_names_its_parts_and_redis_down_is_not_ready(
    hub: Hub, settings: Settings, aiohttp_server: Callable[..., Any]
) -> None:
    status, body, _ = await fetch(f"{hub.url}/readyz")
    parts = json.loads(body)
    assert status == 200 and parts["status"] == "ok"
    assert {parts[k] for k in ("warm_up", "database", "routing", "delivery", "smtp")} == {"ok"}
    down = dataclasses.replace(settings, redis_url=f"redis://127.0.0.1:{free_port()}/0")
    server = await aiohttp_server(create_app(down))
    status, body, _ = await fetch(str(server.make_url("/readyz")))
    parts = json.loads(body)
    assert status == 503 and parts["status"] == "not ready" and parts["redis"].startswith("error:")
    status, body, _ = await fetch(str(server.make_url("/healthz")))
    assert status == 200  # alive all the same: restarting would not bring Redis back


async def test_metrics_count_contacts_replies_and_waiting_work(hub: Hub, db: Any) -> None:
    env = InboundEnvelope(channel="wechat", external_id="m1", sender=IdentityRef("wechat", "wx:o1"), text="你好")
    ticket = (await hub.app[keys.INGESTOR].ingest(env)).ticket
    token = await make_token(db, "admin")
    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as http:
        await http.post(f"{hub.url}/api/v1/tickets/{ticket.id}/replies", json={"text": "在的"})
    status, body, headers = await fetch(f"{hub.url}/metrics")
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value
               for family in text_string_to_metric_families(body) for s in family.samples}  # fmt: skip
    assert samples[("hub_contacts_total", (("channel", "wechat"),))] == 1
    assert samples[("hub_replies_total", (("channel", "wechat"),))] == 1
    assert ("hub_outbox_backlog", ()) in samples and ("hub_console_sockets", ()) in samples
    # The reply made the ticket the admin's: nothing waits. A second customer's message does.
    other = InboundEnvelope(channel="wechat", external_id="m2", sender=IdentityRef("wechat", "wx:o2"), text="在吗")
    await hub.app[keys.INGESTOR].ingest(other)
    _, body, _ = await fetch(f"{hub.url}/metrics")
    waiting = {s.labels["tier"]: s.value for f in text_string_to_metric_families(body) for s in f.samples
               if s.name == "hub_tickets_waiting"}  # fmt: skip
    assert waiting.get("general", 0) >= 1


async def test_request_ids_and_json_logs(hub: Hub) -> None:
    _, _, headers = await fetch(f"{hub.url}/healthz", headers={"X-Request-Id": "proxy-42"})
    assert headers["X-Request-Id"] == "proxy-42"
    _, _, headers = await fetch(f"{hub.url}/healthz", headers={"X-Request-Id": "not an id; with spaces"})
    assert headers["X-Request-Id"] != "proxy-42" and len(headers["X-Request-Id"]) == 16
    record = logging.LogRecord(
        "hub.test", logging.WARNING, __file__, 1, "SMS from %s failed", ("+8613800138000",), None
    )
    record.ticket_id = 7
    token = REQUEST_ID.set("req-1")
    try:
        line = json.loads(JsonFormatter().format(record))
    finally:
        REQUEST_ID.reset(token)
    assert line["message"] == "SMS from +…00 failed" and line["request_id"] == "req-1" and line["ticket_id"] == 7
    assert line["level"] == "warning" and line["logger"] == "hub.test"
