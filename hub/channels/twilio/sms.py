"""Twilio SMS adapter: signed webhook form -> envelope; agent replies out through the REST API."""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import aiohttp
from twilio.base.exceptions import TwilioRestException

from hub.channels.base import InboundRejected
from hub.channels.twilio.config import TwilioConfig, TwilioNumber
from hub.channels.twilio.rest import TwilioRest
from hub.channels.twilio.senders import PHONE, SMS_SENDER, SMS_WITHHELD, Sender, texter_of
from hub.envelopes import DeliveryReceipt, InboundEnvelope, OutboundMessage
from hub.wording import Wording

log = logging.getLogger(__name__)
KIND = "sms.twilio"
MAX_BODY_CHARS = 1600  # Twilio refuses longer bodies (error 21617)
MAX_MEDIA = 10  # Twilio sends at most ten media items per MMS
# Carrier-standard keywords (Twilio's Advanced Opt-Out list), plus what Chinese senders text: 退订, TD.
OPT_OUT = frozenset({"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "optout", "revoke", "td", "退订"})
OPT_IN = frozenset({"start", "yes", "unstop", "subscribe"})
HELP = frozenset({"help", "info"})
# Twilio error codes an agent should understand without looking them up.
ERRORS = {
    21211: "invalid 'To' number",
    21408: "SMS to this region is not enabled on the account",
    21610: "the recipient has opted out (replied STOP)",
    21614: "the number cannot receive SMS",
    30003: "unreachable handset",
    30004: "message blocked",
    30005: "unknown or inactive number",
    30006: "landline or unreachable carrier",
    30007: "filtered by the carrier as spam",
    30008: "unknown error from the carrier",
    63016: "outside the WhatsApp 24-hour window (only approved templates)",
}
UNSUBSCRIBED = 21610
# Twilio's WhatsApp sender writes both addresses as "whatsapp:+E.164"; the phone behind it is the customer's.
WHATSAPP = "whatsapp:"
UNREACHABLE = Wording("the SMS provider could not be reached or was busy; the hub tries again")
REFUSED = Wording("the SMS provider refused the message")
# Causes an agent can act on, said in their language; any other code is named by its number.
CAUSES = {
    21211: "the phone number is not valid",
    21408: "SMS to this region is not enabled on the account",
    21610: "the customer unsubscribed from SMS (they texted STOP)",
    21614: "this number cannot receive SMS",
    30003: "the phone is unreachable (switched off or out of coverage)",
    30004: "the message was blocked by the carrier or the customer",
    30005: "the number is unknown or no longer in service",
    30006: "the number cannot receive SMS (a landline, or a carrier that cannot be reached)",
    30007: "the carrier filtered the message as spam",
    30008: "the carrier could not deliver it (an unknown error)",
    # WhatsApp takes free text only within 24 hours of the customer's last message; after that, templates.
    63016: "more than 24 hours since the customer's last WhatsApp message: WhatsApp only takes an approved template",
}

Keyword = Literal["opt_out", "opt_in", "help"]


@dataclass(frozen=True, slots=True)
class SmsForm:
    fields: Mapping[str, str]
    number: TwilioNumber | None  # the configured number it was sent to; None for an unknown one


def keyword(body: str) -> Keyword | None:
    """A message that is only an opt-out, opt-in or help keyword (full-width letters and punctuation allowed)."""
    word = unicodedata.normalize("NFKC", body).strip().strip(".!。！").strip().lower()
    if word in OPT_OUT:
        return "opt_out"
    if word in OPT_IN:
        return "opt_in"
    return "help" if word in HELP else None


# Twilio's Advanced Opt-Out names the keyword class it matched (its own list plus the Messaging Service's custom
# keywords, in any language): that word counts even when it is not one of ours.
OPT_OUT_TYPES: dict[str, Keyword] = {"STOP": "opt_out", "START": "opt_in", "HELP": "help"}


def keyword_of(fields: Mapping[str, str]) -> Keyword | None:
    """The keyword a message is: as Twilio's Advanced Opt-Out matched it (OptOutType), else by our own lists."""
    matched = OPT_OUT_TYPES.get(fields.get("OptOutType", "").strip().upper())
    return matched or keyword(fields.get("Body", ""))


def describe_error(code: int | str | None) -> str:
    try:
        number = int(code or 0)
    except ValueError:
        return f"Twilio error {code}"
    return f"Twilio error {number}: {ERRORS[number]}" if number in ERRORS else f"Twilio error {number}"


def problem_of(code: int | str | None) -> Wording:
    """A Twilio error code as a cause the agent reads in their language."""
    try:
        number = int(code or 0)
    except ValueError:
        return Wording("the SMS provider refused it (error %(code)s)", {"code": str(code)})
    cause = CAUSES.get(number)
    return Wording(cause) if cause else Wording("the SMS provider refused it (error %(code)s)", {"code": number})


def sender_of(fields: Mapping[str, str]) -> Sender:
    """A phone number, or a short code or alphanumeric sender id (a bank, a delivery service, a carrier):
    their messages are kept like any other, though nobody can answer them by SMS."""
    raw = fields.get("From", "")
    if not raw:
        raise InboundRejected("bad_request", "missing required parameter From")
    sid = fields.get("MessageSid") or fields.get("SmsMessageSid") or ""
    sender = texter_of(raw, fields.get("FromCountry", ""), sid)
    if sender is None:
        raise InboundRejected("bad_request", f"From {raw[:40]!r} is no phone number, short code or sender id")
    return sender


class SmsChannel:
    kind = KIND
    identity_kind = PHONE
    sender_kinds = frozenset({PHONE, SMS_SENDER, SMS_WITHHELD})  # short codes, sender ids, hidden senders too
    capabilities = frozenset({"text", "media", "consent", "delivery_receipts"})
    reply_window: timedelta | None = None

    def __init__(self, config: TwilioConfig, public_url: str | None) -> None:
        self.config = config
        self._public_url = public_url
        self._rest: TwilioRest | None = None

    async def start(self) -> None:
        self._rest = TwilioRest(self.config)

    async def stop(self) -> None:
        if self._rest is not None:
            await self._rest.close()

    @property
    def rest(self) -> TwilioRest:
        assert self._rest is not None, "the SMS channel is not started"
        return self._rest

    def parse_inbound(self, raw: SmsForm) -> InboundEnvelope:
        f = raw.fields
        sid = f.get("MessageSid") or f.get("SmsMessageSid") or ""
        if not sid or not f.get("To"):
            raise InboundRejected("bad_request", "missing required parameter MessageSid or To")
        who = sender_of(f)
        sender = who.identity
        meta: dict[str, Any] = {"to": f["To"], "from": sender.value, "message_sid": sid}
        if f["To"].lower().startswith(WHATSAPP):
            meta["via"] = "whatsapp"  # answered on WhatsApp too (send), not by SMS to the same phone
        for ours, theirs in (("segments", "NumSegments"), ("country", "FromCountry"), ("city", "FromCity")):
            if f.get(theirs):
                meta[ours] = f[theirs]
        media = self._media(f)
        if media:
            meta["media"] = media
        if raw.number is None:
            meta["warning"] = f"sent to {f['To']}, which is not configured; filed in the default queue"
        text = f.get("Body", "")
        if not text.strip() and media:
            text = f"[彩信 MMS: {len(media)} attachment{'s' if len(media) > 1 else ''}]"
        return InboundEnvelope(
            channel=KIND,
            external_id=sid,
            sender=sender,
            sender_name=who.name,
            text=text,
            received_at=datetime.now(UTC),
            meta=meta,
            queue=raw.number.queue if raw.number else None,
            entry=f"sms:{raw.number.number}" if raw.number else None,
        )

    @staticmethod
    def _media(f: Mapping[str, str]) -> list[dict[str, str]]:
        try:
            count = min(MAX_MEDIA, max(0, int(f.get("NumMedia", "0") or 0)))
        except ValueError:
            raise InboundRejected("bad_request", f"NumMedia is not a number: {f.get('NumMedia')!r}") from None
        items = []
        for i in range(count):
            url = f.get(f"MediaUrl{i}", "")
            if url:
                items.append({"url": url, "content_type": f.get(f"MediaContentType{i}", "application/octet-stream")})
        return items

    def _from_number(self, msg: OutboundMessage) -> str | None:
        """The number the customer wrote to; otherwise the first number that sends SMS."""
        to = msg.reply_context.get("to")
        number = self.config.number(str(to)) if to else None
        if number is not None and number.sms:
            return number.number
        return next((n.number for n in self.config.numbers.values() if n.sms), None)

    async def send(self, msg: OutboundMessage) -> DeliveryReceipt:
        if len(msg.text) > MAX_BODY_CHARS:
            return DeliveryReceipt(
                "failed",
                error=f"an SMS is limited to {MAX_BODY_CHARS} characters",
                problem=Wording("an SMS is limited to %(max)s characters", {"max": MAX_BODY_CHARS}),
            )
        sender = self._from_number(msg)
        if sender is None:
            return DeliveryReceipt(
                "failed",
                error="no configured Twilio number sends SMS",
                problem=Wording("no configured Twilio number sends SMS"),
            )
        kwargs: dict[str, Any] = {"to": msg.recipient.value, "from_": sender, "body": msg.text}
        if str(msg.reply_context.get("to", "")).lower().startswith(WHATSAPP):
            # The customer wrote on WhatsApp: an SMS to the same phone would never reach that conversation.
            kwargs.update(to=WHATSAPP + msg.recipient.value, from_=WHATSAPP + sender)
        if self._public_url:
            kwargs["status_callback"] = f"{self._public_url}/webhooks/twilio/status?interaction={msg.interaction_id}"
        try:
            message = await self.rest.send_sms(**kwargs)
        except TwilioRestException as exc:
            transient = exc.status == 429 or exc.status >= 500
            detail = describe_error(exc.code) if exc.code else f"HTTP {exc.status}: {exc.msg}"
            problem = problem_of(exc.code) if exc.code else UNREACHABLE if transient else REFUSED
            return DeliveryReceipt("failed", error=detail, retryable=transient, problem=problem)
        except (aiohttp.ClientError, TimeoutError) as exc:
            error = f"Twilio unreachable: {type(exc).__name__}"
            return DeliveryReceipt("failed", error=error, retryable=True, problem=UNREACHABLE)
        return DeliveryReceipt("sent", external_id=str(message.sid) if message.sid else None)
