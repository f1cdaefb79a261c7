"""Customer search: Chinese names, pinyin, Latin names, e-mails, phones in any format, WeChat ids; erasure."""

from __future__ import annotations

from typing import Any

import aiohttp

from hub.db.engine import Database
from hub.db.models import Customer, Identity
from tests.conftest import Hub, make_token


async def found(hub: Hub, token: str, q: str) -> list[dict[str, Any]]:
    headers = {"Authorization": f"Bearer {token}"}
    async with (
        aiohttp.ClientSession(headers=headers) as http,
        http.get(hub.url + "/api/v1/customers", params={"q": q}) as r,
    ):
        body = await r.json()
    assert r.status == 200, body
    return list(body["customers"])


async def person(db: Database, name: str, *identities: tuple[str, str]) -> int:
    async with db.write() as uow:
        customer = Customer(display_name=name, tier="general", attributes={})
        uow.session.add(customer)
        await uow.session.flush()
        for kind, value in identities:
            uow.session.add(Identity(customer_id=customer.id, kind=kind, value=value))
        return customer.id


async def test_names_mails_phones_and_wechat_ids_are_found(hub: Hub, db: Database) -> None:
    token = await make_token(db, "agent")
    wang = await person(db, "王小明", ("phone", "+8613800138000"), ("wechat", "wxid_ming88"))
    li = await person(db, "Li Na", ("email", "li.na@example.com"))
    await person(db, "张伟", ("phone", "+14155550101"))
    for q in ("王小明", "小明", "xiaoming", "wangxiaoming", "wxm", "xiao", "wxid_ming88", "ming88"):
        assert [c["id"] for c in await found(hub, token, q)] == [wang], q
    for q in ("+86 138 0013 8000", "138-0013-8000", "(138) 0013 8000", "0086 13800138000", "1380013"):
        assert [c["id"] for c in await found(hub, token, q)] == [wang], q
    for q in ("li na", "Li", "li.na@example.com", "li.na@exa"):
        assert [c["id"] for c in await found(hub, token, q)] == [li], q
    hit = (await found(hub, token, "li.na"))[0]
    assert hit["rank"] > 0 and "<mark>" in hit["snippet"] and hit["identities"][0]["value"] == "li.na@example.com"
    assert await found(hub, token, "nobody here") == []


async def test_renames_and_new_identities_are_found_at_once(hub: Hub, db: Database) -> None:
    token = await make_token(db, "agent")
    customer_id = await person(db, "Old Name")
    async with db.write() as uow:
        customer = await uow.session.get_one(Customer, customer_id)
        customer.display_name = "陈静"
        uow.session.add(Identity(customer_id=customer_id, kind="email", value="chen.jing@example.cn"))
    assert await found(hub, token, "old name") == []
    assert [c["id"] for c in await found(hub, token, "chenjing")] == [customer_id]
    assert [c["id"] for c in await found(hub, token, "chen.jing@example.cn")] == [customer_id]


async def test_list_without_query_pages_newest_first_and_erased_are_not_found(hub: Hub, db: Database) -> None:
    token, supervisor = await make_token(db, "agent"), await make_token(db, "supervisor")
    ids = [await person(db, f"Person {n}", ("email", f"p{n}@example.com")) for n in range(5)]
    headers = {"Authorization": f"Bearer {token}"}
    seen: list[int] = []
    async with aiohttp.ClientSession(headers=headers) as http:
        cursor = ""
        while True:
            async with http.get(hub.url + f"/api/v1/customers?limit=2{cursor}") as r:
                body = await r.json()
            seen += [c["id"] for c in body["customers"]]
            if body["next_cursor"] is None:
                break
            cursor = f"&cursor={body['next_cursor']}"
    assert seen[:5] == sorted(ids, reverse=True)
    assert [c["id"] for c in await found(hub, token, "p3@example.com")] == [ids[3]]
    erase = hub.url + f"/api/v1/customers/{ids[3]}/erase"
    async with (
        aiohttp.ClientSession(headers={"Authorization": f"Bearer {supervisor}"}) as http,
        http.post(erase, json={}) as r,
    ):
        assert r.status == 200, await r.text()
    assert await found(hub, token, "p3@example.com") == []
    assert await found(hub, token, "person 3") == []
