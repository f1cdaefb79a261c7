"""Ticket search and lists: Chinese and English words, every message, filters, tags, cursors, erasure."""

from __future__ import annotations

import asyncio
from typing import Any, cast

import aiohttp
from sqlalchemy import Table, func, insert, select, text, update

from hub import keys
from hub.agents.accounts import Principal
from hub.api.auth import SESSION_COOKIE
from hub.bus import EventBus
from hub.clock import utcnow
from hub.customers.search import search_customers
from hub.customers.tiers import PRIORITIES
from hub.db.engine import Database
from hub.db.migrate import downgrade, upgrade_async
from hub.db.models import INTERACTIONS, TICKETS, Customer, Queue, Ticket
from hub.envelopes import IdentityRef, InboundEnvelope
from hub.tickets import search as ticket_search
from hub.tickets.listing import rank_of
from hub.tickets.model import priority_order
from hub.tickets.replies import post_reply
from hub.tickets.search import search_tickets
from hub.tickets.views import TicketFilter
from tests.conftest import Hub, make_agent, make_session, make_token


async def call(hub: Hub, token: str, path: str, method: str = "GET", body: Any = None) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}"}
    async with aiohttp.ClientSession(headers=headers) as http, http.request(method, hub.url + path, json=body) as r:
        return r.status, await r.json()


async def ingest(
    hub: Hub, n: int, text: str, *, channel: str = "email", who: str = "", tags: tuple[str, ...] = ()
) -> int:
    kind, value = ("phone", f"+1415555{n:04d}") if channel == "sms" else ("email", who or f"c{n}@example.com")
    envelope = InboundEnvelope(channel=channel, external_id=f"m{n}", sender=IdentityRef(kind, value), text=text,
                               tags=tags)  # fmt: skip
    return (await hub.app[keys.INGESTOR].ingest(envelope)).ticket.id


async def search(hub: Hub, token: str, query: str) -> list[dict[str, Any]]:
    status, body = await call(hub, token, f"/api/v1/tickets?{query}")
    assert status == 200, body
    return list(body["tickets"])


async def test_chinese_words_and_english_stems_are_found_ranked_with_snippets(hub: Hub, db: Database) -> None:
    token = await make_token(db, "agent")
    refund_zh = await ingest(hub, 1, "您好，申请退款什么时候到账？订单号 8812")
    refund_en = await ingest(hub, 2, "I asked for refunds twice and nothing arrived")
    await ingest(hub, 3, "我的快递还没有到，物流一直不更新")
    hits = await search(hub, token, "q=退款")
    assert [h["id"] for h in hits] == [refund_zh]
    assert "<mark>退款</mark>" in hits[0]["snippet"] and hits[0]["rank"] > 0
    assert hits[0]["matched_interaction_id"] is not None
    assert [h["id"] for h in await search(hub, token, "q=申请退款")] == [refund_zh]  # jieba's parts, all required
    assert [h["id"] for h in await search(hub, token, "q=refund")] == [refund_en]  # stemmed: refunds
    assert [h["id"] for h in await search(hub, token, "q=arriv")] == [refund_en]  # the word being typed
    assert "<mark>refunds</mark>" in (await search(hub, token, "q=refund"))[0]["snippet"]  # the whole word
    # Found by its stem, marked by its stem: "refunded" finds "refunds" and says where.
    assert "<mark>refunds</mark>" in (await search(hub, token, "q=refunded"))[0]["snippet"]
    assert "nothing <mark>arrived</mark>" in (await search(hub, token, "q=arriv"))[0]["snippet"]
    assert await search(hub, token, "q=退款+物流") == []  # every term must be there
    status, body = await call(hub, token, "/api/v1/tickets?q=" + "<script>")
    assert status == 200 and body["tickets"] == []


async def test_newest_messages_are_read_first_and_a_rarer_word_from_the_index(
    hub: Hub, db: Database, monkeypatch: Any
) -> None:
    # PostgreSQL reads the newest RECENT rows in order and asks the GIN index only when they hold fewer than
    # ENOUGH matches: a common word ranks the newest matches. SQLite's index reads newest first anyway (up to
    # CANDIDATES). A rarer word is found wherever it is.
    monkeypatch.setattr(ticket_search, "RECENT", 4)
    monkeypatch.setattr(ticket_search, "ENOUGH", 2)
    token = await make_token(db, "agent")
    old = await ingest(hub, 1, "the zebra invoice")
    invoices = [await ingest(hub, n, f"invoice number {n}") for n in range(2, 6)]
    recent_only = db.engine.dialect.name == "postgresql"
    found = {h["id"] for h in await search(hub, token, "q=invoice")}
    assert found == (set(invoices) if recent_only else {old, *invoices})
    assert [h["id"] for h in await search(hub, token, "q=zebra")] == [old]  # older than the newest four rows
    assert [h["id"] for h in await search(hub, token, "q=number+5")] == [invoices[-1]]


async def test_agent_words_and_notes_are_found_coaching_only_by_its_reader(hub: Hub, db: Database) -> None:
    agent, other = await make_agent(db, "a@example.test"), await make_agent(db, "b@example.test")
    supervisor = await make_agent(db, "s@example.test", role="supervisor")
    admin = await make_token(db, "admin")
    ticket = await ingest(hub, 1, "where is my parcel")
    status, _ = await call(hub, admin, f"/api/v1/tickets/{ticket}", "PATCH", {"assignee_id": agent.id})
    assert status == 200
    status, _ = await call(
        hub, admin, f"/api/v1/tickets/{ticket}/replies", "POST", {"text": "Your parcel left Shenzhen"}
    )
    assert status == 201
    status, _ = await call(hub, admin, f"/api/v1/tickets/{ticket}/replies", "POST",
                           {"text": "customer sounds upset, check the courier", "internal": True})  # fmt: skip
    assert status == 201
    coach = Principal("agent", supervisor.id, "supervisor", "s", agent_id=supervisor.id)
    await post_reply(db, ticket, coach, "offer a voucher next time", note=True, coach=True,
                     channels=hub.app[keys.CHANNELS])  # fmt: skip
    assert [h["id"] for h in await search(hub, admin, "q=shenzhen")] == [ticket]
    assert [h["id"] for h in await search(hub, admin, "q=courier")] == [ticket]
    for reader, found in ((agent, True), (other, False), (supervisor, True)):
        cookies = {SESSION_COOKIE: await make_session(db, reader)}
        async with aiohttp.ClientSession(cookies=cookies) as http, http.get(hub.url + "/api/v1/tickets?q=voucher") as r:
            body = await r.json()
        assert r.status == 200 and bool(body["tickets"]) is found, reader.email


async def test_search_keeps_the_filters(hub: Hub, db: Database) -> None:
    token = await make_token(db, "agent")
    by_mail = await ingest(hub, 1, "invoice is wrong", tags=("billing",))
    by_sms = await ingest(hub, 2, "invoice missing", channel="sms")
    assert {h["id"] for h in await search(hub, token, "q=invoice")} == {by_mail, by_sms}
    assert [h["id"] for h in await search(hub, token, "q=invoice&channel=sms")] == [by_sms]
    assert [h["id"] for h in await search(hub, token, "q=invoice&tag=billing")] == [by_mail]
    assert await search(hub, token, "q=invoice&status=closed") == []
    assert [h["id"] for h in await search(hub, token, "q=invoice&tier=general&channel=email")] == [by_mail]
    first = await search(hub, token, "q=invoice&limit=1")
    _, body = await call(hub, token, "/api/v1/tickets?q=invoice&limit=1")
    assert body["next_cursor"] and first
    _, rest = await call(hub, token, f"/api/v1/tickets?q=invoice&limit=1&cursor={body['next_cursor']}")
    assert {first[0]["id"], rest["tickets"][0]["id"]} == {by_mail, by_sms} and rest["next_cursor"] is None


async def test_lists_filter_by_tag_and_page_by_cursor_in_inbox_order(hub: Hub, db: Database) -> None:
    token = await make_token(db, "agent")
    ids = [await ingest(hub, n, f"question {n}", tags=("vip",) if n % 3 == 0 else ()) for n in range(13)]
    # Priorities outside the known four (only older data could hold them) are listed last, each gap between the
    # known ones searched: "asap" sorts before "high", "someday" between "normal" and "urgent", "zz" after all.
    odd = ["asap", "someday", "zz"]
    async with db.write() as uow:
        for ticket_id, priority in zip(ids, ["low", "urgent", "normal", "high", *odd] * 2, strict=False):
            await uow.session.execute(update(Ticket).where(Ticket.id == ticket_id).values(priority=priority))
    async with db.read() as s:
        expected = list(
            await s.scalars(select(Ticket.id).order_by(priority_order(), Ticket.last_message_at, Ticket.id))
        )
    seen: list[int] = []
    cursor = ""
    for _ in range(10):
        status, body = await call(hub, token, f"/api/v1/tickets?limit=3{cursor}")
        assert status == 200
        seen += [t["id"] for t in body["tickets"]]
        if body["next_cursor"] is None:
            break
        cursor = f"&cursor={body['next_cursor']}"
    assert seen == expected
    vip = [t["id"] for t in (await call(hub, token, "/api/v1/tickets?tag=vip"))[1]["tickets"]]
    assert sorted(vip) == sorted(ids[0::3])
    status, body = await call(hub, token, "/api/v1/tickets?cursor=nonsense")
    assert status == 400


async def test_erasure_takes_the_customers_words_out_of_the_index(hub: Hub, db: Database) -> None:
    supervisor = await make_token(db, "supervisor")
    ticket = await ingest(hub, 1, "我的地址是北京市海淀区1号", who="li.na@example.cn")
    kept = await ingest(hub, 2, "北京 office hours?")
    assert {h["id"] for h in await search(hub, supervisor, "q=北京")} == {ticket, kept}
    _, detail = await call(hub, supervisor, f"/api/v1/tickets/{ticket}")
    customer = detail["ticket"]["customer_id"]
    status, _ = await call(hub, supervisor, f"/api/v1/customers/{customer}/erase", "POST", {"close_open_tickets": True})
    assert status == 200
    assert [h["id"] for h in await search(hub, supervisor, "q=北京")] == [kept]
    async with db.read() as s:
        left = await s.scalar(select(func.count()).select_from(text("ticket_words")).where(text("ticket_id = :t")),
                              {"t": ticket})  # fmt: skip
    assert left == 0


async def test_upgrading_indexes_what_is_already_stored(database_url: str) -> None:
    await asyncio.to_thread(downgrade, database_url, "0012")
    db = Database(database_url, EventBus())
    try:
        async with db.write() as uow:  # plain INSERTs: the index tables do not exist yet
            s, now = uow.session, utcnow()
            await s.execute(
                insert(cast(Table, Customer.__table__)).values(id=7, display_name="周杰", tier="general", attributes={})
            )
            await s.execute(insert(cast(Table, Queue.__table__)).values(id=1, name="general", display_name="General"))
            await s.execute(insert(TICKETS).values(id=3, customer_id=7, subject="发票抬头", channel="email", queue_id=1,
                                                   status="open", priority="normal", tags=[], requirements={},
                                                   assignment={}, last_message_at=now))  # fmt: skip
            await s.execute(insert(INTERACTIONS).values(id=5, ticket_id=3, customer_id=7, direction="inbound",
                                                        channel="email", text="我的退款还没到账", attachments=[],
                                                        meta={}, created_at=now))  # fmt: skip
        await upgrade_async(database_url)
        async with db.read() as s:
            by_message = await search_tickets(s, TicketFilter(), "退款", None, True)
            by_subject = await search_tickets(s, TicketFilter(), "发票", None, True)
            people, _ = await search_customers(s, "zhoujie", 10, 0)
        assert [h.ticket.id for h in by_message.hits] == [3] and by_message.hits[0].interaction_id == 5
        assert [h.ticket.id for h in by_subject.hits] == [3] and by_subject.hits[0].interaction_id is None
        assert [p.id for p in people] == [7]
    finally:
        await db.dispose()


async def test_the_database_ranks_priorities_as_the_inbox_order_does(hub: Hub, db: Database) -> None:
    """tickets.priority_rank is computed by the database (revision 0018): it must agree with rank_of, an unknown
    priority last, and follow a change of priority."""
    ticket_id = await ingest(hub, 1, "rank me")
    for priority in (*PRIORITIES, "whenever"):
        async with db.write() as uow:
            await uow.session.execute(update(Ticket).where(Ticket.id == ticket_id).values(priority=priority))
        async with db.read() as session:
            stored = await session.scalar(select(Ticket.priority_rank).where(Ticket.id == ticket_id))
        assert stored == rank_of(priority), priority
