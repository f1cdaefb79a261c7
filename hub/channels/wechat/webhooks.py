"""GET/POST /webhooks/wechat/{account}: verify, screen, store, then answer within WeChat's 5 seconds."""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from xml.sax.saxutils import escape

from aiohttp import web

from hub import keys
from hub.channels.base import InboundRejected
from hub.channels.wechat.channel import IDENTITY_KIND, MEDIA_TYPES, WeChatChannel, kind_of
from hub.channels.wechat.config import WeChatAccount
from hub.channels.wechat.crypto import Forged, check_signature, encrypt_reply
from hub.channels.wechat.nicknames import fill_in
from hub.channels.wechat.push import SignedPush
from hub.channels.wechat.xml import MAX_PUSH_BYTES
from hub.customers.nicknames import Nicknames
from hub.tickets.desk import ChannelDesk

log = logging.getLogger(__name__)
routes = web.RouteTableDef()
WECHAT = web.AppKey("wechat_channel", WeChatChannel)
MEDIA_TASKS = web.AppKey("wechat_media_tasks", set[asyncio.Task[None]])


@dataclass(frozen=True, slots=True)
class WeChatCore:
    """What the webhook asks of the core besides ingesting: consent, late media, followers' nicknames."""

    desk: ChannelDesk
    nicknames: Nicknames


WECHAT_CORE = web.AppKey("wechat_core", WeChatCore)


def _account(request: web.Request) -> WeChatAccount:
    account = request.app[WECHAT].accounts.get(request.match_info["account"])
    if account is None:
        raise web.HTTPNotFound(text="unknown WeChat account")
    return account


@routes.get("/webhooks/wechat/{account}")
async def verify(request: web.Request) -> web.Response:
    """The console's server-URL check: echo echostr when the signature is ours."""
    account = _account(request)
    q = request.query
    try:
        check_signature(account, q.get("signature", ""), q.get("timestamp", ""), q.get("nonce", ""))
    except Forged:
        raise web.HTTPForbidden(text="bad signature") from None
    return web.Response(text=q.get("echostr", ""))


@routes.post("/webhooks/wechat/{account}")
async def push(request: web.Request) -> web.Response:
    account = _account(request)
    channel = request.app[WECHAT]
    q = request.query
    body = await request.content.read(MAX_PUSH_BYTES + 1)
    signed = SignedPush(account, q, body, datetime.now(UTC))
    try:
        raw = channel.open(signed)
        kind = kind_of(raw.fields)
    except Forged as exc:  # a bad signature, another AppID's message or a replay: authentication failures
        log.warning("wechat push refused for %s: %s (%s)", account.name, exc, exc.code)
        raise web.HTTPForbidden(text=f"{exc.code}: {exc}") from None
    except InboundRejected as exc:
        log.warning("wechat push refused for %s: %s (%s)", account.name, exc, exc.code)
        raise web.HTTPBadRequest(text=f"{exc.code}: {exc}") from None
    fields, safe_mode = raw.fields, signed.safe_mode
    if kind == "ignored":
        return web.Response(text="success")
    if kind == "consent":
        change = channel.parse_consent(raw)
        await request.app[WECHAT_CORE].desk.record_consent(
            change.sender,
            channel.kind,
            granted=change.granted,
            source=change.source,
            at=change.at,
        )
        if change.granted:
            _name_later(request.app, account, fields["FromUserName"])
        return web.Response(text="success")
    try:
        envelope = channel.parse_inbound(raw)
    except InboundRejected as exc:
        raise web.HTTPBadRequest(text=f"{exc.code}: {exc}") from None
    # Stored (durably) before we answer, which WeChat wants within 5 s; the console, routing's listeners and
    # suggestions hear of it after the answer.
    result = await request.app[keys.INGESTOR].ingest(envelope, after_events=False)
    if not result.duplicate:
        _name_later(request.app, account, fields["FromUserName"])
    media_id = envelope.meta.get("media_id")
    if media_id and not result.duplicate and fields.get("MsgType") in MEDIA_TYPES:
        _fetch_later(request.app, account, str(media_id), result.interaction.id)
    if account.auto_reply and not result.duplicate and fields.get("MsgType") != "event":
        return _passive_text(account, fields, account.auto_reply, safe_mode, q.get("nonce", ""))
    return web.Response(text="success")


def _passive_text(account: WeChatAccount, fields: Mapping[str, str], text: str, safe: bool, nonce: str) -> web.Response:
    xml = (
        f"<xml><ToUserName><![CDATA[{escape(fields['FromUserName'])}]]></ToUserName>"
        f"<FromUserName><![CDATA[{escape(fields['ToUserName'])}]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content><![CDATA[{text.replace(']]>', ']]]]><![CDATA[>')}]]></Content></xml>"
    )
    if safe:
        xml = encrypt_reply(account, xml, nonce or secrets.token_hex(8), str(int(time.time())))
    return web.Response(text=xml, content_type="application/xml")


def _name_later(app: web.Application, account: WeChatAccount, openid: str) -> None:
    """After the answer: the follower's nickname, when the account may read it and nobody asked lately."""
    channel = app[WECHAT]
    if channel.nicknames.claim(account.appid, openid):
        task = asyncio.create_task(_name(app, account, openid))
        app[MEDIA_TASKS].add(task)
        task.add_done_callback(app[MEDIA_TASKS].discard)


async def _name(app: web.Application, account: WeChatAccount, openid: str) -> None:
    channel = app[WECHAT]
    try:
        await fill_in(
            app[WECHAT_CORE].nicknames, channel.nicknames, channel.api(account), account.appid, openid, IDENTITY_KIND
        )
    except Exception:  # the message is stored and answered: a missing name is only a missing name
        log.exception("wechat nickname for a follower of %s not stored", account.name)


def _fetch_later(app: web.Application, account: WeChatAccount, media_id: str, interaction_id: int) -> None:
    """After the answer: WeChat allows 5 s per push, a media download can take longer."""
    task = asyncio.create_task(_fetch_media(app, account, media_id, interaction_id))
    app[MEDIA_TASKS].add(task)
    task.add_done_callback(app[MEDIA_TASKS].discard)


async def _fetch_media(app: web.Application, account: WeChatAccount, media_id: str, interaction_id: int) -> None:
    store = app[keys.ATTACHMENTS]
    try:
        media = await app[WECHAT].fetch_media(account, media_id, store.max_bytes)
        attachment = await store.put(media.data, media.filename, media.content_type)
    except Exception as exc:  # the message is stored already; record what is missing
        log.warning("wechat media %s for interaction %s not stored: %s", media_id, interaction_id, exc)
        await app[WECHAT_CORE].desk.add_attachments(interaction_id, [], warning=f"media {media_id} not fetched: {exc}")
        return
    await app[WECHAT_CORE].desk.add_attachments(interaction_id, [attachment])
