"""POST /webhooks/twilio/voice/*: a call through language choice, menu, queue, agent or voicemail, as TwiML
(the hold loop is in voice_hold, what Twilio reports afterwards in voice_callbacks).

Every step is stored before its TwiML goes back, so a retried webhook or a restarted hub continues the
call where it was. The ticket is created when the caller reaches a leaf of the menu (or hangs up before),
and routing then offers it like any other; the wait loop rings the chosen agent.
"""

from __future__ import annotations

import logging
from urllib.parse import quote

from aiohttp import web
from multidict import MultiDictProxy
from twilio.twiml.voice_response import VoiceResponse

from hub import keys
from hub.channels.base import InboundRejected
from hub.channels.twilio import voice as twiml
from hub.channels.twilio.config import TwilioNumber
from hub.channels.twilio.ivr import Node
from hub.channels.twilio.menu import answer_language, answer_node
from hub.channels.twilio.senders import MAX_IDENTITY as MAX_CALLER
from hub.channels.twilio.senders import PHONE, caller_of
from hub.channels.twilio.service import TwilioService
from hub.channels.twilio.signature import signed_form
from hub.channels.twilio.sms_webhooks import TWILIO
from hub.channels.twilio.voice import CallContact
from hub.envelopes import storable_text
from hub.tickets.calls import Call

log = logging.getLogger(__name__)
routes = web.RouteTableDef()
PREFIX = "/webhooks/twilio/voice"
UNANSWERED = frozenset({"busy", "no-answer", "failed", "canceled"})


def xml_response(response: VoiceResponse) -> web.Response:
    return web.Response(text=response.to_xml(), content_type="application/xml")


def step_url(service: TwilioService, request: web.Request, step: str, **query: str) -> str:
    qs = "&".join(f"{k}={quote(v)}" for k, v in query.items())
    return f"{service.base_url(request)}{PREFIX}/{step}" + (f"?{qs}" if qs else "")


async def call_form(request: web.Request) -> tuple[TwilioService, MultiDictProxy[str], str]:
    service = request.app[TWILIO]
    form = await signed_form(request, service.signature, service.public)
    call_sid = request.query.get("call") or form.get("CallSid", "")
    if not call_sid:
        raise web.HTTPBadRequest(text="bad_request: missing required parameter CallSid")
    return service, form, call_sid


def number_of(service: TwilioService, call: Call) -> TwilioNumber:
    return service.config.number(call.number) or TwilioNumber(call.number)


@routes.post(PREFIX)
async def incoming(request: web.Request) -> web.Response:
    service, form, call_sid = await call_form(request)
    if not form.get("To"):
        raise web.HTTPBadRequest(text="bad_request: missing required parameter To")
    number = service.config.number(form["To"])
    if number is None or not number.voice:
        log.warning("call %s to %s: not a configured voice number", call_sid, form["To"])
        return xml_response(twiml.say_and_hang_up("Sorry, this number does not take calls. Goodbye."))
    # Withheld, empty, client: or sip: caller ids are callers too: every call walks the menu.
    raw = storable_text(form.get("From", "")).strip()[:MAX_CALLER]
    who = caller_of(raw, call_sid, number.number)
    stored = who.identity.value if who.identity.kind == PHONE else raw  # a national or sip: number as E.164
    known = None if who.withheld else who.identity
    call, _new = await service.calls.open(call_sid, number.number, stored, known)
    return await _resume(request, service, call)


async def _resume(request: web.Request, service: TwilioService, call: Call, *, retry: bool = False) -> web.Response:
    """The TwiML for where the call stands (a retried first webhook lands here too)."""
    ivr = service.ivr
    action = step_url(service, request, "menu")
    if call.state != "ivr" and call.ticket_id is not None:
        return await _enqueue(request, service, call, greet=False)
    if call.language is None and len(ivr.languages) > 1:
        return xml_response(twiml.language_menu(ivr, call.tier, action, retry=retry))
    node = ivr.nodes[call.node or ivr.start]
    lang = ivr.language(call.language)
    # Without a language menu, the first question comes after the greeting.
    greeting = ivr.greeting(call.tier, lang.code) if call.node is None and not retry else None
    return xml_response(twiml.node_menu(ivr, node, lang, action, retry=retry, greeting=greeting))


@routes.post(PREFIX + "/menu")
async def menu(request: web.Request) -> web.Response:
    """A <Gather> answered (digits or speech), or left unanswered: the next question, or the queue. Every
    answer, understood or not, goes on the call's record (and so on its ticket)."""
    service, form, call_sid = await call_form(request)
    ivr = service.ivr
    digits, speech = form.get("Digits", ""), form.get("SpeechResult", "")
    leaf: Node | None = None
    async with service.calls.edit(call_sid) as call:
        if call is None:
            return xml_response(twiml.say_and_hang_up("Sorry, we lost track of this call. Please call again."))
        if call.state == "ivr":  # otherwise a retried webhook: the call moved on already
            choosing_language = call.language is None and len(ivr.languages) > 1
            node = ivr.nodes[call.node or ivr.start]
            lang = ivr.language(call.language)
            answer = (
                answer_language(ivr, call.retries, digits, speech)
                if choosing_language
                else answer_node(ivr, node, lang, call.retries, digits, speech)
            )
            call.path = [*call.path, answer.step]
            if answer.retry:
                call.retries += 1
                action = step_url(service, request, "menu")
                if choosing_language:
                    return xml_response(twiml.language_menu(ivr, call.tier, action, retry=True))
                return xml_response(twiml.node_menu(ivr, node, lang, action, retry=True))
            call.retries = 0
            if answer.language is not None:
                call.language, call.node = answer.language.code, ivr.start
            if answer.goto is not None:
                call.node = answer.goto.name
            leaf = answer.leaf
            if leaf is not None:
                call.state = "routing"
    if leaf is not None:
        return await _to_queue(request, service, call, leaf)
    return await _resume(request, service, call)


async def _to_queue(request: web.Request, service: TwilioService, call: Call, leaf: Node) -> web.Response:
    try:
        envelope = service.voice.parse_inbound(CallContact(call, number_of(service, call), leaf, service.ivr))
    except InboundRejected as exc:
        raise web.HTTPBadRequest(text=f"{exc.code}: {exc}") from None
    result = await request.app[keys.INGESTOR].ingest(envelope)  # the ticket exists before the caller waits
    async with service.calls.edit(call.call_sid) as row:
        assert row is not None
        row.state, row.ticket_id, row.interaction_id = "queued", result.ticket.id, result.interaction.id
        call = row
    return await _enqueue(request, service, call, greet=True)


async def _enqueue(request: web.Request, service: TwilioService, call: Call, *, greet: bool) -> web.Response:
    lang = service.ivr.language(call.language)
    queue = number_of(service, call).queue or request.app[keys.SETTINGS].default_queue
    wait, action = step_url(service, request, "wait"), step_url(service, request, "queue")
    return xml_response(twiml.enqueue(service.ivr, lang, queue, wait, action, greet=greet))


@routes.post(PREFIX + "/queue")
async def left_queue(request: web.Request) -> web.Response:
    """The caller left the queue: to the chosen agent, to voicemail, to a callback, or they hung up."""
    service, form, call_sid = await call_form(request)
    call = await service.calls.load(call_sid)
    if call is None:
        return xml_response(twiml.say_and_hang_up("Goodbye."))
    lang = service.ivr.language(call.language)
    result = form.get("QueueResult", "")
    if result == "hangup":
        await service.calls.annotate(call.interaction_id, outcome="abandoned", queue_seconds=form.get("QueueTime"))
        return xml_response(VoiceResponse())
    if call.want == "voicemail":
        return xml_response(twiml.record(service.ivr, lang, step_url(service, request, "recorded"),
                                 step_url(service, request, "transcription", call=call_sid)))  # fmt: skip
    if call.want == "callback" and twiml.caller(call).callable:
        await service.calls.annotate(call.interaction_id, outcome="callback", callback_to=call.caller)
        return xml_response(twiml.say_and_hang_up(service.ivr.say("callback_thanks", lang.code), lang))
    target = await service.offers.dial_target(call.ticket_id) if call.ticket_id else None
    if target is None:
        return await _enqueue(request, service, call, greet=False)  # the offer moved on meanwhile
    agent_id, endpoint, left = target
    timeout = max(5, min(60, int(left) - 1)) if left is not None else 30
    whisper = step_url(service, request, "answered", call=call_sid, agent=str(agent_id))
    action = step_url(service, request, "dialed", agent=str(agent_id))
    response = twiml.dial(endpoint, caller_id=call.number, timeout=timeout, action=action, whisper=whisper)
    return xml_response(response)


@routes.post(PREFIX + "/answered")
async def answered(request: web.Request) -> web.Response:
    """On the agent's leg as they pick up: the ticket is theirs; they hear who is calling and why."""
    service, _form_data, call_sid = await call_form(request)
    try:
        agent_id = int(request.query.get("agent", ""))
    except ValueError:
        raise web.HTTPBadRequest(text="bad_request: no agent in the URL") from None
    call = await service.calls.load(call_sid)
    response = VoiceResponse()
    if call is None or call.ticket_id is None:
        return xml_response(response)
    await service.offers.take(call.ticket_id, agent_id)
    async with service.calls.edit(call_sid) as row:
        if row is not None:
            row.state, row.agent_id = "connected", agent_id
    await service.calls.annotate(call.interaction_id, outcome="answered", agent_id=agent_id)
    response.say(f"{call.tier} customer. {twiml.path_text(call)}")
    return xml_response(response)


@routes.post(PREFIX + "/dialed")
async def dialed(request: web.Request) -> web.Response:
    """The agent's leg ended: after a conversation the call is done; unanswered, the caller waits again."""
    service, form, call_sid = await call_form(request)
    call = await service.calls.load(call_sid)
    if call is None or call.ticket_id is None:
        return xml_response(twiml.say_and_hang_up("Goodbye."))
    status = form.get("DialCallStatus", "")
    if status not in UNANSWERED:
        await service.calls.annotate(call.interaction_id, talk_seconds=form.get("DialCallDuration"))
        response = VoiceResponse()
        response.hangup()
        return xml_response(response)
    agent_id = int(request.query.get("agent", "0") or 0)
    missed = await service.offers.release(call.ticket_id, agent_id, f"did not answer the phone ({status})")
    if missed and request.app[keys.ROUTING].config.away_after_missed_offer:
        await request.app[keys.PRESENCE].missed_offer(agent_id)
    async with service.calls.edit(call_sid) as row:
        if row is not None:
            row.state, row.agent_id = "queued", None
    return await _enqueue(request, service, call, greet=False)
