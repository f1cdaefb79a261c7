"""Twilio's webhooks as Twilio sends them (every parameter of its messaging reference, WhatsApp senders, repeated
fields, a proxy in front), through the hub: what the agent sees and what Twilio gets back."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from ipaddress import ip_network
from typing import Any

import aiohttp
from multidict import MultiDict
from sqlalchemy import select
from twilio.request_validator import RequestValidator
from yarl import URL

from hub.app import create_app
from hub.channels.twilio.config import twilio_config
from hub.channels.twilio.sms_webhooks import TWILIO
from hub.db.engine import Database
from hub.db.models import Customer, HistoryEntry, Identity, Interaction, Ticket
from hub.settings import Settings
from tests.conftest import Hub, make_token
from tests.twilio_kit import (
    AUTH_TOKEN,
    CUSTOMER,
    SUPPORT,
    FakeTwilio,
    call_params,
    config,
    post_signed,
    sms_params,
    twiml,
)
from tests.waiting import until

MESSAGING_SERVICE = "MG" + "5" * 32
PUBLIC = "https://hub.example.com"


def full_sms(body: str, **extra: str) -> dict[str, str]:
    """Every parameter Twilio's messaging webhook carries for one inbound SMS (a Messaging Service's number)."""
    defaults = {"FromCity": "BEIJING", "FromState": "BEIJING", "MessagingServiceSid": MESSAGING_SERVICE}
    return {**sms_params(body), **defaults, **extra}


async def post_form(url: str, form: Any, headers: dict[str, str]) -> tuple[int, str]:
    async with aiohttp.ClientSession() as http, http.post(url, data=form, headers=headers) as r:
        return r.status, await r.text()


async def history(db: Database) -> list[str]:
    async with db.read() as s:
        return list(await s.scalars(select(HistoryEntry.kind).order_by(HistoryEntry.id)))


async def test_emoji_text_with_every_parameter_is_kept_as_sent(twilio_hub: Hub, db: Database) -> None:
    text = "收到了吗？👍🏽 Thanks 😀 — ça va"  # UCS-2 on the air: two segments
    status, answer = await post_signed(f"{twilio_hub.url}/webhooks/twilio/sms", full_sms(text, NumSegments="2"))
    assert status == 200 and len(twiml(answer)) == 0
    async with db.read() as s:
        row = await s.scalar(select(Interaction))
    assert row is not None and row.text == text
    assert row.meta["segments"] == "2" and row.meta["city"] == "BEIJING" and row.meta["from"] == CUSTOMER


async def test_mms_with_a_photo_and_a_vcard_keeps_both(twilio_hub: Hub, db: Database, fake_twilio: FakeTwilio) -> None:
    api_base = twilio_config(twilio_hub.settings).api_base
    # Twilio's media URLs end in the media's sid, without an extension.
    fake_twilio.media["ME1"] = (b"\xff\xd8\xff\xe0jpeg", "image/jpeg")
    fake_twilio.media["ME2"] = (b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Li Lei\r\nEND:VCARD\r\n", "text/vcard")
    params = full_sms("my card and the photo", NumMedia="2",
                      MediaUrl0=f"{api_base}/media/ME1", MediaContentType0="image/jpeg",
                      MediaUrl1=f"{api_base}/media/ME2", MediaContentType1="text/vcard")  # fmt: skip
    assert (await post_signed(f"{twilio_hub.url}/webhooks/twilio/sms", params))[0] == 200
    await twilio_hub.app[TWILIO].idle()
    async with db.read() as s:
        row = await s.scalar(select(Interaction))
    assert row is not None and row.text == "my card and the photo"
    assert [(a["filename"], a["content_type"]) for a in row.attachments] == [
        ("ME1.jpg", "image/jpeg"),
        ("ME2.vcf", "text/vcard"),
    ]


async def test_whatsapp_message_is_answered_on_whatsapp(twilio_hub: Hub, db: Database, fake_twilio: FakeTwilio) -> None:
    params = full_sms("WhatsApp 你好", From=f"whatsapp:{CUSTOMER}", To=f"whatsapp:{SUPPORT}")
    assert (await post_signed(f"{twilio_hub.url}/webhooks/twilio/sms", params))[0] == 200
    async with db.read() as s:
        identities = list(await s.scalars(select(Identity.value)))
        row = await s.scalar(select(Interaction))
    assert identities == [CUSTOMER] and row is not None and row.meta["via"] == "whatsapp"
    token = await make_token(db, "admin")
    async with (
        aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as http,
        http.post(f"{twilio_hub.url}/api/v1/tickets/{row.ticket_id}/replies", json={"text": "您好"}) as r,
    ):
        assert r.status == 201

    async def sent() -> bool:
        return bool(fake_twilio.sent)

    await until(sent, what="the reply at Twilio")
    [message] = fake_twilio.sent
    assert (message["To"], message["From"]) == (f"whatsapp:{CUSTOMER}", f"whatsapp:{SUPPORT}")
    # A day later WhatsApp takes templates only: Twilio refuses free text with 63016, said so to the agent.
    fake_twilio.refuse[f"whatsapp:{CUSTOMER}"] = (400, 63016, "Failed to send freeform message: outside window")
    async with (
        aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as http,
        http.post(f"{twilio_hub.url}/api/v1/tickets/{row.ticket_id}/replies", json={"text": "还在吗？"}) as r,
    ):
        late = (await r.json())["interaction"]["id"]

    async def refused() -> bool:
        async with db.read() as s:
            return (await s.get_one(Interaction, late)).delivery_status == "failed"

    await until(refused, what="the refusal recorded")
    async with db.read() as s:
        error = (await s.get_one(Interaction, late)).delivery_error
    assert error == "Twilio error 63016: outside the WhatsApp 24-hour window (only approved templates)"


async def test_a_repeated_parameter_is_signed_with_each_value(twilio_hub: Hub, db: Database) -> None:
    url = f"{twilio_hub.url}/webhooks/twilio/sms"
    form = MultiDict(full_sms("first value"))
    form.add("Body", "second value")
    signature = RequestValidator(AUTH_TOKEN).compute_signature(url, form)  # each value, as Twilio signs
    status, _ = await post_form(url, list(form.items()), {"X-Twilio-Signature": signature})
    assert status == 200
    only_last = RequestValidator(AUTH_TOKEN).compute_signature(url, {**form})
    form["MessageSid"] = form["SmsSid"] = form["SmsMessageSid"] = "SM" + "e" * 32
    assert (await post_form(url, list(form.items()), {"X-Twilio-Signature": only_last}))[0] == 403
    async with db.read() as s:
        assert list(await s.scalars(select(Interaction.text))) == ["second value"]


async def test_keyword_retries_change_consent_once(twilio_hub: Hub, db: Database) -> None:
    url = f"{twilio_hub.url}/webhooks/twilio/sms"
    stop, start = full_sms("STOP"), full_sms("START")
    for _ in range(3):  # Twilio's retries carry the same MessageSid
        assert (await post_signed(url, stop))[0] == 200
    assert await history(db) == ["consent.revoked"]
    assert (await post_signed(url, start))[0] == 200
    assert (await post_signed(url, full_sms("退订")))[0] == 200  # a new opt-out: recorded
    assert await history(db) == ["consent.revoked", "consent.granted", "consent.revoked"]
    async with db.read() as s:
        customer = await s.scalar(select(Customer))
        tickets = list(await s.scalars(select(Ticket)))
    assert customer is not None and customer.attributes["consent"]["sms.twilio"]["granted"] is False
    assert tickets == []
    status, text = await post_signed(url, full_sms("HELP"))
    assert status == 200 and twiml(text)[0].tag == "Message"


async def test_keywords_twilio_matched_for_the_messaging_service_count(twilio_hub: Hub, db: Database) -> None:
    url = f"{twilio_hub.url}/webhooks/twilio/sms"
    # Custom keywords of the Messaging Service's Advanced Opt-Out, in other languages: Twilio names the class.
    assert (await post_signed(url, full_sms("取消订阅", OptOutType="STOP")))[0] == 200
    assert await history(db) == ["consent.revoked"]
    assert (await post_signed(url, full_sms("ARRÊT", OptOutType="STOP")))[0] == 200
    assert (await post_signed(url, full_sms("重新订阅", OptOutType="START")))[0] == 200
    status, text = await post_signed(url, full_sms("帮助", OptOutType="HELP"))
    assert status == 200 and twiml(text)[0].tag == "Message"
    assert await history(db) == ["consent.revoked", "consent.revoked", "consent.granted", "ticket.created",
                                 "contact.inbound"]  # fmt: skip
    async with db.read() as s:
        customer = await s.scalar(select(Customer))
        assert list(await s.scalars(select(Interaction.text))) == ["帮助"]  # help is kept, and answered
    assert customer is not None and customer.attributes["consent"]["sms.twilio"]["granted"] is True


async def test_status_callbacks_as_twilio_sends_them(twilio_hub: Hub, db: Database, fake_twilio: FakeTwilio) -> None:
    await post_signed(f"{twilio_hub.url}/webhooks/twilio/sms", full_sms("hello"))
    token = await make_token(db, "admin")
    replies = []
    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"}) as http:
        for text in ("first", "second"):
            async with http.post(f"{twilio_hub.url}/api/v1/tickets/1/replies", json={"text": text}) as r:
                replies.append((await r.json())["interaction"]["id"])

    async def sent() -> bool:
        return len(fake_twilio.sent) == 2

    await until(sent, what="both replies at Twilio")
    for message, states in zip(fake_twilio.sent, (("queued", "sent", "delivered"), ("queued", "sent", "undelivered")),
                               strict=True):  # fmt: skip
        for state in states:
            params = {"MessageSid": message["sid"], "SmsSid": message["sid"], "MessageStatus": state,
                      "SmsStatus": state, "AccountSid": "AC" + "0" * 32, "From": SUPPORT, "To": CUSTOMER,
                      "ApiVersion": "2010-04-01", "MessagingServiceSid": MESSAGING_SERVICE}  # fmt: skip
            if state == "undelivered":
                params["ErrorCode"] = "30003"
            if state == "delivered":
                params["RawDlrDoneDate"] = "2612050510"
            assert (await post_signed(message["StatusCallback"], params))[0] == 204
    async with db.read() as s:
        rows = [await s.get_one(Interaction, i) for i in replies]
    assert [r.delivery_status for r in rows] == ["delivered", "failed"]
    assert rows[1].delivery_error == "Twilio error 30003: unreachable handset"


async def proxied_hub(settings: Settings, aiohttp_server: Callable[..., Any]) -> str:
    """A hub without HUB_PUBLIC_URL behind a proxy on this machine that forwards https://hub.example.com."""
    behind = dataclasses.replace(settings, public_url=None, trusted_proxies=(ip_network("127.0.0.1/32"),))
    app = create_app(behind.with_channel("twilio", config("http://127.0.0.1:9", "127.0.0.1:9")))
    return str((await aiohttp_server(app)).make_url("")).rstrip("/")


async def test_behind_a_trusted_proxy_the_forwarded_url_is_the_signed_one(
    settings: Settings, aiohttp_server: Callable[..., Any], db: Database
) -> None:
    hub_url = await proxied_hub(settings, aiohttp_server)
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "hub.example.com", "X-Forwarded-For": "54.172.60.1"}
    params = full_sms("behind a proxy")
    signature = RequestValidator(AUTH_TOKEN).compute_signature(f"{PUBLIC}/webhooks/twilio/sms", params)
    status, _ = await post_form(
        f"{hub_url}/webhooks/twilio/sms", params, {**forwarded, "X-Twilio-Signature": signature}
    )
    assert status == 200
    # The TwiML's callback URLs are the public ones too, so Twilio's next requests are signed over them.
    call = call_params("CA" + "7" * 32)
    signature = RequestValidator(AUTH_TOKEN).compute_signature(f"{PUBLIC}/webhooks/twilio/voice", call)
    status, text = await post_form(
        f"{hub_url}/webhooks/twilio/voice", call, {**forwarded, "X-Twilio-Signature": signature}
    )
    assert status == 200
    gather = twiml(text).find("Gather")
    assert gather is not None and gather.get("action") == f"{PUBLIC}/webhooks/twilio/voice/menu"


async def test_forwarded_headers_of_an_untrusted_peer_are_not_believed(
    settings: Settings, aiohttp_server: Callable[..., Any], db: Database
) -> None:
    app = create_app(dataclasses.replace(settings, public_url=None))  # no trusted proxies
    hub_url = str((await aiohttp_server(app)).make_url("")).rstrip("/")
    params = full_sms("forged through a made-up host")
    signature = RequestValidator(AUTH_TOKEN).compute_signature(f"{PUBLIC}/webhooks/twilio/sms", params)
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "hub.example.com", "X-Twilio-Signature": signature}
    assert (await post_form(f"{hub_url}/webhooks/twilio/sms", params, headers))[0] == 403
    async with db.read() as s:
        assert await s.scalar(select(Interaction)) is None


async def test_a_webhooks_rule_signing_with_a_shared_key(
    settings: Settings, aiohttp_server: Callable[..., Any], db: Database
) -> None:
    shared = dataclasses.replace(config("http://127.0.0.1:9", "127.0.0.1:9"), webhook_shared_key="sk-secret")
    app = create_app(dataclasses.replace(settings, public_url=PUBLIC).with_channel("twilio", shared))
    hub_url = str((await aiohttp_server(app)).make_url("")).rstrip("/")
    params = full_sms("signed by a Webhooks Rule")
    url = f"{PUBLIC}/webhooks/twilio/sms"
    signature = RequestValidator("sk-secret").compute_signature(url, params, "HMAC_SHA256")
    rule = {"X-Twilio-Webhooks-Signature-Settings": "key=webhooks_sharedkey_01,algorithm=HMAC_SHA256"}
    assert (await post_form(f"{hub_url}/webhooks/twilio/sms", params, {**rule, "X-Twilio-Signature": signature}))[
        0
    ] == 200
    # The Auth Token's signature under the rule's header, or the rule's signature without it: refused.
    by_token = RequestValidator(AUTH_TOKEN).compute_signature(url, params, "HMAC_SHA256")
    assert (await post_form(f"{hub_url}/webhooks/twilio/sms", params, {**rule, "X-Twilio-Signature": by_token}))[
        0
    ] == 403
    assert (await post_form(f"{hub_url}/webhooks/twilio/sms", params, {"X-Twilio-Signature": signature}))[0] == 403
    async with db.read() as s:
        assert list(await s.scalars(select(Interaction.text))) == ["signed by a Webhooks Rule"]


async def test_a_webhook_url_with_escapes_in_its_query_is_checked_as_twilio_signed_it(
    twilio_hub: Hub, db: Database
) -> None:
    # The URL as configured in Twilio's console (and so as requested and signed): escapes stay escapes.
    url = f"{twilio_hub.url}/webhooks/twilio/sms?team=%E5%94%AE%E5%90%8E&note=a+b%2Fc&t=%7Euser"
    decoded = f"{twilio_hub.url}/webhooks/twilio/sms?team=售后&note=a b/c&t=~user"
    for body, signed, expected in (("售后问题", url, 200), ("signed over another URL", decoded, 403)):
        params = full_sms(body)
        signature = RequestValidator(AUTH_TOKEN).compute_signature(signed, params)
        async with (
            aiohttp.ClientSession() as http,
            http.post(URL(url, encoded=True), data=params, headers={"X-Twilio-Signature": signature}) as r,
        ):
            assert r.status == expected
    async with db.read() as s:
        assert list(await s.scalars(select(Interaction.text))) == ["售后问题"]
