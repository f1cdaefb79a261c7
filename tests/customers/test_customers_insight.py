"""Churn risk with its reasons, complaints, and the value x loyalty service strategy shown to agents."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import aiohttp
from sqlalchemy import update

from hub import keys
from hub.clock import utcnow
from hub.customers.tables import Survey
from hub.db.engine import Database
from hub.db.models import Customer
from hub.envelopes import IdentityRef, InboundEnvelope
from tests.conftest import Hub, make_agent, make_token


async def call(hub: Hub, token: str, method: str, path: str, body: Any = None) -> Any:
    headers = {"Authorization": f"Bearer {token}"}
    async with aiohttp.ClientSession(headers=headers) as http, http.request(method, hub.url + path, json=body) as r:
        assert r.status < 300, await r.text()
        return await r.json()


async def test_complaints_and_poor_ratings_raise_churn_risk_and_strategy_follows_value(hub: Hub, db: Database) -> None:
    token = await make_token(db, "admin")
    ingest = hub.app[keys.INGESTOR]
    tickets = []
    for n in range(2):
        env = InboundEnvelope(channel="email", external_id=f"<c{n}@x>", sender=IdentityRef("email", "vip@example.cn"),
                              text=f"第{n}次投诉：太差了 unacceptable", explicit_threading=True)  # fmt: skip
        tickets.append((await ingest.ingest(env)).ticket)
    customer_id = tickets[0].customer_id
    for ticket in tickets:
        await call(hub, token, "PATCH", f"/api/v1/tickets/{ticket.id}", {"tags": ["complaint"]})
    async with db.write() as uow:
        uow.session.add(Survey(ticket_id=tickets[0].id, customer_id=customer_id, token="t1", channel="email",
                               tier="diamond", rating=1, answered_at=utcnow(), answered_via="link"))  # fmt: skip
        await uow.session.execute(
            update(Customer)
            .where(Customer.id == customer_id)
            .values(tier="diamond", created_at=utcnow() - timedelta(days=400))
        )
    view = await call(hub, token, "GET", f"/api/v1/customers/{customer_id}")
    churn = view["insight"]["churn"]
    assert churn["score"] >= 60 and churn["level"] == "high"
    assert any("2 complaint(s)" in f for f in churn["factors"]) and any(
        "poor satisfaction" in f for f in churn["factors"]
    )
    assert view["insight"]["complaints_open"] == 2
    # Valuable but at risk: retention, not the dedicated desk of the loyal.
    assert view["insight"]["strategy"]["name"] == "retain"
    listed = await call(hub, token, "GET", "/api/v1/customers/at-risk?min=50")
    assert [c["customer_id"] for c in listed["customers"]] == [customer_id]


async def test_a_quiet_loyal_valuable_customer_gets_dedicated_service(hub: Hub, db: Database) -> None:
    token = await make_token(db, "admin")
    env = InboundEnvelope(channel="email", external_id="<ok@x>", sender=IdentityRef("email", "happy@example.cn"),
                          text="Could you send the contract?")  # fmt: skip
    customer_id = (await hub.app[keys.INGESTOR].ingest(env)).ticket.customer_id
    async with db.write() as uow:
        await uow.session.execute(
            update(Customer)
            .where(Customer.id == customer_id)
            .values(tier="gold", created_at=utcnow() - timedelta(days=800))
        )
    view = await call(hub, token, "GET", f"/api/v1/customers/{customer_id}")
    assert view["insight"]["churn"]["level"] == "low" and view["insight"]["strategy"]["name"] == "dedicated"
    assert (await call(hub, token, "GET", "/api/v1/customers/at-risk"))["customers"] == []


async def test_timeline_has_every_kind_of_event_and_pages_through(hub: Hub, db: Database) -> None:
    token = await make_token(db, "admin")
    agent = await make_agent(db, "desk@example.test")
    env = InboundEnvelope(channel="email", external_id="<t1@x>", sender=IdentityRef("email", "t@example.cn"),
                          text="Where is my parcel?")  # fmt: skip
    ticket = (await hub.app[keys.INGESTOR].ingest(env)).ticket
    base = f"/api/v1/tickets/{ticket.id}"
    await call(hub, token, "POST", f"{base}/replies", {"text": "checking with the courier", "internal": True})
    await call(hub, token, "PATCH", base, {"assignee_id": agent.id})
    await call(hub, token, "POST", f"{base}/replies", {"text": "It arrives tomorrow."})
    await call(hub, token, "PATCH", base, {"status": "solved"})
    pages, before = [], None
    while True:
        query = f"?limit=3&before={before}" if before else "?limit=3"
        view = await call(hub, token, "GET", f"/api/v1/customers/{ticket.customer_id}{query}")
        pages.append([h["kind"] for h in view["history"]])
        before = view["history_before"]
        if before is None:
            break
    kinds = [k for page in pages for k in page]
    whole = await call(hub, token, "GET", f"/api/v1/customers/{ticket.customer_id}?limit=1000")
    assert len(pages) >= 2 and kinds == [h["kind"] for h in whole["history"]]  # pages add up, nothing twice
    for kind in ("ticket.created", "contact.inbound", "note", "ticket.assigned", "contact.outbound", "ticket.status"):
        assert kind in kinds, kinds
    assert kinds[-1] in ("ticket.created", "contact.inbound")  # oldest last
