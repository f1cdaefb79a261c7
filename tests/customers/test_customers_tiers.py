"""A customer's tier changes (override, merge and link, unmerge, orders): open tickets follow, both ways."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import aiohttp
from sqlalchemy import select

from hub import keys
from hub.customers.tables import CustomerMerge
from hub.db.engine import Database
from hub.db.models import Customer, HistoryEntry, Ticket
from hub.envelopes import IdentityRef, InboundEnvelope
from tests.conftest import Hub, make_agent, make_token
from tests.waiting import until


async def contact(hub: Hub, channel: str, kind: str, value: str, text: str) -> tuple[int, int]:
    envelope = InboundEnvelope(
        channel=channel,
        external_id=f"{channel}:{value}:{text}",
        sender=IdentityRef(kind, value),
        text=text,
        explicit_threading=channel == "email",  # each mail its own ticket, as a new mail without references is
    )
    result = await hub.app[keys.INGESTOR].ingest(envelope)
    return result.ticket.customer_id, result.ticket.id


async def call(hub: Hub, token: str, method: str, path: str, body: Any = None, data: bytes | None = None) -> Any:
    headers = {"Authorization": f"Bearer {token}"}
    async with (
        aiohttp.ClientSession(headers=headers) as http,
        http.request(method, hub.url + path, json=body, data=data) as r,
    ):
        assert r.status in (200, 201), await r.text()
        return await r.json()


async def tickets(db: Database, *ids: int) -> dict[int, Ticket]:
    async with db.read() as s:
        return {t.id: t for t in await s.scalars(select(Ticket).where(Ticket.id.in_(ids)))}


async def tier_lines(db: Database, ticket_id: int) -> list[str]:
    """The ticket's history lines about tier changes, without the due time (it depends on the clock)."""
    async with db.read() as s:
        found = await s.scalars(
            select(HistoryEntry.summary)
            .where(HistoryEntry.ticket_id == ticket_id, HistoryEntry.kind == "ticket.tier")
            .order_by(HistoryEntry.id)
        )
        return [line.split(":")[0] for line in found]


def minutes(ticket: Ticket, due: str) -> float:
    value = getattr(ticket, due)
    return float((value - ticket.created_at).total_seconds() / 60)


async def test_a_tier_override_moves_open_tickets_up_and_down_and_leaves_solved_ones(hub: Hub, db: Database) -> None:
    supervisor = await make_token(db, "supervisor")
    customer, mail = await contact(hub, "email", "email", "zhang.wei@example.cn", "发票开错了，请重开")
    _, chat = await contact(hub, "webchat", "webchat", "a" * 64, "hello?")
    agent = await make_agent(db)
    async with db.write() as uow:  # the web chat visitor is the same person (linked earlier), served by an agent
        row = await uow.session.get_one(Ticket, chat)
        row.customer_id, row.assignee_id = customer, agent.id
        row.assignment = {"agent_id": agent.id, "by": "routing", "reasons": ["best skill fit"]}
    _, old = await contact(hub, "email", "email", "zhang.wei@example.cn", "an older question, solved")
    await call(hub, supervisor, "PATCH", f"/api/v1/tickets/{old}", {"status": "solved"})
    before = await tickets(db, mail, chat, old)
    assert before[mail].priority == "normal" and minutes(before[mail], "first_response_due_at") == 480

    changed = await call(hub, supervisor, "PATCH", f"/api/v1/customers/{customer}", {"tier": "diamond"})
    assert sorted(changed["tickets_retiered"]) == sorted([mail, chat])
    after = await tickets(db, mail, chat, old)
    # routing.toml: diamond answers e-mail within 60 minutes and web chat within 2, solves within 480.
    assert after[mail].priority == "urgent" and minutes(after[mail], "first_response_due_at") == 60
    assert minutes(after[chat], "first_response_due_at") == 2 and minutes(after[chat], "resolution_due_at") == 480
    assert after[old].priority == "normal" and after[old].resolution_due_at == before[old].resolution_due_at
    # The agent's ticket says why it changed; the waiting one is routed again, for a diamond customer now.
    assert after[chat].assignment["reasons"][-1].startswith("customer tier general → diamond (set by test-supervisor)")
    assert after[chat].assignment["reasons"][0] == "best skill fit" and after[chat].assignee_id == agent.id

    async def rerouted() -> bool:
        found = await tickets(db, mail)
        return any("diamond customer" in r for r in found[mail].assignment.get("reasons", []) if "needs" in r)

    await until(rerouted)
    async with db.read() as s:
        lines = list(await s.scalars(select(HistoryEntry.summary).where(HistoryEntry.kind == "ticket.tier")))
    assert len(lines) == 2 and all("general → diamond (set by test-supervisor)" in line for line in lines)

    # Down again: a supervisor chose the e-mail's priority by hand meanwhile, and that choice stays.
    await call(hub, supervisor, "PATCH", f"/api/v1/tickets/{mail}", {"priority": "high"})
    await call(hub, supervisor, "PATCH", f"/api/v1/customers/{customer}", {"tier": "silver"})
    down = await tickets(db, mail, chat)
    assert down[mail].priority == "high" and down[chat].priority == "normal"
    assert minutes(down[mail], "first_response_due_at") == 240 and minutes(down[chat], "first_response_due_at") == 10
    assert minutes(down[mail], "resolution_due_at") == 2880


async def test_an_answered_ticket_keeps_the_first_response_target_it_was_measured_by(hub: Hub, db: Database) -> None:
    supervisor = await make_token(db, "supervisor")
    customer, mail = await contact(hub, "email", "email", "li.lei@example.com", "Where is my parcel?")
    await call(hub, supervisor, "POST", f"/api/v1/tickets/{mail}/replies", {"text": "Looking into it."})
    answered = (await tickets(db, mail))[mail]
    await call(hub, supervisor, "PATCH", f"/api/v1/customers/{customer}", {"tier": "gold"})
    now = (await tickets(db, mail))[mail]
    assert now.first_response_due_at == answered.first_response_due_at and now.priority == "high"
    assert minutes(now, "resolution_due_at") == 1440


async def test_merging_into_a_gold_customer_retiers_the_moved_tickets_and_undo_puts_them_back(
    hub: Hub, db: Database, admin_token: str
) -> None:
    gold, _ = await contact(hub, "email", "email", "vip@example.com", "earlier question")
    await call(hub, admin_token, "PATCH", f"/api/v1/customers/{gold}", {"tier": "gold"})
    visitor, chat = await contact(hub, "webchat", "webchat", "b" * 64, "我的订单还没到")
    linked = await call(hub, admin_token, "POST", f"/api/v1/customers/{visitor}/link",
                        {"kind": "email", "value": "VIP@example.com"})  # fmt: skip
    assert linked["customer_id"] == gold
    moved = (await tickets(db, chat))[chat]
    assert moved.customer_id == gold and moved.priority == "high" and minutes(moved, "first_response_due_at") == 5
    assert await tier_lines(db, chat) == [f"customer tier general → gold (merged from customer {visitor})"]
    merge_id = await merge_into(db, gold)
    await call(hub, admin_token, "POST", f"/api/v1/customers/merges/{merge_id}/undo")
    back = (await tickets(db, chat))[chat]
    assert back.customer_id == visitor and back.priority == "normal" and minutes(back, "first_response_due_at") == 15


async def merge_into(db: Database, target: int) -> int:
    async with db.read() as s:
        merge_id = await s.scalar(select(CustomerMerge.id).where(CustomerMerge.target_id == target))
    assert merge_id is not None
    return merge_id


async def test_a_valuable_source_lifts_the_merged_customer_and_its_own_open_tickets(
    hub: Hub, db: Database, admin_token: str
) -> None:
    plain, plain_ticket = await contact(hub, "email", "email", "wang@example.cn", "还是没收到退款")
    diamond, _ = await contact(hub, "sms.twilio", "phone", "+8613800138000", "在吗")
    await call(hub, admin_token, "PATCH", f"/api/v1/customers/{diamond}", {"tier": "diamond"})
    await call(hub, admin_token, "POST", f"/api/v1/customers/{diamond}/merge", {"into": plain})
    async with db.read() as s:
        assert (await s.get_one(Customer, plain)).tier == "diamond"  # the override came along
    own = (await tickets(db, plain_ticket))[plain_ticket]
    assert own.priority == "urgent"
    assert await tier_lines(db, plain_ticket) == [f"customer tier general → diamond (merged with customer {diamond})"]


async def test_orders_that_raise_the_tier_retier_open_tickets(hub: Hub, db: Database) -> None:
    supervisor = await make_token(db, "supervisor")
    customer, mail = await contact(hub, "email", "email", "buyer@example.cn", "invoice please")
    today = date.today()
    orders = f"email,amount,date\nbuyer@example.cn,9000,{today - timedelta(days=3)}\n".encode()
    report = await call(hub, supervisor, "POST", "/api/v1/customers/orders/import", data=orders)
    assert report["updated"] == 1
    after = (await tickets(db, mail))[mail]
    assert after.priority == "urgent" and minutes(after, "first_response_due_at") == 60  # 24,000 CLV: diamond
    assert await tier_lines(db, mail) == ["customer tier general → diamond (orders import)"]
    async with db.read() as s:
        assert (await s.get_one(Customer, customer)).tier == "diamond"


async def test_a_customer_import_that_sets_the_tier_of_someone_we_know_retiers_their_tickets(
    hub: Hub, db: Database
) -> None:
    supervisor = await make_token(db, "supervisor")
    customer, chat = await contact(hub, "webchat", "email", "ceo@bigco.example", "Need a call back today")
    report = await call(hub, supervisor, "POST", "/api/v1/customers/import",
                        data=b"name,email,tier\nMs. Zhao,CEO@bigco.example,diamond\n")  # fmt: skip
    assert report["updated"] == 1 and report["duplicates"][0]["tier"] == {"before": "general", "after": "diamond"}
    after = (await tickets(db, chat))[chat]
    assert after.customer_id == customer and after.priority == "urgent"
    assert minutes(after, "first_response_due_at") == 2  # diamond on web chat
    assert await tier_lines(db, chat) == ["customer tier general → diamond (customer import, line 2)"]
