"""POST /webhooks/twilio/sms and /status: verify, store, then answer with TwiML; slow work after the answer."""

from __future__ import annotations

import logging

from aiohttp import web
from twilio.twiml.messaging_response import MessagingResponse

from hub import keys
from hub.channels.base import InboundRejected
from hub.channels.twilio.service import TwilioService
from hub.channels.twilio.signature import signed_form, signed_webhook
from hub.channels.twilio.sms import KIND, UNSUBSCRIBED, SmsForm, describe_error, keyword_of, problem_of, sender_of
from hub.channels.twilio.status import apply_status
from hub.clock import utcnow
from hub.wording import Wording

log = logging.getLogger(__name__)
routes = web.RouteTableDef()
TWILIO = web.AppKey("twilio", TwilioService)
# Nearly every answer is the empty one ("nothing to send back"): written once, not built per webhook.
EMPTY_TWIML = MessagingResponse().to_xml()


def twiml(response: MessagingResponse | None = None) -> web.Response:
    text = EMPTY_TWIML if response is None else response.to_xml()
    return web.Response(text=text, content_type="application/xml")


@routes.post("/webhooks/twilio/sms")
async def inbound_sms(request: web.Request) -> web.Response:
    service = request.app[TWILIO]
    fields = (await signed_webhook(request, service.signature, service.public)).fields
    number = service.config.number(fields.get("To", ""))
    if number is None:
        log.warning("SMS %s to unconfigured number %s: kept in the default queue", fields.get("MessageSid"),
                    fields.get("To"))  # fmt: skip
    try:
        envelope = service.sms.parse_inbound(SmsForm(fields, number))
    except InboundRejected as exc:
        raise web.HTTPBadRequest(text=f"{exc.code}: {exc}") from None
    word = keyword_of(fields) if not envelope.meta.get("media") else None
    if word in ("opt_out", "opt_in"):
        # A consent change, not a question for an agent: on the profile and in the customer's history.
        source = f"SMS {fields.get('Body', '').strip()[:20]!r} to {fields['To']} ({envelope.external_id})"
        await service.desk.record_consent(envelope.sender, KIND, granted=word == "opt_in", source=source, at=utcnow())
        return twiml()
    # Stored (durably) before we answer; the console, suggestions and statistics hear of it after the answer.
    result = await request.app[keys.INGESTOR].ingest(envelope, after_events=False)
    media = list(envelope.meta.get("media", []))
    if media and not result.duplicate:
        service.fetch_media_later(result.interaction.id, media)
    if word == "help" and service.config.help_reply and not result.duplicate:
        answer = MessagingResponse()
        answer.message(service.config.help_reply)
        return twiml(answer)
    return twiml()


@routes.post("/webhooks/twilio/status")
async def message_status(request: web.Request) -> web.Response:
    """Status callback of an SMS we sent; ?interaction= is in the signed URL, so it cannot be forged."""
    service = request.app[TWILIO]
    form = await signed_form(request, service.signature, service.public)
    sid, state = form.get("MessageSid", ""), form.get("MessageStatus", "")
    try:
        interaction_id = int(request.query.get("interaction", ""))
    except ValueError:
        raise web.HTTPBadRequest(text="bad_request: the status callback URL names no interaction") from None
    if not sid or not state:
        raise web.HTTPBadRequest(text="bad_request: missing required parameter MessageSid or MessageStatus")
    code = form.get("ErrorCode")
    error = describe_error(code) if code else None
    problem = problem_of(code) if code else None
    if error is None and state in ("undelivered", "failed"):
        error = f"Twilio reports {state}"
        problem = (
            Wording("the carrier could not deliver it")
            if state == "undelivered"
            else Wording("the SMS provider could not send it")
        )
    await apply_status(service.desk, interaction_id, sid, state, error, problem)
    if code and str(code) == str(UNSUBSCRIBED) and form.get("To"):
        # The carrier says this customer opted out (perhaps by texting STOP to another of our numbers).
        try:
            recipient = sender_of({"From": form["To"]}).identity
        except InboundRejected:
            return web.Response(status=204)
        await service.desk.record_consent(recipient, KIND, granted=False,
                                          source=f"Twilio error 21610 on {sid}", at=utcnow())  # fmt: skip
    return web.Response(status=204)
