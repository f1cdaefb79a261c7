"""One customer per person: merge across channels, exact unmerge, duplicate suggestions with evidence."""

from __future__ import annotations

from typing import Any

import aiohttp
from sqlalchemy import select

from hub import keys
from hub.db.engine import Database
from hub.db.models import AuditEntry, Customer, HistoryEntry, Identity, Interaction, Ticket
from hub.envelopes import IdentityRef, InboundEnvelope
from tests.conftest import Hub


async def contact(hub: Hub, channel: str, kind: str, value: str, text: str, name: str | None = None) -> int:
    envelope = InboundEnvelope(
        channel=channel, external_id=f"{channel}:{value}:{text}", sender=IdentityRef(kind, value), text=text,
        sender_name=name,
    )  # fmt: skip
    return (await hub.app[keys.INGESTOR].ingest(envelope)).ticket.customer_id


async def state(db: Database, customer_id: int) -> dict[str, Any]:
    """Everything a merge may touch, for one customer."""
    async with db.read() as s:
        customer = await s.get_one(Customer, customer_id)
        rows = {}
        for name, model in (("identities", Identity), ("tickets", Ticket), ("interactions", Interaction),
                            ("history", HistoryEntry)):  # fmt: skip
            rows[name] = sorted(await s.scalars(select(model.id).where(model.customer_id == customer_id)))
        return {"name": customer.display_name, "tier": customer.tier, "attributes": customer.attributes,
                "merged_into": customer.merged_into_id, **rows}  # fmt: skip


async def call(hub: Hub, token: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}"}
    async with aiohttp.ClientSession(headers=headers) as http, http.request(method, hub.url + path, json=body) as r:
        body = await r.json()
        return r.status, body["error"]["message"] if r.status >= 400 else body


async def test_email_sms_wechat_become_one_timeline_and_unmerge_restores_exactly(
    hub: Hub, db: Database, admin_token: str
) -> None:
    mail = await contact(hub, "email", "email", "li.na@example.cn", "发票问题 invoice question", "李娜")
    sms = await contact(hub, "sms.twilio", "phone", "+8613900139000", "我发了邮件，请查收")
    wechat = await contact(hub, "wechat", "wechat", "wx1:oLiNa", "微信上再问一次")
    async with db.write() as uow:  # the SMS customer had told us something the e-mail one had not
        row = await uow.session.get_one(Customer, sms)
        row.attributes, row.tier = {"consent": {"sms.twilio": {"granted": True}}}, "gold"
    before = {c: await state(db, c) for c in (mail, sms, wechat)}
    status, first = await call(hub, admin_token, "POST", f"/api/v1/customers/{sms}/merge", {"into": mail})
    assert status == 200 and first["merge"]["moved"]["interactions"] == 1
    status, second = await call(hub, admin_token, "POST", f"/api/v1/customers/{wechat}/merge", {"into": mail})
    assert status == 200
    _, view = await call(hub, admin_token, "GET", f"/api/v1/customers/{mail}")
    inbound = [h for h in view["history"] if h["kind"] == "contact.inbound"]
    assert {h["channel"] for h in inbound} == {"email", "sms.twilio", "wechat"}
    assert {i["kind"] for i in view["customer"]["identities"]} == {"email", "phone", "wechat"}
    assert view["customer"]["attributes"]["consent"]["sms.twilio"]["granted"] is True
    # A new message on the merged-away number now lands on the one customer.
    assert await contact(hub, "sms.twilio", "phone", "+8613900139000", "still there?") == mail
    # Unmerge in reverse order: each restores what it moved and both profiles as they were.
    status, _ = await call(hub, admin_token, "POST", f"/api/v1/customers/merges/{first['merge']['id']}/undo")
    assert status == 200  # the SMS merge first: the WeChat merge does not depend on it
    status, _ = await call(hub, admin_token, "POST", f"/api/v1/customers/merges/{second['merge']['id']}/undo")
    assert status == 200
    after = {c: await state(db, c) for c in (mail, sms, wechat)}
    assert after[wechat] == before[wechat] and after[sms]["identities"] == before[sms]["identities"]
    assert after[sms]["interactions"] == before[sms]["interactions"] and after[sms]["tier"] == "gold"
    # What arrived while merged stays where it arrived (on the customer it was written to then).
    assert len(after[mail]["interactions"]) == len(before[mail]["interactions"]) + 1
    async with db.read() as s:
        actions = list(await s.scalars(select(AuditEntry.action).where(AuditEntry.action.like("customer.%"))))
    assert actions.count("customer.merged") == 2 and actions.count("customer.unmerged") == 2


async def test_merge_errors_are_clear(hub: Hub, db: Database, admin_token: str) -> None:
    a = await contact(hub, "email", "email", "a@example.com", "one")
    b = await contact(hub, "email", "email", "b@example.com", "two")
    c = await contact(hub, "email", "email", "c@example.com", "three")
    status, body = await call(hub, admin_token, "POST", f"/api/v1/customers/{a}/merge", {"into": a})
    assert status == 422 and "itself" in body
    _, done = await call(hub, admin_token, "POST", f"/api/v1/customers/{a}/merge", {"into": b})
    status, body = await call(hub, admin_token, "POST", f"/api/v1/customers/{a}/merge", {"into": c})
    assert status == 409 and f"merged into customer {b}" in body
    status, body = await call(hub, admin_token, "POST", f"/api/v1/customers/{c}/merge", {"into": a})
    assert status == 409 and "the target" in body
    _, onward = await call(hub, admin_token, "POST", f"/api/v1/customers/{b}/merge", {"into": c})
    status, body = await call(hub, admin_token, "POST", f"/api/v1/customers/merges/{done['merge']['id']}/undo")
    assert status == 409 and "undo that first" in body
    for merge_id in (onward["merge"]["id"], done["merge"]["id"]):
        assert (await call(hub, admin_token, "POST", f"/api/v1/customers/merges/{merge_id}/undo"))[0] == 200
    assert (await call(hub, admin_token, "POST", f"/api/v1/customers/merges/{merge_id}/undo"))[0] == 409
    assert (await call(hub, admin_token, "POST", "/api/v1/customers/99999/merge", {"into": a}))[0] == 404


async def test_duplicates_rank_true_ones_first_with_evidence(hub: Hub, db: Database, admin_token: str) -> None:
    me = await contact(hub, "email", "email", "Xiao.Ming.Wang@gmail.com", "hello", "王小明")
    same_mail = await contact(hub, "email", "email", "xiaomingwang+shop@gmail.com", "again", "Wang Xiaoming")
    # The handset's last eight digits under another country code: weak, a look-alike rather than a duplicate.
    same_phone = await contact(hub, "sms.twilio", "phone", "+1 650 013 8000", "sms", "Xiaoming Wang")
    async with db.write() as uow:  # the first customer also gave their number
        uow.session.add(Identity(customer_id=me, kind="phone", value="+8613800138000"))
    await contact(hub, "email", "email", "wxm@other.cn", "homophone", "王晓明")  # same pinyin, nothing else
    await contact(hub, "email", "email", "li.na@example.cn", "unrelated", "李娜")
    await contact(hub, "webchat", "webchat", "visitor-1", "anonymous")  # placeholder names never match
    async with db.write() as uow:
        from hub.customers.duplicates import reindex

        await reindex(uow.session, [me])
    status, body = await call(hub, admin_token, "GET", f"/api/v1/customers/{me}/duplicates?min_score=1")
    assert status == 200
    found = body["duplicates"]
    assert found[0]["customer_id"] == same_mail and found[0]["score"] >= 85 and found[0]["basis"] == "strong"
    assert [d["customer_id"] for d in found if d["score"] >= body["threshold"]] == [same_mail]
    _, suggested = await call(hub, admin_token, "GET", f"/api/v1/customers/{me}/duplicates")
    assert [d["customer_id"] for d in suggested["duplicates"]] == [same_mail]  # by default: the likely ones
    evidence = {d["customer_id"]: " ".join(d["evidence"]) for d in found}
    assert "same e-mail" in evidence[same_mail] and "in pinyin" in evidence[same_mail]
    assert "phones end alike (+8613800138000 / +16500138000)" in evidence[same_phone]
    homophone = [d for d in found if d["name"] == "王晓明"]
    assert homophone and homophone[0]["score"] <= 60  # a name alone is never enough
    assert all(d["name"] not in ("李娜", "webchat visitor") for d in found)
