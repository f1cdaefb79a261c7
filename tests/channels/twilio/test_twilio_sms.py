"""Twilio SMS end to end: signed webhooks in, forged ones refused, replies to a fake Twilio API, receipts, consent."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest
from sqlalchemy import func, select

from hub import keys
from hub.channels.twilio.config import TwilioConfigError, parse_twilio, twilio_config
from hub.channels.twilio.sms import keyword
from hub.channels.twilio.sms_webhooks import TWILIO
from hub.db.engine import Database
from hub.db.models import Customer, HistoryEntry, Interaction, OutboxItem, Ticket
from tests.conftest import Hub, make_token
from tests.twilio_kit import BILLING, CUSTOMER, SUPPORT, FakeTwilio, post_signed, sms_params, twiml
from tests.waiting import until


async def count(db: Database, model: Any) -> int:
    async with db.read() as s:
        return int(await s.scalar(select(func.count()).select_from(model)) or 0)


async def api(hub: Hub, method: str, path: str, token: str, body: Any = None) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}"}
    async with aiohttp.ClientSession(headers=headers) as http, http.request(method, hub.url + path, json=body) as r:
        return r.status, await r.json() if r.content_type == "application/json" else await r.text()


async def test_signed_sms_is_a_ticket_forged_leaves_no_trace_retry_stored_once(twilio_hub: Hub, db: Database,
                                                                                admin_token: str) -> None:  # fmt: skip
    url = f"{twilio_hub.url}/webhooks/twilio/sms"
    forged = sms_params("我的订单还没到 where is my order?")
    assert (await post_signed(url, forged, token="not-our-token"))[0] == 403
    assert (await post_signed(url, forged, sign=False))[0] == 403
    for model in (Customer, Ticket, Interaction, HistoryEntry):
        assert await count(db, model) == 0
    body = sms_params("我的订单还没到 where is my order?", message_sid="SM" + "a" * 32)
    status, text = await post_signed(url, body)
    assert status == 200 and len(twiml(text)) == 0  # empty TwiML: no automatic answer
    assert (await post_signed(url, body))[0] == 200  # Twilio retries: same MessageSid
    async with db.read() as s:
        rows = list(await s.scalars(select(Interaction).where(Interaction.external_id == "SM" + "a" * 32)))
    assert len(rows) == 1
    status, detail = await api(twilio_hub, "GET", f"/api/v1/tickets/{rows[0].ticket_id}", admin_token)
    assert detail["ticket"]["channel"] == "sms.twilio" and detail["ticket"]["queue"] == "general"
    assert detail["interactions"][0]["text"] == "我的订单还没到 where is my order?"
    assert detail["identities"] == [{"kind": "phone", "value": CUSTOMER}]
    assert detail["interactions"][0]["meta"]["to"] == SUPPORT


async def test_forged_request_stores_nothing(twilio_hub: Hub, db: Database) -> None:
    url = f"{twilio_hub.url}/webhooks/twilio/sms"
    params = sms_params("hello")
    assert (await post_signed(url, params, token="wrong"))[0] == 403
    assert (await post_signed(url, params, signed_url=url + "?x=1"))[0] == 403  # signed for another URL
    for model in (Customer, Ticket, Interaction, HistoryEntry):
        assert await count(db, model) == 0
    missing = {k: v for k, v in sms_params("no sender").items() if k != "From"}
    status, text = await post_signed(url, missing)
    assert status == 400 and "From" in text
    assert await count(db, Interaction) == 0


async def test_number_maps_to_queue_and_unknown_number_keeps_the_message(twilio_hub: Hub, db: Database) -> None:
    url = f"{twilio_hub.url}/webhooks/twilio/sms"
    assert (await post_signed(url, sms_params("invoice question", to=BILLING)))[0] == 200
    assert (await post_signed(url, sms_params("to nowhere", to="+15550007777", sender="+1 (415) 555-0100")))[0] == 200
    async with db.read() as s:
        rows = {i.text: i for i in await s.scalars(select(Interaction))}
        billing = await s.get_one(Ticket, rows["invoice question"].ticket_id)
        other = await s.get_one(Ticket, rows["to nowhere"].ticket_id)
    assert billing.requirements.get("entry") == f"sms:{BILLING}"
    assert rows["to nowhere"].meta["warning"].startswith("sent to +15550007777")
    assert rows["to nowhere"].meta["from"] == "+14155550100"  # E.164 whatever the formatting
    assert billing.queue_id != other.queue_id


async def test_reply_reaches_twilio_and_callbacks_in_any_order_show_delivered(
    twilio_hub: Hub, db: Database, fake_twilio: FakeTwilio, admin_token: str
) -> None:
    url = f"{twilio_hub.url}/webhooks/twilio/sms"
    assert (await post_signed(url, sms_params("请问发票怎么开？", to=BILLING)))[0] == 200
    async with db.read() as s:
        ticket_id = await s.scalar(select(Ticket.id))
    status, reply = await api(twilio_hub, "POST", f"/api/v1/tickets/{ticket_id}/replies", admin_token,
                              {"text": "您好，发票会在24小时内发到您的邮箱。"})  # fmt: skip
    assert status == 201

    async def sent() -> bool:
        return bool(fake_twilio.sent)

    await until(sent)
    [message] = fake_twilio.sent
    assert message["To"] == CUSTOMER and message["From"] == BILLING  # from the number the customer wrote to
    assert message["Body"] == "您好，发票会在24小时内发到您的邮箱。"
    interaction_id = reply["interaction"]["id"]
    callback = message["StatusCallback"]
    assert callback == f"{twilio_hub.url}/webhooks/twilio/status?interaction={interaction_id}"
    base = {"MessageSid": message["sid"], "AccountSid": "AC", "From": BILLING, "To": CUSTOMER}
    # Out of order: delivered arrives before sent (and before "queued").
    for state in ("delivered", "sent", "queued"):
        assert (await post_signed(callback, {**base, "MessageStatus": state}))[0] == 204
    async with db.read() as s:
        row = await s.get_one(Interaction, interaction_id)
    assert row.delivery_status == "delivered" and row.external_id == message["sid"]
    assert row.meta["provider_states"] == ["delivered", "sent", "queued"]
    _, detail = await api(twilio_hub, "GET", f"/api/v1/tickets/{ticket_id}", admin_token)
    assert [i["delivery_status"] for i in detail["interactions"]] == [None, "delivered"]
    forged = {**base, "MessageStatus": "failed"}
    assert (await post_signed(callback, forged, token="wrong"))[0] == 403


async def test_undelivered_with_error_code_and_unsubscribed_recipient(
    twilio_hub: Hub, db: Database, fake_twilio: FakeTwilio, admin_token: str
) -> None:
    url = f"{twilio_hub.url}/webhooks/twilio/sms"
    await post_signed(url, sms_params("hi"))
    async with db.read() as s:
        ticket_id = await s.scalar(select(Ticket.id))
    _, reply = await api(twilio_hub, "POST", f"/api/v1/tickets/{ticket_id}/replies", admin_token, {"text": "Hello!"})

    async def sent() -> bool:
        return bool(fake_twilio.sent)

    await until(sent)
    callback = fake_twilio.sent[0]["StatusCallback"]
    params = {
        "MessageSid": fake_twilio.sent[0]["sid"],
        "MessageStatus": "undelivered",
        "ErrorCode": "30003",
        "To": CUSTOMER,
    }
    assert (await post_signed(callback, params))[0] == 204
    async with db.read() as s:
        row = await s.get_one(Interaction, reply["interaction"]["id"])
    assert row.delivery_status == "failed" and row.delivery_error == "Twilio error 30003: unreachable handset"
    # Twilio refusing a send because the customer opted out: a permanent failure, and consent recorded.
    fake_twilio.refuse[CUSTOMER] = (400, 21610, "Attempt to send to unsubscribed recipient")
    _, second = await api(twilio_hub, "POST", f"/api/v1/tickets/{ticket_id}/replies", admin_token, {"text": "Again"})

    async def failed() -> bool:
        async with db.read() as s:
            return (await s.get_one(Interaction, second["interaction"]["id"])).delivery_status == "failed"

    await until(failed)
    async with db.read() as s:
        row = await s.get_one(Interaction, second["interaction"]["id"])
        item = await s.scalar(select(OutboxItem).where(OutboxItem.interaction_id == row.id))
    assert "21610" in (row.delivery_error or "") and item is not None and item.attempts == 1


async def test_stop_opts_out_and_replies_are_refused_until_start(twilio_hub: Hub, db: Database) -> None:
    url = f"{twilio_hub.url}/webhooks/twilio/sms"
    await post_signed(url, sms_params("need help with my bill"))
    async with db.read() as s:
        ticket_id = await s.scalar(select(Ticket.id))
    for word in ("STOP", "退订"):
        status, text = await post_signed(url, sms_params(word))
        assert status == 200 and len(twiml(text)) == 0
    assert await count(db, Ticket) == 1  # opting out is no question for an agent
    async with db.read() as s:
        customer = await s.scalar(select(Customer))
        kinds = list(await s.scalars(select(HistoryEntry.kind).order_by(HistoryEntry.id)))
    assert customer is not None and customer.attributes["consent"]["sms.twilio"]["granted"] is False
    assert kinds.count("consent.revoked") == 2
    admin = await make_token(db, "admin")
    status, body = await api(twilio_hub, "POST", f"/api/v1/tickets/{ticket_id}/replies", admin, {"text": "Hi"})
    assert status == 422 and "opted out" in str(body)
    await post_signed(url, sms_params("START"))
    status, _ = await api(twilio_hub, "POST", f"/api/v1/tickets/{ticket_id}/replies", admin, {"text": "Hi"})
    assert status == 201


async def test_help_keyword_is_answered_and_kept(twilio_hub: Hub, db: Database) -> None:
    status, text = await post_signed(f"{twilio_hub.url}/webhooks/twilio/sms", sms_params("help"))
    root = twiml(text)
    assert status == 200 and root[0].tag == "Message" and "STOP to opt out" in (root[0].text or "")
    assert await count(db, Interaction) == 1


async def test_mms_media_fetched_only_from_allowed_hosts_within_limits(twilio_hub: Hub, db: Database) -> None:
    api_base = twilio_config(twilio_hub.settings).api_base
    media = {
        "NumMedia": "4",
        "MediaUrl0": f"{api_base}/media/photo.jpg", "MediaContentType0": "image/jpeg",
        "MediaUrl1": "http://169.254.169.254/latest/meta-data/", "MediaContentType1": "text/plain",
        "MediaUrl2": f"{api_base}/huge", "MediaContentType2": "image/png",
        "MediaUrl3": f"{api_base}/redirect/x.jpg", "MediaContentType3": "image/jpeg",
    }  # fmt: skip
    status, _ = await post_signed(f"{twilio_hub.url}/webhooks/twilio/sms", sms_params("", **media))
    assert status == 200
    await twilio_hub.app[TWILIO].idle()
    async with db.read() as s:
        row = await s.scalar(select(Interaction))
    assert row is not None and row.text.startswith("[彩信 MMS: 4 attachments")
    assert [a["content_type"] for a in row.attachments] == ["image/jpeg"]
    [warning] = row.meta["warnings"]
    assert "media host not allowed: 169.254.169.254" in warning
    assert "over the 65536-byte limit" in warning
    assert "media host not allowed: localhost:9" in warning  # a redirect off the list is not followed
    files = twilio_hub.app[keys.ATTACHMENTS]
    assert await files.get(row.attachments[0]["storage_key"]) == b"\xff\xd8\xff\xe0jpeg-bytes"


def test_keywords_and_config_errors() -> None:
    assert keyword(" Stop ") == "opt_out" and keyword("ＳＴＯＰ！") == "opt_out" and keyword("退订") == "opt_out"
    assert keyword("start") == "opt_in" and keyword("HELP") == "help"
    assert keyword("please stop calling me") is None
    with pytest.raises(TwilioConfigError, match=r"E\.164"):
        parse_twilio({"numbers": {"555-CALL-NOW": {"queue": "general"}}})
    with pytest.raises(TwilioConfigError, match="media_hosts"):
        parse_twilio({"media_hosts": ["https://api.twilio.com/path"]})
    cfg = parse_twilio({"account_sid": "AC1", "auth_token": "t", "numbers": {"+1 555 000 1111": {"queue": "vip"}}})
    assert cfg.enabled and cfg.number("+15550001111") is not None and cfg.number("+1 (555) 000-1111") is not None
