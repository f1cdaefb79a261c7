"""POST /webhooks/twilio/voice/wait and /choice: the caller on hold, rung through to an agent once routing
has chosen one; their place in line now and then; the voicemail offer, and their answer to it."""

from __future__ import annotations

import math

from aiohttp import web
from twilio.twiml.voice_response import VoiceResponse

from hub import keys
from hub.channels.twilio import voice as twiml
from hub.channels.twilio.menu import CHOSEN, NO_INPUT, NOT_UNDERSTOOD, Heard
from hub.channels.twilio.voice_webhooks import PREFIX, call_form, step_url, xml_response
from hub.clock import utcnow

routes = web.RouteTableDef()


@routes.post(PREFIX + "/wait")
async def wait(request: web.Request) -> web.Response:
    """Requested again and again while the caller holds: ring an agent once routing has chosen one."""
    service, form, call_sid = await call_form(request)
    ivr = service.ivr
    call = await service.calls.load(call_sid)
    if call is None or call.ticket_id is None:
        return xml_response(twiml.leave())
    target = await service.offers.dial_target(call.ticket_id)
    if target is not None:
        async with service.calls.edit(call_sid) as row:
            if row is not None:
                row.agent_id, row.state = target[0], "connecting"
        return xml_response(twiml.leave())
    now, announce, offer = utcnow(), None, None
    try:
        waited = int(form.get("QueueTime", "0") or 0)
    except ValueError:
        waited = 0
    async with service.calls.edit(call_sid) as row:
        assert row is not None
        if row.announced_at is None or (now - row.announced_at).total_seconds() >= ivr.announce_every_s:
            position = await service.offers.queue_position(call.ticket_id)
            staff = max(1, len(request.app[keys.PRESENCE].available_ids()))
            announce = (position, max(1, math.ceil(position * ivr.average_handle_s / staff / 60)))
            row.announced_at = now
        if waited >= ivr.voicemail_after_s and not row.voicemail_offered:
            row.voicemail_offered = True
            offer = step_url(service, request, "choice")
    lang = ivr.language(call.language)
    return xml_response(twiml.hold(ivr, lang, announce, offer, callback=twiml.caller(call).callable))


@routes.post(PREFIX + "/choice")
async def choice(request: web.Request) -> web.Response:
    """The caller's answer to the voicemail offer: 1 a message, 2 a callback, anything else keeps waiting.
    A withheld number cannot be called back: 2 leaves a message instead. The answer is on the ticket."""
    service, form, call_sid = await call_form(request)
    heard = Heard.of(form.get("Digits", ""), "")
    call = await service.calls.load(call_sid)
    want = {"1": "voicemail", "2": "callback"}.get(heard.keys)
    label = want or "(kept waiting)"
    if want == "callback" and call is not None and not twiml.caller(call).callable:
        want, label = "voicemail", "voicemail (no number to call back)"
    step = {"menu": "voicemail_offer", "node": "voicemail_offer", "label": label,
            "result": CHOSEN if want else (NO_INPUT if heard.nothing else NOT_UNDERSTOOD),
            "via": heard.via, "input": heard.given}  # fmt: skip
    await service.calls.record_step(call_sid, step, **({"want": want} if want else {}))
    if want is None:
        response = VoiceResponse()
        response.redirect(step_url(service, request, "wait"))
        return xml_response(response)
    return xml_response(twiml.leave())
