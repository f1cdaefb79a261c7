"""Who an imported row is: shared landlines and switchboards stay two people; channel ids recognise customers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from sqlalchemy import select

from hub import keys
from hub.customers.evidence import THRESHOLD
from hub.db.engine import Database
from hub.db.models import Customer, Identity, Interaction
from hub.envelopes import IdentityRef, InboundEnvelope
from tests.conftest import Hub, make_token
from tests.console_kit import console
from tests.wechat_kit import MAIN, OPENID, FakeWeChat, plain_push, text_xml

FIXTURES = Path(__file__).parent / "fixtures"


async def upload(hub: Hub, token: str, data: bytes) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "text/csv"}
    async with (
        aiohttp.ClientSession(headers=headers) as http,
        http.post(hub.url + "/api/v1/customers/import", data=data) as r,
    ):
        assert r.status == 200, await r.text()
        report: dict[str, Any] = await r.json()
        return report


async def by_name(db: Database) -> dict[str, list[Customer]]:
    async with db.read() as s:
        found: dict[str, list[Customer]] = {}
        for customer in await s.scalars(select(Customer).order_by(Customer.id)):
            found.setdefault(customer.display_name, []).append(customer)
        return found


async def owner_of(db: Database, kind: str, value: str) -> int | None:
    async with db.read() as s:
        return await s.scalar(select(Identity.customer_id).where(Identity.kind == kind, Identity.value == value))


async def sms(hub: Hub, number: str, text: str) -> int:
    envelope = InboundEnvelope(channel="sms.twilio", external_id=f"SM{abs(hash((number, text)))}",
                               sender=IdentityRef("phone", number), text=text)  # fmt: skip
    return (await hub.app[keys.INGESTOR].ingest(envelope)).ticket.customer_id


async def test_people_sharing_a_landline_or_a_switchboard_are_kept_apart(hub: Hub, db: Database) -> None:
    token = await make_token(db, "supervisor")
    report = await upload(hub, token, (FIXTURES / "shared_landlines.csv").read_bytes())
    assert report["imported"] == 5 and report["refused"] == 0
    people = await by_name(db)
    zhang, li = people["张伟"][0], people["李娜"][0]
    tom, ann, zhang_work = people["Tom Baker"][0], people["Ann Lee"][0], people["Zhang Wei"][0]
    # The number is the first person's identity (a call or text from it is theirs); the others keep it as an
    # unverified contact, with their own extension behind the switchboard.
    assert await owner_of(db, "phone", "+862161234500") == zhang.id
    assert await owner_of(db, "phone", "+14155550100") == tom.id and tom.attributes["phone_extensions"] == {
        "+14155550100": "12"
    }
    assert li.attributes["shared_phones"] == [
        {"number": "+862161234500", "extension": None, "shared_with": zhang.id, "verified": False}
    ]
    assert ann.attributes["shared_phones"][0]["extension"] == "34"
    possible = {d["line"]: d for d in report["possible_duplicates"]}
    assert set(possible) == {3, 5, 7}
    assert possible[3]["other_customer_id"] == zhang.id and possible[3]["by"] == "phone +862161234500"
    assert any("same phone +862161234500" in e for e in possible[3]["evidence"])
    # The same name in pinyin with another e-mail address: still two records, but a strong suggestion.
    assert possible[7]["customer_id"] == zhang_work.id and possible[7]["score"] >= 85
    assert any("in pinyin" in e for e in possible[7]["evidence"])
    # 张伟 listed again with the same number and no other address is the same person, not a third record.
    assert len(people["张伟"]) == 1
    assert [(d["line"], d["same_as_line"]) for d in report["duplicates"]] == [(6, 2)]
    # The duplicate suggestions find the pair again later, from either side: below the threshold (a shared
    # landline or switchboard with other names is weak evidence), shown when asked for look-alikes.
    headers = {"Authorization": f"Bearer {token}"}
    async with aiohttp.ClientSession(headers=headers) as http:
        for me, other in ((li.id, zhang.id), (zhang.id, li.id), (ann.id, tom.id)):
            async with http.get(f"{hub.url}/api/v1/customers/{me}/duplicates?min_score=0") as r:
                found = {d["customer_id"]: d for d in (await r.json())["duplicates"]}
            assert other in found and any("same phone" in e for e in found[other]["evidence"])
            assert found[other]["score"] < THRESHOLD
    assert await sms(hub, "+86 21 6123 4500", "我家座机 / our landline") == zhang.id
    # The agent sees the shared number on Ann's ticket as hers but unverified, with her extension.
    mail = InboundEnvelope(channel="email", external_id="<ann-1@acme.example>", text="Invoice for March?",
                           sender=IdentityRef("email", "ann.lee@acme.example"))  # fmt: skip
    ticket = (await hub.app[keys.INGESTOR].ingest(mail)).ticket.id
    async with console(hub, db, "desk@example.test") as desk:
        status, seen = await desk.api("GET", f"/api/v1/console/tickets/{ticket}")  # what the workspace draws
    shared = [(p["number"], p.get("extension")) for p in seen["customer"]["shared_phones"]]
    assert status == 200 and ("+14155550100", "34") in shared
    # Zhang Wei of the work address turns out to be 张伟: merged, the number is simply his own again.
    async with aiohttp.ClientSession(headers=headers) as http:
        async with http.post(f"{hub.url}/api/v1/customers/{zhang_work.id}/merge", json={"into": zhang.id}) as r:
            assert r.status == 200
        async with http.get(f"{hub.url}/api/v1/customers/{zhang.id}") as r:
            merged = (await r.json())["customer"]
    assert "shared_phones" not in merged["attributes"]
    assert {i["value"] for i in merged["identities"]} >= {"zhangwei@work.example", "zhang.wei@example.cn"}


async def test_a_record_known_only_by_its_number_gets_the_imported_name(hub: Hub, db: Database) -> None:
    texted = await sms(hub, "+8613800138000", "在吗？订单 1234 还没到")
    token = await make_token(db, "supervisor")
    report = await upload(hub, token, "name,email,phone\n王小明,wang.xm@example.cn,138 0013 8000\n".encode())
    assert report["file"]["encoding"] == "utf-8"
    # The row names no country, so its national number is refused; the e-mail makes it a new customer.
    assert report["imported"] == 1 and [e["field"] for e in report["errors"]] == ["phone"]
    report = await upload(hub, token, "name,email,phone\n王小明,wang.xm2@example.cn,+86 138 0013 8000\n".encode())
    assert report["imported"] == 0 and report["updated"] == 1
    assert report["duplicates"][0]["customer_id"] == texted
    assert report["duplicates"][0]["added"] == ["email wang.xm2@example.cn"]
    async with db.read() as s:
        assert (await s.get_one(Customer, texted)).display_name == "王小明"


@pytest.fixture
def fake() -> FakeWeChat:
    return FakeWeChat()


@pytest.fixture
async def wechat_api_base(fake: FakeWeChat, aiohttp_server: Callable[..., Any]) -> str:
    server: TestServer = await aiohttp_server(fake.app())
    return str(server.make_url("")).rstrip("/")


async def push(hub: Hub, xml: str) -> int:
    query, body = plain_push(xml)
    url = f"{hub.url}/webhooks/wechat/main?{query}"
    async with aiohttp.ClientSession() as http, http.post(url, data=body, headers={"Content-Type": "text/xml"}) as r:
        assert r.status == 200, await r.text()
        return r.status


async def customer_of_text(db: Database, text: str) -> int | None:
    async with db.read() as s:
        return await s.scalar(select(Interaction.customer_id).where(Interaction.text == text))


async def test_imported_channel_ids_recognise_the_customer_on_their_first_message(hub: Hub, db: Database) -> None:
    token = await make_token(db, "supervisor")
    report = await upload(hub, token, (FIXTURES / "channel_ids.csv").read_bytes())
    assert report["imported"] == 5 and report["refused"] == 1
    [lost] = report["errors"]
    assert lost["field"] == "wechat_account" and "nosuch" in lost["error"] and lost["refused"]
    people = await by_name(db)
    wang, li, han, visitor = (people[n][0].id for n in ("王芳", "李雷", "韩梅梅", "Chat Visitor"))
    assert await owner_of(db, "wechat", f"{MAIN.appid}:{OPENID}") == wang
    # A website's own user id (what a signed chat widget vouches for) is scoped by widget, "default" when unnamed.
    assert await owner_of(db, "site_user", "default:12345") == people["Shop Member"][0].id

    # A signed push from the imported openid lands on the imported customer.
    await push(hub, text_xml("你好，我的会员积分怎么查？", openid=OPENID))
    assert await customer_of_text(db, "你好，我的会员积分怎么查？") == wang
    await push(hub, text_xml("发票抬头写错了", openid="oLiLei_1234567890abcdef"))
    assert await customer_of_text(db, "发票抬头写错了") == li
    # Only her unionid was known: her first message from this account joins her, and the openid with it.
    union = "<UnionId><![CDATA[oUNION_hanmeimei_000001]]></UnionId>"
    await push(hub, text_xml("换货怎么办理", openid="oHanMeimei_newaccount01", extra=union))
    assert await customer_of_text(db, "换货怎么办理") == han
    assert await owner_of(db, "wechat", f"{MAIN.appid}:oHanMeimei_newaccount01") == han
    # The web chat visitor id is the key the hub stores for a visitor's token.
    key = "b00274cdf60911f3c25a1ee768a844f438879b61a4dd1ffb71e4548bf814f868"  # sha256 of its token
    chat = InboundEnvelope(channel="webchat", external_id="b00274cd:1", text="hello again",
                           sender=IdentityRef("webchat", key))  # fmt: skip
    assert (await hub.app[keys.INGESTOR].ingest(chat)).ticket.customer_id == visitor
