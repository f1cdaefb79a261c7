"""Callers without a number: withheld, Twilio's keypad placeholders, empty, Voice SDK clients and SIP addresses."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import select

from hub.channels.twilio.config import TwilioNumber
from hub.channels.twilio.ivr import load_ivr
from hub.channels.twilio.senders import caller_of, texter_of
from hub.channels.twilio.voice import CallContact, VoiceChannel
from hub.db.engine import Database
from hub.db.models import Customer, Identity, VoiceCall
from hub.settings import PROJECT_ROOT
from hub.tickets.calls import Call
from tests.channels.twilio.test_twilio_voice import action_of, call_ticket, say, spoken, voice_agent
from tests.conftest import Hub, make_agent, make_session
from tests.twilio_kit import AGENT_PHONE, CUSTOMER, SUPPORT, call_params, post_signed, sid, sms_params, twiml
from tests.waiting import until

# What Twilio and the carriers behind it send in From when the caller hides their number.
WITHHELD = ["anonymous", "Anonymous", "ANONYMOUS", "restricted", "Restricted", "blocked", "unknown", "Unavailable",
            "Private Number", "+266696687", "+7378742833", "+86282452253", "+8656696", "+2562533", "266696687",
            "", "0000000000", "client:Anonymous", "sip:anonymous@anonymous.invalid",
            "sip:+266696687@hub.sip.twilio.com", "<unavailable>", "+1 (000)"]  # fmt: skip
VOICE_FIXTURES = Path(__file__).parent / "fixtures" / "voice"


@pytest.mark.parametrize("raw", WITHHELD)
def test_withheld_caller_ids_are_strangers_of_their_own(raw: str) -> None:
    who = caller_of(raw, "CA123", SUPPORT)
    assert who.withheld and not who.callable and who.identity.kind == "call" and who.identity.value == "CA123"


@pytest.mark.parametrize(
    ("raw", "kind", "value"),
    [
        (CUSTOMER, "phone", CUSTOMER),
        ("+86 138-0013-8000", "phone", CUSTOMER),
        ("client:alice", "twilio.client", "alice"),
        ("client:客服-张伟", "twilio.client", "客服-张伟"),
        ("sip:alice@PBX.Example.com;transport=tls", "sip", "alice@pbx.example.com"),
        ("sips:+8613800138000@trunk.example.cn", "phone", CUSTOMER),
        ("sip:2025550143@trunk.example.com", "phone", "+12025550143"),  # national, read in our number's country
        ("2025550143", "phone", "+12025550143"),
        ("+17378742833", "phone", "+17378742833"),  # a real Austin number, not the RESTRICTED placeholder
    ],
)
def test_callers_with_an_identity(raw: str, kind: str, value: str) -> None:
    who = caller_of(raw, "CA123", SUPPORT)
    assert (who.identity.kind, who.identity.value, who.withheld) == (kind, value, False)


@pytest.mark.parametrize(
    ("raw", "country", "kind", "value"),
    [
        (CUSTOMER, "CN", "phone", CUSTOMER),
        ("95588", "CN", "sms.sender", "CN:95588"),  # a bank's short code
        ("+22395", "US", "sms.sender", "US:22395"),
        ("VERIFY", "", "sms.sender", "VERIFY"),
        ("Amazon", "GB", "sms.sender", "Amazon"),
        ("DHL Express", "DE", "sms.sender", "DHL Express"),
    ],
)
def test_sms_senders(raw: str, country: str, kind: str, value: str) -> None:
    who = texter_of(raw, country)
    assert who is not None and (who.identity.kind, who.identity.value) == (kind, value)


@pytest.mark.parametrize("raw", ["<script>", "", "a" * 12, "你好银行", "whatever:+86"])
def test_sms_from_nobody_we_can_name(raw: str) -> None:
    assert texter_of(raw, "CN") is None


@pytest.mark.parametrize("raw", ["Anonymous", "+86282452253", "+266696687", "0000000000"])
def test_sms_from_a_hidden_sender_is_a_stranger_of_its_own(raw: str) -> None:
    who = texter_of(raw, "CN", "SM0001")
    assert who is not None and who.withheld and (who.identity.kind, who.identity.value) == ("sms.withheld", "SM0001")


def test_voice_fixtures_name_the_sender_they_expect() -> None:
    """Each raw call fixture names the identity its caller must get (withheld: the call's own)."""
    ivr, channel = load_ivr(PROJECT_ROOT / "config" / "ivr.toml"), VoiceChannel()
    checked = 0
    for path in sorted(VOICE_FIXTURES.glob("*.json")):
        spec = json.loads(path.read_text(encoding="utf-8"))
        if "sender" not in spec:
            continue
        call = Call(**spec["call"])
        leaf = ivr.nodes[spec["leaf"]] if spec.get("leaf") else None
        envelope = channel.parse_inbound(CallContact(call, TwilioNumber(call.number), leaf, ivr))
        expected = spec["sender"]
        assert [envelope.sender.kind, envelope.sender.value] == [expected["kind"], expected["value"]], path.name
        assert (envelope.meta.get("withheld") is True) == (expected["kind"] == "call"), path.name
        for step in spec.get("menu_text", []):
            assert step in envelope.text, (path.name, envelope.text)
        checked += 1
    assert checked >= 8


async def identities(db: Database) -> list[tuple[int, str, str]]:
    async with db.read() as s:
        return [tuple(r) for r in (await s.execute(select(Identity.customer_id, Identity.kind, Identity.value)))]  # type: ignore[misc]


def form(call: str, caller: str | None, **extra: str) -> dict[str, str]:
    """Twilio's voice request; caller None leaves From (and Caller) out altogether."""
    params = call_params(call, **({"caller": caller} if caller is not None else {}), **extra)
    return params if caller is not None else {k: v for k, v in params.items() if k not in ("From", "Caller")}


async def step(url: str, call: str, caller: str | None, **extra: str) -> ET.Element:
    status, text = await post_signed(url, form(call, caller, **extra))
    assert status == 200, text
    return twiml(text)


async def walk_to_queue(hub: Hub, call: str, caller: str | None) -> None:
    """Language by key, then billing with the finish key that some set-ups send along in Digits."""
    root = await step(f"{hub.url}/webhooks/twilio/voice", call, caller)
    assert root.find("Gather") is not None, spoken(root)
    root = await step(action_of(root, "Gather"), call, caller, Digits="1")
    root = await step(action_of(root, "Gather"), call, caller, Digits="1#")
    assert root.find("Enqueue") is not None and "Connecting you" in spoken(root)


async def test_every_withheld_form_walks_the_menu_and_is_its_own_customer(twilio_hub: Hub, db: Database) -> None:
    async with db.write() as uow:  # someone whose number could be mistaken for a placeholder, and a known caller
        known = Customer(display_name="王女士", tier="diamond")
        uow.session.add(known)
        await uow.session.flush()
        uow.session.add(Identity(customer_id=known.id, kind="phone", value=CUSTOMER))
    calls = []
    for raw in [*WITHHELD, None, "anonymous"]:  # None: no From at all; anonymous twice
        call = sid("CA")
        await walk_to_queue(twilio_hub, call, raw)
        ticket, interaction = await call_ticket(db, call)
        assert ticket.customer_id != known.id and interaction.meta["withheld"] is True, raw
        assert ticket.requirements["entry"] == "voice:ivr:billing" and ticket.priority != "urgent", raw
        assert interaction.text.startswith("Phone call from a") and "main: Billing (key 1#)" in interaction.text
        calls.append((call, ticket.customer_id))
    customers = [c for _, c in calls]
    assert len(set(customers)) == len(customers)  # never merged: one stranger per call
    found = {(kind, value) for _, kind, value in await identities(db)}
    assert {("call", call) for call, _ in calls} <= found and ("phone", "+266696687") not in found


async def test_withheld_caller_reaches_an_agent(twilio_hub: Hub, db: Database, admin_token: str) -> None:
    agent = await voice_agent(twilio_hub, db, admin_token)
    call = sid("CA")
    await walk_to_queue(twilio_hub, call, "+266696687")

    async def offered() -> bool:
        return (await call_ticket(db, call))[0].assignee_id == agent.id

    await until(offered)
    wait_url = f"{twilio_hub.url}/webhooks/twilio/voice/wait"
    assert [e.tag for e in await say(wait_url, call, caller="+266696687", QueueTime="2")] == ["Leave"]
    root = await say(f"{twilio_hub.url}/webhooks/twilio/voice/queue", call, caller="+266696687", QueueResult="leave")
    number = root.find("Dial/Number")
    assert number is not None and number.text == AGENT_PHONE
    status, text = await post_signed(number.attrib["url"], call_params(sid("CA"), ParentCallSid=call, To=AGENT_PHONE))
    assert status == 200 and "English › Billing" in text
    ticket, _ = await call_ticket(db, call)
    assert ticket.assignee_id == agent.id and ticket.assignment["state"] == "accepted"


async def test_withheld_caller_is_offered_voicemail_without_a_callback(twilio_hub: Hub, db: Database) -> None:
    call = sid("CA")
    await walk_to_queue(twilio_hub, call, "anonymous")
    wait_url = f"{twilio_hub.url}/webhooks/twilio/voice/wait"
    await say(wait_url, call, caller="anonymous", QueueTime="0")
    root = await say(wait_url, call, caller="anonymous", QueueTime="95")
    assert "leave a message, press 1" in spoken(root) and "called back" not in spoken(root)
    await say(action_of(root, "Gather"), call, caller="anonymous", Digits="2#")  # asks for a callback anyway
    root = await say(f"{twilio_hub.url}/webhooks/twilio/voice/queue", call, caller="anonymous", QueueResult="leave")
    assert root.find("Record") is not None  # a message instead: there is no number to call back
    _, interaction = await call_ticket(db, call)
    last = interaction.meta["ivr_path"][-1]
    assert last["menu"] == "voicemail_offer" and last["input"] == "2#" and "no number" in last["label"]
    assert "callback_to" not in interaction.meta


async def test_client_and_sip_callers_keep_their_identity_across_calls(twilio_hub: Hub, db: Database) -> None:
    first, second, sip_call = sid("CA"), sid("CA"), sid("CA")
    await walk_to_queue(twilio_hub, first, "client:alice")
    await walk_to_queue(twilio_hub, second, "client:alice")
    await walk_to_queue(twilio_hub, sip_call, "sip:bob@pbx.example.com;transport=udp")
    (t1, i1), (t2, _), (t3, i3) = [await call_ticket(db, c) for c in (first, second, sip_call)]
    assert t1.customer_id == t2.customer_id != t3.customer_id and t1.id != t2.id  # one person, a ticket per call
    assert "Twilio Client alice" in i1.text and "SIP bob@pbx.example.com" in i3.text
    found = {(kind, value) for _, kind, value in await identities(db)}
    assert {("twilio.client", "alice"), ("sip", "bob@pbx.example.com")} <= found
    async with db.read() as s:
        assert (await s.get_one(Customer, t1.customer_id)).display_name == "alice"
        stored = await s.get_one(VoiceCall, sip_call)
    assert stored.caller == "sip:bob@pbx.example.com;transport=udp"


async def test_withheld_caller_who_hangs_up_in_the_menu_is_kept(twilio_hub: Hub, db: Database) -> None:
    call = sid("CA")
    root = await say(f"{twilio_hub.url}/webhooks/twilio/voice", call, caller="restricted")
    await say(action_of(root, "Gather"), call, caller="restricted", Digits="2")
    status, _ = await post_signed(f"{twilio_hub.url}/webhooks/twilio/voice/status",
                                  call_params(call, caller="restricted", CallStatus="completed"))  # fmt: skip
    assert status == 200
    _, interaction = await call_ticket(db, call)
    assert interaction.meta["outcome"] == "abandoned" and "hung up in the menu" in interaction.text
    assert "language: 中文 (key 2)" in interaction.text


async def test_menu_answers_are_on_the_ticket_by_key_speech_or_silence(twilio_hub: Hub, db: Database) -> None:
    call = sid("CA")
    root = await say(f"{twilio_hub.url}/webhooks/twilio/voice", call)
    root = await say(action_of(root, "Gather"), call, Digits="#")  # only the finish key: asked again
    assert "did not get that" in spoken(root)
    root = await say(action_of(root, "Gather"), call, Digits="1#")  # English, key sent with the finish key
    assert "For billing, press 1" in spoken(root)
    root = await say(action_of(root, "Gather"), call)  # timeout: empty Digits
    root = await say(action_of(root, "Gather"), call, Digits="7")  # no such option
    assert "did not get that" in spoken(root)
    root = await say(action_of(root, "Gather"), call, SpeechResult="Technical, my router is not working")
    assert root.find("Enqueue") is not None
    ticket, interaction = await call_ticket(db, call)
    steps = [(s["menu"], s["result"], s["via"], s["input"]) for s in interaction.meta["ivr_path"]]
    assert steps == [
        ("language", "no_input", "dtmf", "#"),
        ("language", "chosen", "dtmf", "1#"),
        ("main", "no_input", "timeout", ""),
        ("main", "not_understood", "dtmf", "7"),
        ("main", "chosen", "speech", "Technical, my router is not working"),
    ]
    assert ticket.requirements["entry"] == "voice:ivr:technical"
    assert "English › Technical help" in interaction.text
    assert "main: not understood (key 7)" in interaction.text and "main: no answer" in interaction.text
    token = await make_session(db, await make_agent(db, "reader@example.test"))
    async with (
        aiohttp.ClientSession(cookies={"hub_session": token}) as http,
        http.get(f"{twilio_hub.url}/api/v1/console/tickets/{ticket.id}") as r,  # what the workspace draws
    ):
        seen = [(s["label"], s["via"], s["input"]) for s in (await r.json())["interactions"][0]["meta"]["ivr_path"]]
    assert r.status == 200 and ("(not understood)", "dtmf", "7") in seen and "1#" in [s[2] for s in seen]


async def test_sms_from_a_short_code_or_sender_id_is_kept(twilio_hub: Hub, db: Database) -> None:
    url = f"{twilio_hub.url}/webhooks/twilio/sms"
    for sender, country in (("95588", "CN"), ("VERIFY", "US")):
        status, _ = await post_signed(url, sms_params("您的验证码 123456", sender=sender, FromCountry=country))
        assert status == 200
    status, text = await post_signed(url, sms_params("hi", sender="<script>"))
    assert status == 400 and "no phone number" in text
    found = {(kind, value) for _, kind, value in await identities(db)}
    assert found == {("sms.sender", "CN:95588"), ("sms.sender", "VERIFY")}
