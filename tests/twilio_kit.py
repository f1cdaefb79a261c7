"""A local server speaking Twilio's REST API (messages, media), and webhooks signed exactly as Twilio signs them."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web
from twilio.request_validator import RequestValidator

from hub.channels.twilio.config import TwilioConfig, TwilioNumber

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "twilio-test-auth-token"
SUPPORT = "+15550001111"
BILLING = "+15550002222"
CUSTOMER = "+8613800138000"
AGENT_PHONE = "+15550009999"
_sids = itertools.count(1)


def config(api_base: str, media_host: str) -> TwilioConfig:
    return TwilioConfig(
        account_sid=ACCOUNT_SID,
        auth_token=AUTH_TOKEN,
        api_base=api_base,
        numbers={
            SUPPORT: TwilioNumber(SUPPORT, None, "Support line"),
            BILLING: TwilioNumber(BILLING, "billing", "Billing line"),
        },
        media_hosts=(media_host,),
        media_allow_http=True,
        media_max_bytes=64 * 1024,
        media_timeout_s=5,
        help_reply="Support: reply with your question, or call +1 555 000 1111. STOP to opt out.",
    )


def sid(prefix: str) -> str:
    return f"{prefix}{next(_sids):032x}"


def sms_params(body: str, *, message_sid: str | None = None, sender: str = CUSTOMER, to: str = SUPPORT,
               **extra: str) -> dict[str, str]:  # fmt: skip
    """The form Twilio posts for an incoming message (see Twilio's messaging webhook reference)."""
    message_sid = message_sid or sid("SM")
    return {
        "ToCountry": "US", "ToState": "CA", "SmsMessageSid": message_sid, "NumMedia": "0",
        "ToCity": "", "FromZip": "", "SmsSid": message_sid, "FromState": "", "SmsStatus": "received",
        "FromCity": "BEIJING", "Body": body, "FromCountry": "CN", "To": to, "ToZip": "", "NumSegments": "1",
        "MessageSid": message_sid, "AccountSid": ACCOUNT_SID, "From": sender, "ApiVersion": "2010-04-01",
        **extra,
    }  # fmt: skip


def call_params(call_sid: str, *, caller: str = CUSTOMER, to: str = SUPPORT, **extra: str) -> dict[str, str]:
    """The standard voice request parameters."""
    return {
        "CallSid": call_sid, "AccountSid": ACCOUNT_SID, "From": caller, "To": to, "CallStatus": "in-progress",
        "ApiVersion": "2010-04-01", "Direction": "inbound", "CallerCountry": "CN", "Caller": caller, "Called": to,
        **extra,
    }  # fmt: skip


async def post_signed(url: str, params: dict[str, str], *, token: str = AUTH_TOKEN, sign: bool = True,
                      signed_url: str | None = None, timeout: float = 300) -> tuple[int, str]:  # fmt: skip
    """POST the form with X-Twilio-Signature computed over the URL and parameters, as Twilio does."""
    headers = {}
    if sign:
        headers["X-Twilio-Signature"] = RequestValidator(token).compute_signature(signed_url or url, params)
    limit = aiohttp.ClientTimeout(total=timeout)
    async with aiohttp.ClientSession(timeout=limit) as http, http.post(url, data=params, headers=headers) as r:
        return r.status, await r.text()


def twiml(text: str) -> ET.Element:
    root = ET.fromstring(text)  # noqa: S314
    assert root.tag == "Response", text
    return root


def verbs(text: str) -> list[str]:
    return [child.tag for child in twiml(text)]


@dataclass
class FakeTwilio:
    """POST /2010-04-01/Accounts/{sid}/Messages.json and media files, checking Basic auth like Twilio."""

    sent: list[dict[str, str]] = field(default_factory=list)
    refuse: dict[str, tuple[int, int, str]] = field(default_factory=dict)  # To -> (status, code, message)
    media: dict[str, tuple[bytes, str]] = field(
        default_factory=lambda: {"photo.jpg": (b"\xff\xd8\xff\xe0jpeg-bytes", "image/jpeg")}
    )
    redirect_to: str = ""
    auth_seen: list[str] = field(default_factory=list)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/2010-04-01/Accounts/{sid}/Messages.json", self.create_message)
        app.router.add_get("/media/{name}", self.get_media)
        app.router.add_get("/redirect/{name}", self.redirect)
        app.router.add_get("/huge", self.huge)
        return app

    async def create_message(self, request: web.Request) -> web.Response:
        authorized = request.headers.get("Authorization", "").startswith("Basic ")
        if request.match_info["sid"] != ACCOUNT_SID or not authorized:
            return web.json_response({"code": 20003, "message": "Authenticate", "status": 401}, status=401)
        form = {k: str(v) for k, v in (await request.post()).items()}
        if form.get("To") in self.refuse:
            status, code, message = self.refuse[form["To"]]
            return web.json_response({"code": code, "message": message, "status": status}, status=status)
        message_sid = sid("SM")
        self.sent.append({**form, "sid": message_sid})
        body: dict[str, Any] = {
            "sid": message_sid, "account_sid": ACCOUNT_SID, "to": form.get("To"), "from": form.get("From"),
            "body": form.get("Body"), "status": "queued", "num_segments": "1", "direction": "outbound-api",
            "api_version": "2010-04-01", "uri": f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{message_sid}.json",
        }  # fmt: skip
        return web.json_response(body, status=201)

    async def get_media(self, request: web.Request) -> web.Response:
        self.auth_seen.append(request.headers.get("Authorization", ""))
        item = self.media.get(request.match_info["name"])
        if item is None:
            return web.Response(status=404)
        return web.Response(body=item[0], content_type=item[1])

    async def redirect(self, request: web.Request) -> web.Response:
        raise web.HTTPFound(self.redirect_to + request.match_info["name"])

    async def huge(self, _request: web.Request) -> web.StreamResponse:
        return web.Response(body=b"x" * (200 * 1024), content_type="image/png")
