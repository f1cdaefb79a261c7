"""Help-desk data for bench/search.py, written in bulk: customers, tickets, messages (half Chinese), index rows."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncEngine

from hub.customers.search import customer_words
from hub.customers.search_index import customer_statements, ticket_rows
from hub.customers.search_query import index_words
from hub.db.models import INTERACTIONS, TICKETS, Agent, Customer, Identity, Queue

ZH = [
    "您好，申请退款什么时候到账",
    "我的快递三天了还没有到",
    "发票抬头写错了能重新开吗",
    "会员积分怎么兑换优惠券",
    "订单显示已签收但是我没有收到",
    "商品有质量问题想换货",
    "请问可以开增值税专用发票吗",
    "账号登录不了提示密码错误",
    "物流信息一直不更新",
    "退货运费谁来承担",
    "优惠券过期了还能用吗",
    "我想修改收货地址",
    "客服电话一直打不通",
    "支付成功但是订单显示未付款",
    "申请售后需要提供什么材料",
    "包裹破损了怎么办",
    "能不能加急发货",
    "退款已经批准但是银行卡没收到钱",
    "尺码不合适想换大一号",
    "为什么我的评价被删除了",
]
EN = [
    "I asked for a refund last week and nothing arrived", "my parcel is late and tracking has not moved",
    "the invoice has the wrong company name", "how do I reset my password", "the delivery was damaged",
    "please cancel my subscription", "I was charged twice for the same order", "can I change the shipping address",
    "the coupon code does not work at checkout", "when will my replacement be shipped",
    "your courier left the package at the wrong door", "I need a copy of my receipt for expenses",
    "the app crashes when I open my orders", "is there a discount for students", "my account was locked",
    "the product stopped working after two days", "I want to return these shoes", "why was my review removed",
    "please upgrade my plan to premium", "the warranty claim form will not submit",
]  # fmt: skip
AGENT_ZH = ["已经为您加急处理，请耐心等待", "退款会在三到五个工作日到账", "已为您重新开具发票", "物流已经催促"]
AGENT_EN = [
    "I have escalated this for you", "your refund will arrive in three to five days", "a new invoice is on its way",
    "I have chased the courier for you",
]  # fmt: skip
STATUSES = [("new", 3), ("open", 5), ("pending", 2), ("solved", 30), ("closed", 60)]
PRIORITIES = [("urgent", 2), ("high", 10), ("normal", 70), ("low", 18)]
CHANNELS = ["email", "sms", "wechat", "webchat", "voice"]
QUEUES = ["general", "billing", "shipping", "returns", "accounts", "vip", "complaints", "tech"]
TAGS = [("vip", 5), ("refund", 10), ("complaint", 3)]
TIERS = [("general", 85), ("silver", 10), ("gold", 4), ("diamond", 1)]  # the product's tiers, the rarer the higher
SURNAMES, GIVEN = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗", "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞"
FIRST, LAST = ["James", "Mary", "John", "Linda", "David", "Emma", "Olivia", "Liam"], ["Smith", "Brown", "Taylor", "Lee"]
START = datetime(2025, 1, 1, tzinfo=UTC)
_WORDS = {s: index_words(s) for s in ZH + EN + AGENT_ZH + AGENT_EN}


def _pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


def _name(rng: random.Random, i: int) -> str:
    if i % 2:
        return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def _message(rng: random.Random, chinese: bool, agent: bool, n: int) -> tuple[str, str]:
    pool = (AGENT_ZH if chinese else AGENT_EN) if agent else (ZH if chinese else EN)
    parts = rng.sample(pool, 2 if rng.random() < 0.3 else 1)
    return "，".join(parts) + f" #{n}", " ".join(_WORDS[p] for p in parts) + f" {n}"


async def _batches(engine: AsyncEngine, statement: Any, rows: Iterator[dict[str, Any]], size: int = 5000) -> None:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            await _write(engine, statement, batch)
            batch = []
    if batch:
        await _write(engine, statement, batch)


async def _write(engine: AsyncEngine, statement: Any, batch: list[dict[str, Any]]) -> None:
    async with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            # The hub's engine leaves checkpoints to the running app's checkpointer, which a bulk load does not
            # run: without them the log grows to several times the database and every read goes through it.
            await conn.execute(text("PRAGMA wal_autocheckpoint=10000"))
        await conn.execute(statement, batch)


async def load(engine: AsyncEngine, tickets: int, per_ticket: int, seed: int = 7) -> dict[str, Any]:
    """Everything but the index rows; returns what index() needs and what the bench asks about."""
    rng = random.Random(seed)
    customers = max(1, tickets // 3)
    async with engine.begin() as conn:
        await conn.execute(text("DELETE FROM queues"))
        await conn.execute(
            insert(Queue), [{"id": i + 1, "name": q, "display_name": q.title()} for i, q in enumerate(QUEUES)]
        )
        await conn.execute(insert(Agent), [{"id": i, "email": f"agent{i}@bench.test", "display_name": f"agent {i}",
                                            "password_hash": "-", "role": "agent"} for i in range(1, 51)])  # fmt: skip
    names = [_name(rng, i) for i in range(customers)]
    await _batches(engine, insert(Customer), ({"id": i + 1, "display_name": names[i], "tier": _pick(rng, TIERS),
                                               "attributes": {}} for i in range(customers)))  # fmt: skip
    await _batches(engine, insert(Identity), ({"customer_id": i + 1, "kind": "phone" if i % 3 == 0 else "email",
                                               "value": f"+86138{i:08d}" if i % 3 == 0 else f"c{i}@example.com"}
                                              for i in range(customers)))  # fmt: skip
    span = timedelta(days=700) / tickets
    plan: list[tuple[int, int, bool, datetime]] = []  # (ticket, customer, chinese, opened)

    def ticket_rows_() -> Iterator[dict[str, Any]]:
        for t in range(1, tickets + 1):
            chinese, opened = t % 2 == 0, START + span * t
            status = _pick(rng, STATUSES)
            plan.append((t, rng.randrange(1, customers + 1), chinese, opened))
            tags = sorted({tag for tag, pct in TAGS if rng.randrange(100) < pct})
            yield {"id": t, "customer_id": plan[-1][1], "subject": (rng.choice(ZH) if chinese else rng.choice(EN)),
                   "status": status, "priority": _pick(rng, PRIORITIES), "channel": rng.choice(CHANNELS),
                   "queue_id": rng.randrange(1, len(QUEUES) + 1), "tags": tags, "requirements": {}, "assignment": {},
                   "assignee_id": None if status == "new" else rng.randrange(1, 51),
                   "last_message_at": opened + timedelta(minutes=rng.randrange(1, 3000)), "created_at": opened,
                   "updated_at": opened}  # fmt: skip

    await _batches(engine, insert(TICKETS), ticket_rows_())
    words: list[tuple[int, int, str]] = []  # (interaction id, ticket id, words), for the index

    def message_rows() -> Iterator[dict[str, Any]]:
        n = 0
        for t, customer, chinese, opened in plan:
            for k in range(rng.randrange(1, 2 * per_ticket)):
                n += 1
                agent = k % 2 == 1
                body, said = _message(rng, chinese, agent, n)
                words.append((n, t, said))
                yield {"id": n, "ticket_id": t, "customer_id": customer, "channel": "email", "text": body,
                       "direction": ("note" if rng.random() < 0.1 else "outbound") if agent else "inbound",
                       "attachments": [], "meta": {}, "created_at": opened + timedelta(minutes=k)}  # fmt: skip

    await _batches(engine, insert(INTERACTIONS), message_rows())
    return {"customers": customers, "names": names, "words": words, "messages": len(words)}


async def index(engine: AsyncEngine, data: dict[str, Any], sqlite: bool) -> None:
    """The index rows, in bulk: what inbound, replies and the customer listener write one at a time."""
    statement, _ = ticket_rows([], sqlite)
    async with engine.connect() as conn:
        subjects = (await conn.execute(text("SELECT id, subject FROM tickets"))).all()
    subject_rows = (
        {"id": -t, "ticket_id": t, "coach": None, "words": _WORDS.get(s) or index_words(s)} for t, s in subjects
    )
    await _batches(engine, statement, subject_rows)
    await _batches(
        engine, statement, ({"id": i, "ticket_id": t, "coach": None, "words": w} for i, t, w in data["words"])
    )
    _, insert_customer = customer_statements(sqlite)
    names = data["names"]

    def held(i: int) -> list[tuple[str, str]]:
        return [("phone", f"+86138{i:08d}") if i % 3 == 0 else ("email", f"c{i}@example.com")]

    people = ({"id": i + 1, "words": customer_words(names[i], held(i))} for i in range(len(names)))
    await _batches(engine, insert_customer, people)
