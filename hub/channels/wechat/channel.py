"""WeChat adapter: screened push fields -> envelopes; customer-service text messages out."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp

from hub.channels.base import InboundRejected
from hub.channels.wechat.api import OUTSIDE_WINDOW, Media, WeChatApi, WeChatApiError, problem_of
from hub.channels.wechat.config import WeChatAccount
from hub.channels.wechat.nicknames import NicknameCache
from hub.channels.wechat.push import DEFAULT_REPLAY_WINDOW, SignedPush, open_push
from hub.envelopes import DeliveryReceipt, IdentityRef, InboundEnvelope, OutboundMessage
from hub.wording import Wording

log = logging.getLogger(__name__)
IDENTITY_KIND = "wechat"
UNION_KIND = "wechat.unionid"
MEDIA_TYPES = frozenset({"image", "voice", "video", "shortvideo"})
CONSENT_EVENTS = frozenset({"subscribe", "unsubscribe"})
_PLACEHOLDER = {
    "image": "[图片 image]",
    "voice": "[语音 voice message]",
    "video": "[视频 video]",
    "shortvideo": "[小视频 short video]",
}


@dataclass(frozen=True, slots=True)
class WeChatPush:
    account: WeChatAccount
    fields: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class ConsentChange:
    sender: IdentityRef
    granted: bool
    source: str  # e.g. "wechat subscribe (scene qrscene_123)"
    at: datetime


def sender_of(account: WeChatAccount, fields: Mapping[str, str]) -> IdentityRef:
    openid = fields.get("FromUserName", "")
    if not openid or len(openid) > 128:
        raise InboundRejected("bad_request", "push without a valid FromUserName")
    # openids are per official account, so the appid is part of the identity.
    return IdentityRef(IDENTITY_KIND, f"{account.appid}:{openid}")


def kind_of(fields: Mapping[str, str]) -> str:
    """ "message", "consent" or "ignored" (events that are not contacts, e.g. VIEW or SCAN)."""
    msg_type = fields.get("MsgType", "")
    if not msg_type:
        raise InboundRejected("bad_request", "push without MsgType")
    if msg_type != "event":
        return "message"
    event = fields.get("Event", "")
    if event in CONSENT_EVENTS:
        return "consent"
    return "message" if event == "CLICK" else "ignored"


def _created(fields: Mapping[str, str]) -> datetime:
    try:
        return datetime.fromtimestamp(int(fields.get("CreateTime", "")), UTC)
    except (ValueError, OverflowError, OSError):
        return datetime.now(UTC)


class WeChatChannel:
    kind = "wechat"
    identity_kind = IDENTITY_KIND
    capabilities = frozenset({"text", "media", "menu", "consent"})
    # WeChat accepts customer-service messages only within 48 hours of the customer's last message.
    reply_window: timedelta | None = timedelta(hours=48)

    def __init__(
        self, accounts: tuple[WeChatAccount, ...], api_base: str, replay_window: timedelta = DEFAULT_REPLAY_WINDOW
    ) -> None:
        self.accounts = {a.name: a for a in accounts}
        self.replay_window = replay_window
        self._by_appid = {a.appid: a for a in accounts}
        self._api_base = api_base
        self._http: aiohttp.ClientSession | None = None
        self._apis: dict[str, WeChatApi] = {}
        self.nicknames = NicknameCache()

    async def start(self) -> None:
        self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=15))
        self._apis = {a.appid: WeChatApi(self._api_base, a, self._http) for a in self.accounts.values()}

    async def stop(self) -> None:
        if self._http is not None:
            await self._http.close()

    def parse_consent(self, raw: WeChatPush) -> ConsentChange:
        fields = raw.fields
        granted = fields.get("Event") == "subscribe"
        scene = fields.get("EventKey", "")
        source = f"wechat {fields.get('Event')}" + (f" ({scene})" if scene else "")
        return ConsentChange(sender_of(raw.account, fields), granted, source, _created(fields))

    def open(self, signed: SignedPush) -> WeChatPush:
        """A push as it arrived, verified (signature, AppID, freshness) and screened; raises Forged (403)
        or InboundRejected (400)."""
        return WeChatPush(signed.account, open_push(signed, self.replay_window))

    def parse_inbound(self, raw: WeChatPush | SignedPush) -> InboundEnvelope:
        if isinstance(raw, SignedPush):
            raw = self.open(raw)
        account, fields = raw.account, raw.fields
        sender = sender_of(account, fields)
        msg_type = fields["MsgType"]
        meta: dict[str, Any] = {"account": account.name, "msg_type": msg_type}
        queue: str | None = None
        if msg_type == "event":
            key = fields.get("EventKey", "")
            target = account.menu.get(key)
            external_id = f"{sender.value}:{fields.get('CreateTime', '')}:{fields.get('Event')}:{key}"
            text = f"[菜单 menu] {target.label if target else key}"
            meta.update(event=fields.get("Event"), event_key=key, topic=target.topic if target else None)
            queue = target.queue if target else None
        else:
            msg_id = fields.get("MsgId", "")
            # Retries carry the same MsgId; without one, sender and time identify the push.
            external_id = msg_id or f"{sender.value}:{fields.get('CreateTime', '')}:{msg_type}"
            text, extra = self._content(msg_type, fields)
            meta.update(extra)
        if fields.get("UnionId"):
            meta["unionid"] = fields["UnionId"]
        return InboundEnvelope(
            channel=self.kind,
            external_id=external_id,
            sender=sender,
            text=text,
            received_at=datetime.now(UTC),
            meta=meta,
            queue=queue,
            tags=(meta["topic"],) if meta.get("topic") else (),
            entry=f"wechat:menu:{meta['event_key']}" if meta.get("event_key") else None,
            extra_identities=(IdentityRef(UNION_KIND, fields["UnionId"]),) if fields.get("UnionId") else (),
        )

    @staticmethod
    def _content(msg_type: str, f: Mapping[str, str]) -> tuple[str, dict[str, Any]]:
        if msg_type == "text":
            return f.get("Content", ""), {}
        if msg_type in MEDIA_TYPES:
            extra = {
                "media_id": f.get("MediaId", ""),
                "format": f.get("Format"),
                "pic_url": f.get("PicUrl"),
                "thumb_media_id": f.get("ThumbMediaId"),
            }
            recognition = f.get("Recognition", "")
            text = recognition if msg_type == "voice" and recognition else _PLACEHOLDER[msg_type]
            return text, {k: v for k, v in extra.items() if v}
        if msg_type == "location":
            label = f.get("Label", "")
            lat, lon = f.get("Location_X", ""), f.get("Location_Y", "")
            return f"[位置 location] {label} ({lat}, {lon})".replace("  ", " "), {
                "latitude": lat,
                "longitude": lon,
                "scale": f.get("Scale"),
                "label": label,
            }
        if msg_type == "link":
            parts = [f.get("Title", ""), f.get("Description", ""), f.get("Url", "")]
            return "\n".join(p for p in parts if p), {"url": f.get("Url")}
        # A type we do not know yet is still a contact: keep it, with what it carried.
        return f"[{msg_type}]", {"fields": dict(f)}

    def api(self, account: WeChatAccount) -> WeChatApi:
        return self._apis[account.appid]

    async def fetch_media(self, account: WeChatAccount, media_id: str, max_bytes: int) -> Media:
        return await self._apis[account.appid].fetch_media(media_id, max_bytes)

    async def send(self, msg: OutboundMessage) -> DeliveryReceipt:
        appid, _, openid = msg.recipient.value.partition(":")
        api = self._apis.get(appid)
        if api is None or not openid:
            return DeliveryReceipt(
                "failed",
                error=f"no configured WeChat account for appid {appid!r}",
                problem=Wording("no configured WeChat account for appid %(appid)s", {"appid": appid}),
            )
        try:
            await api.send_text(openid, msg.text)
        except WeChatApiError as exc:
            if exc.errcode == OUTSIDE_WINDOW:
                return DeliveryReceipt(
                    "failed",
                    error="WeChat refused: more than 48 hours since the customer's last message (45015)",
                    problem=problem_of(exc),
                )
            return DeliveryReceipt("failed", error=str(exc), retryable=exc.transient, problem=problem_of(exc))
        return DeliveryReceipt("sent")
