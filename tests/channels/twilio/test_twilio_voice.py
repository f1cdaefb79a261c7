"""Twilio voice end to end: a call walks the IVR (digits and speech) to an agent, or to voicemail, as Twilio would."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import aiohttp
import pytest
from sqlalchemy import func, select

from hub import keys
from hub.channels.twilio.ivr import IvrError, load_ivr, parse_ivr
from hub.db.engine import Database
from hub.db.models import Agent, Customer, Identity, Interaction, Ticket, VoiceCall
from hub.settings import PROJECT_ROOT
from tests.conftest import Hub, make_agent, make_session
from tests.twilio_kit import AGENT_PHONE, CUSTOMER, SUPPORT, call_params, post_signed, sid, twiml
from tests.waiting import until


async def say(url: str, call_sid: str, **params: str) -> ET.Element:
    """One webhook as Twilio sends it for this call; returns the TwiML root."""
    status, text = await post_signed(url, call_params(call_sid, **params))
    assert status == 200, text
    return twiml(text)


def action_of(root: ET.Element, verb: str, attribute: str = "action") -> str:
    element = root.find(f".//{verb}")
    assert element is not None, ET.tostring(root, encoding="unicode")
    return element.attrib[attribute]


def spoken(root: ET.Element) -> str:
    return " ".join(e.text or "" for e in root.iter("Say"))


async def voice_agent(hub: Hub, db: Database, admin_token: str) -> Agent:
    agent = await make_agent(db, "voice@example.test")
    profile = {"skills": {"billing": 3}, "languages": ["zh", "en"], "voice_endpoint": "+1 555 000 9999"}
    headers = {"Authorization": f"Bearer {admin_token}"}
    async with (
        aiohttp.ClientSession(headers=headers) as http,
        http.put(f"{hub.url}/api/v1/agents/{agent.id}/profile", json=profile) as r,
    ):
        assert r.status == 200 and (await r.json())["voice_endpoint"] == AGENT_PHONE
    await hub.app[keys.PRESENCE].connected(agent.id, "console-1")  # the agent opened the console
    return agent


async def call_ticket(db: Database, call_sid: str) -> tuple[Ticket, Interaction]:
    async with db.read() as s:
        interaction = await s.scalar(select(Interaction).where(Interaction.external_id == call_sid))
        assert interaction is not None
        return await s.get_one(Ticket, interaction.ticket_id), interaction


async def test_call_walks_the_ivr_by_digit_and_speech_to_an_agent(
    twilio_hub: Hub, db: Database, admin_token: str
) -> None:
    agent = await voice_agent(twilio_hub, db, admin_token)
    call = sid("CA")
    root = await say(f"{twilio_hub.url}/webhooks/twilio/voice", call)
    assert [e.tag for e in root] == ["Gather"]
    assert "Thank you for calling" in spoken(root) and "中文服务请按2" in spoken(root)
    root = await say(action_of(root, "Gather"), call, Digits="2")  # 中文
    gather = root.find("Gather")
    # Heard as Twilio's recognizers name Mandarin, spoken in Polly's voice and code.
    assert gather is not None and gather.attrib["language"] == "cmn-Hans-CN" and "账单问题请按1" in spoken(root)
    assert {say.attrib["language"] for say in gather.iter("Say")} == {"cmn-CN"}
    root = await say(action_of(root, "Gather"), call, SpeechResult="我想问一下账单的问题", Confidence="0.91")
    assert [e.tag for e in root] == ["Say", "Enqueue"] and "正在为您转接" in spoken(root)
    ticket, interaction = await call_ticket(db, call)
    assert ticket.channel == "voice.twilio" and ticket.requirements["entry"] == "voice:ivr:billing"
    assert ticket.requirements["language"] == "zh" and ticket.requirements["entry_skills"] == {"billing": 2}
    assert [step["label"] for step in interaction.meta["ivr_path"]] == ["中文", "账单"]
    assert [step["via"] for step in interaction.meta["ivr_path"]] == ["dtmf", "speech"]

    async def offered() -> bool:
        return (await call_ticket(db, call))[0].assignee_id == agent.id

    await until(offered)
    ticket, _ = await call_ticket(db, call)
    assert ticket.requirements["skills"] == {"billing": 2}  # from the leaf; routing matched it to the agent
    wait_url, queue_url = action_of(root, "Enqueue", "waitUrl"), action_of(root, "Enqueue")
    assert [e.tag for e in await say(wait_url, call, QueueTime="3", QueuePosition="1")] == ["Leave"]
    root = await say(queue_url, call, QueueResult="leave", QueueTime="4")
    number = root.find("Dial/Number")
    assert number is not None and number.text == AGENT_PHONE
    dial = root.find("Dial")
    assert dial is not None and dial.attrib["callerId"] == SUPPORT and 5 <= int(dial.attrib["timeout"]) <= 20
    # The agent picks up: Twilio fetches the whisper on the agent's leg.
    agent_leg = sid("CA")
    status, text = await post_signed(number.attrib["url"], call_params(agent_leg, ParentCallSid=call, To=AGENT_PHONE))
    assert status == 200 and "general customer. 中文 › 账单" in text  # who is calling, and why
    ticket, _ = await call_ticket(db, call)
    assert ticket.assignee_id == agent.id and ticket.assignment["state"] == "accepted"
    root = await say(action_of(root, "Dial"), call, DialCallStatus="completed", DialCallDuration="95")
    assert [e.tag for e in root] == ["Hangup"]
    status, _ = await post_signed(f"{twilio_hub.url}/webhooks/twilio/voice/status",
                                  call_params(call, CallStatus="completed", CallDuration="130"))  # fmt: skip
    assert status == 200
    headers = {"Authorization": f"Bearer {admin_token}"}
    async with (
        aiohttp.ClientSession(headers=headers) as http,
        http.get(f"{twilio_hub.url}/api/v1/tickets/{ticket.id}") as r,
    ):
        detail = await r.json()
    meta = detail["interactions"][0]["meta"]
    assert meta["outcome"] == "answered" and meta["talk_seconds"] == "95" and meta["duration_seconds"] == "130"
    assert meta["agent_id"] == agent.id and detail["identities"] == [{"kind": "phone", "value": CUSTOMER}]


async def test_no_agent_free_offers_voicemail_which_becomes_a_routed_ticket(twilio_hub: Hub, db: Database) -> None:
    call = sid("CA")
    root = await say(f"{twilio_hub.url}/webhooks/twilio/voice", call)
    root = await say(action_of(root, "Gather"), call, Digits="1")  # English
    assert "For billing, press 1" in spoken(root)
    root = await say(action_of(root, "Gather"), call, Digits="1")  # billing
    wait_url, queue_url = action_of(root, "Enqueue", "waitUrl"), action_of(root, "Enqueue")
    root = await say(wait_url, call, QueueTime="0", QueuePosition="1")
    assert [e.tag for e in root] == ["Say", "Pause"] and "number 1 in line" in spoken(root)
    root = await say(wait_url, call, QueueTime="5")
    assert [e.tag for e in root] == ["Pause"]  # announced a moment ago: just hold
    root = await say(wait_url, call, QueueTime="95")
    assert [e.tag for e in root] == ["Gather", "Pause"] and "leave a message, press 1" in spoken(root)
    assert [e.tag for e in await say(action_of(root, "Gather"), call, Digits="1")] == ["Leave"]
    root = await say(queue_url, call, QueueResult="leave", QueueTime="97")
    record = root.find("Record")
    assert record is not None and record.attrib["transcribe"] == "true" and record.attrib["maxLength"] == "120"
    recording = f"https://api.twilio.com/2010-04-01/Accounts/AC/Recordings/{sid('RE')}"
    root = await say(record.attrib["action"], call, RecordingUrl=recording, RecordingDuration="14",
                     RecordingSid="RE1")  # fmt: skip
    assert [e.tag for e in root] == ["Say", "Hangup"]
    status, _ = await post_signed(record.attrib["transcribeCallback"], call_params(
        call, TranscriptionStatus="completed", TranscriptionText="I was charged twice for my invoice."))  # fmt: skip
    assert status == 204
    await post_signed(f"{twilio_hub.url}/webhooks/twilio/voice/status", call_params(call, CallStatus="completed"))
    ticket, interaction = await call_ticket(db, call)
    assert interaction.meta["outcome"] == "voicemail" and interaction.meta["recording"]["url"] == recording
    assert interaction.text.endswith("I was charged twice for my invoice.")
    assert ticket.assignee_id is None and ticket.status == "new"  # waiting for an agent like any ticket
    async with db.read() as s:
        queue = await s.scalar(select(func.count()).select_from(Ticket).where(Ticket.queue_id == ticket.queue_id))
    assert queue == 1
    # What the agent sees: the menu path, the outcome and the recording, next to the transcript.
    token = await make_session(db, await make_agent(db, "reader@example.test"))
    async with (
        aiohttp.ClientSession(cookies={"hub_session": token}) as http,
        http.get(f"{twilio_hub.url}/api/v1/console/tickets/{ticket.id}") as r,  # what the workspace draws
    ):
        seen = (await r.json())["interactions"][0]["meta"]
    steps = [(s["label"], s["via"], s["input"]) for s in seen["ivr_path"]]
    assert r.status == 200 and "English" in [s[0] for s in steps] and ("Billing", "dtmf", "1") in steps
    assert seen["outcome"] == "voicemail" and seen["recording"]["url"] == recording


async def test_an_agent_who_does_not_pick_up_passes_the_call_on(
    twilio_hub: Hub, db: Database, admin_token: str
) -> None:
    agent = await voice_agent(twilio_hub, db, admin_token)
    call = sid("CA")
    root = await say(f"{twilio_hub.url}/webhooks/twilio/voice", call)
    root = await say(action_of(root, "Gather"), call, Digits="1")
    root = await say(action_of(root, "Gather"), call, Digits="1")

    async def offered() -> bool:
        return (await call_ticket(db, call))[0].assignee_id == agent.id

    await until(offered)
    await say(action_of(root, "Enqueue", "waitUrl"), call, QueueTime="2")
    root = await say(action_of(root, "Enqueue"), call, QueueResult="leave")
    root = await say(action_of(root, "Dial"), call, DialCallStatus="no-answer")
    assert [e.tag for e in root] == ["Enqueue"]  # back in the queue
    ticket, _ = await call_ticket(db, call)
    assert ticket.assignee_id is None and str(agent.id) in ticket.assignment["declined"]
    assert twilio_hub.app[keys.PRESENCE].status_of(agent.id) == "away"


async def test_known_caller_is_greeted_by_tier_and_hang_up_in_menu_is_kept(twilio_hub: Hub, db: Database) -> None:
    async with db.write() as uow:
        customer = Customer(display_name="王女士", tier="diamond")
        uow.session.add(customer)
        await uow.session.flush()
        uow.session.add(Identity(customer_id=customer.id, kind="phone", value=CUSTOMER))
    call = sid("CA")
    root = await say(f"{twilio_hub.url}/webhooks/twilio/voice", call)
    assert "diamond member" in spoken(root) and "钻石会员" in spoken(root)
    status, _ = await post_signed(f"{twilio_hub.url}/webhooks/twilio/voice/status",
                                  call_params(call, CallStatus="completed", CallDuration="7"))  # fmt: skip
    assert status == 200
    ticket, interaction = await call_ticket(db, call)
    assert interaction.meta["outcome"] == "abandoned" and "hung up in the menu" in interaction.text
    assert ticket.customer_id == customer.id and ticket.priority == "urgent"


async def test_silence_is_asked_again_then_routed_anyway(twilio_hub: Hub, db: Database) -> None:
    call = sid("CA")
    root = await say(f"{twilio_hub.url}/webhooks/twilio/voice", call)
    root = await say(action_of(root, "Gather"), call)  # no input
    assert "did not get that" in spoken(root)
    root = await say(action_of(root, "Gather"), call, SpeechResult="普通话")
    for _ in range(2):
        root = await say(action_of(root, "Gather"), call, SpeechResult="嗯……")
        assert "没有听清" in spoken(root)
    root = await say(action_of(root, "Gather"), call)
    assert root.find("Enqueue") is not None
    ticket, interaction = await call_ticket(db, call)
    assert ticket.requirements.get("entry") == "voice:ivr:main" and interaction.meta["language"] == "zh"


async def test_forged_unknown_and_incomplete_calls(twilio_hub: Hub, db: Database) -> None:
    url = f"{twilio_hub.url}/webhooks/twilio/voice"
    assert (await post_signed(url, call_params(sid("CA")), token="forged"))[0] == 403
    async with db.read() as s:
        assert await s.scalar(select(func.count()).select_from(VoiceCall)) == 0
    root = await say(url, sid("CA"), To="+15550007777")
    assert [e.tag for e in root] == ["Say", "Hangup"] and "does not take calls" in spoken(root)
    params = {k: v for k, v in call_params(sid("CA")).items() if k not in ("To", "Called")}
    status, text = await post_signed(url, params)
    assert status == 400 and "To" in text  # a caller id may be withheld; the number called never is
    status, _ = await post_signed(url + "/wait", {"QueueTime": "1"})
    assert status == 400


def test_the_shipped_ivr_loads_and_bad_ones_say_where() -> None:
    ivr = load_ivr(PROJECT_ROOT / "config" / "ivr.toml")
    assert [lang.code for lang in ivr.languages] == ["en", "zh"] and ivr.nodes["billing"].queue == "billing"
    assert [lang.recognize for lang in ivr.languages] == ["en-US", "cmn-Hans-CN"]
    base: dict[str, Any] = {
        "languages": {"en": {"digit": "1", "voice": "v", "speech": "en-US", "choose": "Press 1"}},
        "greetings": {"default": {"en": "Hi"}},
        "messages": {name: {"en": "x"} for name in ("hold", "position", "voicemail_offer", "record",
                     "voicemail_thanks", "callback_thanks", "not_understood", "connecting", "goodbye")},
        "nodes": {"main": {"prompt": {"en": "Press 1"}, "options": [{"digit": "1", "goto": "nowhere"}]}},
    }  # fmt: skip
    with pytest.raises(IvrError, match="goes to 'nowhere'"):
        parse_ivr(base)
    base["nodes"]["main"]["options"][0]["goto"] = "main"
    # Without `listen`, a Polly code the recognizers spell otherwise is translated, any other used as it is.
    base["languages"]["zh"] = {"digit": "2", "voice": "Polly.Zhiyu", "speech": "cmn-CN", "choose": "按2"}
    base["greetings"]["default"]["zh"] = "您好"
    base["messages"] = {name: {**texts, "zh": "x"} for name, texts in base["messages"].items()}
    base["nodes"]["main"]["prompt"]["zh"] = "按1"
    assert [lang.recognize for lang in parse_ivr(base).languages] == ["en-US", "cmn-Hans-CN"]
    base["languages"]["zh"]["listen"] = 7
    with pytest.raises(IvrError, match=r"languages\.zh\.listen"):
        parse_ivr(base)
    del base["languages"]["zh"]
    del base["messages"]["record"]
    with pytest.raises(IvrError, match=r"messages\.record"):
        parse_ivr(base)
