"""What Twilio reports after the fact: a voicemail's recording and transcript, and how the call ended."""

from __future__ import annotations

import logging

from aiohttp import web
from twilio.twiml.voice_response import VoiceResponse

from hub import keys
from hub.channels.twilio import voice as twiml
from hub.channels.twilio.voice import CallContact
from hub.channels.twilio.voice_webhooks import PREFIX, call_form, number_of, xml_response

log = logging.getLogger(__name__)
routes = web.RouteTableDef()
FINAL = frozenset({"completed", "busy", "no-answer", "failed", "canceled"})


@routes.post(PREFIX + "/recorded")
async def recorded(request: web.Request) -> web.Response:
    """<Record> finished: the voicemail is on the call's interaction; its ticket waits for an agent."""
    service, form, call_sid = await call_form(request)
    call = await service.calls.load(call_sid)
    lang = service.ivr.language(call.language if call else None)
    if call is not None and form.get("RecordingUrl"):
        recording = {
            "url": form["RecordingUrl"],
            "sid": form.get("RecordingSid"),
            "seconds": form.get("RecordingDuration"),
        }
        await service.calls.annotate(call.interaction_id, outcome="voicemail", recording=recording)
    return xml_response(twiml.say_and_hang_up(service.ivr.say("voicemail_thanks", lang.code), lang))


@routes.post(PREFIX + "/transcription")
async def transcription(request: web.Request) -> web.Response:
    """The voicemail as text, when Twilio could transcribe it: agents read it and suggestions use it."""
    service, form, call_sid = await call_form(request)
    call = await service.calls.load(call_sid)
    if call is None:
        return web.Response(status=204)
    status, text = form.get("TranscriptionStatus", ""), form.get("TranscriptionText", "").strip()
    if status == "completed" and text:
        body = f"Voicemail from {twiml.caller(call).shown} ({twiml.path_text(call)}): {text}"
        await service.calls.annotate(call.interaction_id, body, transcript=text)
    else:
        await service.calls.annotate(call.interaction_id, transcript_status=status or "failed")
    return web.Response(status=204)


@routes.post(PREFIX + "/status")
async def call_status(request: web.Request) -> web.Response:
    """The number's status callback. A caller who hung up in the menu still becomes a ticket (a missed
    call someone should return); otherwise the final duration and outcome go on the interaction."""
    service, form, call_sid = await call_form(request)
    state = form.get("CallStatus", "")
    if state not in FINAL:
        return web.Response(status=204)
    call = await service.calls.load(call_sid)
    if call is None:
        return web.Response(status=204)  # never reached our voice webhook (refused number): nothing to keep
    if call.ticket_id is None:
        envelope = service.voice.parse_inbound(CallContact(call, number_of(service, call), None, service.ivr))
        result = await request.app[keys.INGESTOR].ingest(envelope)
        async with service.calls.edit(call_sid) as row:
            if row is not None:
                row.ticket_id, row.interaction_id = result.ticket.id, result.interaction.id
        call.interaction_id = result.interaction.id
    async with service.calls.edit(call_sid) as row:
        if row is not None:
            row.state = "ended"
    await service.calls.annotate(call.interaction_id, outcome="abandoned", call_status=state,
                         duration_seconds=form.get("CallDuration"))  # fmt: skip
    return xml_response(VoiceResponse())
