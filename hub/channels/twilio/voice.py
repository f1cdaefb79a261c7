"""Twilio voice adapter: a call that left the IVR -> envelope; TwiML for each step of the call."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from twilio.twiml.voice_response import Dial, Gather, VoiceResponse

from hub.channels.base import InboundRejected
from hub.channels.twilio.config import TwilioNumber
from hub.channels.twilio.ivr import Ivr, Language, Node
from hub.channels.twilio.menu import chosen, describe
from hub.channels.twilio.senders import CLIENT, PHONE, SIP, WITHHELD, Sender, caller_of
from hub.envelopes import DeliveryReceipt, InboundEnvelope, OutboundMessage
from hub.tickets.calls import Call
from hub.wording import Wording

KIND = "voice.twilio"
GATHER_TIMEOUT_S = 5


@dataclass(frozen=True, slots=True)
class CallContact:
    """A call ready to become a ticket: it reached a leaf of the menu, or ended before it did."""

    call: Call
    number: TwilioNumber
    leaf: Node | None
    ivr: Ivr


def path_text(call: Call) -> str:
    """The choices that brought the call where it is: "中文 › 账单"."""
    return " › ".join(str(step["label"]) for step in chosen(call.path)) or "—"


def caller(call: Call) -> Sender:
    return caller_of(call.caller, call.call_sid, call.number)


class VoiceChannel:
    kind = KIND
    identity_kind = PHONE
    # Who a call can come from besides a phone: a Voice SDK client, a SIP address, a withheld caller (per call).
    sender_kinds = frozenset({PHONE, CLIENT, SIP, WITHHELD})
    capabilities = frozenset({"voice", "ivr", "voicemail", "callback"})
    reply_window: timedelta | None = None

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    def parse_inbound(self, raw: CallContact) -> InboundEnvelope:
        call, leaf = raw.call, raw.leaf
        if not call.call_sid:
            raise InboundRejected("bad_request", "a call needs a CallSid")
        who = caller(call)  # whatever the caller id, the call is kept: withheld callers as strangers of their own
        language = raw.ivr.language(call.language).code
        ended = leaf is None
        meta: dict[str, Any] = {"call_sid": call.call_sid, "to": call.number, "from": call.caller,
                                "ivr_path": list(call.path), "language": language,
                                "caller": {"kind": who.identity.kind, "shown": who.shown}}  # fmt: skip
        if who.withheld:
            meta["withheld"] = True
        if ended:
            meta["outcome"] = "abandoned"
        steps = "; ".join(describe(step) for step in call.path)
        text = f"Phone call from {who.shown}: {path_text(call)}" + (" (hung up in the menu)" if ended else "")
        return InboundEnvelope(
            channel=KIND,
            external_id=call.call_sid,
            sender=who.identity,
            sender_name=who.name,
            text=text + (f"\nMenu: {steps}" if steps else ""),
            subject=f"Call: {leaf.label[language]}" if leaf else "Call ended in the menu",
            received_at=datetime.now(UTC),
            meta=meta,
            queue=(leaf.queue if leaf and leaf.queue else None) or raw.number.queue,
            entry=f"voice:ivr:{leaf.name}" if leaf else None,
            skills=dict(leaf.skills) if leaf else {},
            language=language,
            explicit_threading=True,  # every call is a ticket of its own
        )

    async def send(self, msg: OutboundMessage) -> DeliveryReceipt:
        problem = Wording("a phone call carries no written reply: call back, or answer by SMS")
        return DeliveryReceipt("failed", error=problem.english, problem=problem)


def _say(parent: VoiceResponse | Gather, text: str, lang: Language) -> None:
    parent.say(text, voice=lang.voice, language=lang.speech)


def language_menu(ivr: Ivr, tier: str, action: str, *, retry: bool = False) -> VoiceResponse:
    """Each language greets and offers itself in its own voice."""
    response = VoiceResponse()
    hints = ", ".join(w for lang in ivr.languages for w in lang.words)
    gather = Gather(input="dtmf speech", num_digits=1, action=action, timeout=GATHER_TIMEOUT_S,
                    speech_timeout="auto", hints=hints, action_on_empty_result=True,
                    language=ivr.languages[0].recognize)  # fmt: skip
    for lang in ivr.languages:
        if retry:
            _say(gather, ivr.say("not_understood", lang.code), lang)
        else:
            _say(gather, ivr.greeting(tier, lang.code), lang)
        _say(gather, lang.choose, lang)
    response.append(gather)
    return response


def node_menu(
    ivr: Ivr, node: Node, lang: Language, action: str, *, retry: bool = False, greeting: str | None = None
) -> VoiceResponse:
    response = VoiceResponse()
    hints = ", ".join(w for option in node.options for w in option.words.get(lang.code, ()))
    gather = Gather(input="dtmf speech", num_digits=1, action=action, timeout=GATHER_TIMEOUT_S,
                    speech_timeout="auto", hints=hints, action_on_empty_result=True,
                    language=lang.recognize)  # fmt: skip
    if greeting:
        _say(gather, greeting, lang)
    if retry:
        _say(gather, ivr.say("not_understood", lang.code), lang)
    _say(gather, node.prompt[lang.code], lang)
    response.append(gather)
    return response


def enqueue(ivr: Ivr, lang: Language, queue: str, wait_url: str, action: str, *, greet: bool) -> VoiceResponse:
    response = VoiceResponse()
    if greet:
        _say(response, ivr.say("connecting", lang.code), lang)
    response.enqueue(f"hub-{queue}", wait_url=wait_url, action=action)
    return response


def hold(
    ivr: Ivr, lang: Language, announce: tuple[int, int] | None, offer_voicemail: str | None, *, callback: bool = True
) -> VoiceResponse:
    """The wait loop's next few seconds: the place in line now and then, once the voicemail offer (with a
    callback only for a caller whose number we have)."""
    response = VoiceResponse()
    if announce is not None:
        position, minutes = announce
        _say(response, ivr.say("position", lang.code, position=position, ahead=position - 1, minutes=minutes), lang)
    if offer_voicemail is not None:
        gather = Gather(num_digits=1, action=offer_voicemail, timeout=GATHER_TIMEOUT_S)
        offer = "voicemail_offer" if callback or not ivr.has("voicemail_only_offer") else "voicemail_only_offer"
        _say(gather, ivr.say(offer, lang.code), lang)
        response.append(gather)
    response.pause(length=ivr.hold_pause_s)
    return response


def leave() -> VoiceResponse:
    response = VoiceResponse()
    response.leave()
    return response


def dial(endpoint: str, *, caller_id: str, timeout: int, action: str, whisper: str) -> VoiceResponse:
    """Ring the agent; `whisper` runs on their leg when they pick up (the moment the call is theirs)."""
    response = VoiceResponse()
    d = Dial(action=action, timeout=timeout, caller_id=caller_id)
    if endpoint.startswith("sip:"):
        d.sip(endpoint, url=whisper)
    elif endpoint.startswith("client:"):
        d.client(endpoint.removeprefix("client:"), url=whisper)
    else:
        d.number(endpoint, url=whisper)
    response.append(d)
    return response


def record(ivr: Ivr, lang: Language, action: str, transcription: str) -> VoiceResponse:
    response = VoiceResponse()
    _say(response, ivr.say("record", lang.code), lang)
    response.record(action=action, max_length=ivr.record_max_s, play_beep=True, finish_on_key="#",
                    transcribe=True, transcribe_callback=transcription)  # fmt: skip
    return response


def say_and_hang_up(text: str, lang: Language | None = None) -> VoiceResponse:
    response = VoiceResponse()
    if lang is None:
        response.say(text)
    else:
        _say(response, text, lang)
    response.hangup()
    return response
