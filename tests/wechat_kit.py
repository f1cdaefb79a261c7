"""A local server speaking WeChat's API, and pushes signed (and encrypted) the way WeChat sends them."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from wechatpy.crypto import WeChatCrypto

from hub.channels.wechat.config import MenuTarget, WeChatAccount

AES_KEY = base64.b64encode(hashlib.sha256(b"hub-test-key").digest()).decode().rstrip("=")
MAIN = WeChatAccount(
    name="main",
    token="hubtoken",
    appid="wx0000000000000001",
    appsecret="s3cret",
    encoding_aes_key=AES_KEY,
    menu={"MENU_BILLING": MenuTarget(queue="billing", topic="billing", label="账单问题 Billing")},
)
OTHER = WeChatAccount(
    name="other", token="hubtoken", appid="wx0000000000000002", appsecret="x", encoding_aes_key=AES_KEY
)
OPENID = "oUSER_abcdefghijklmnop"
_ids = itertools.count(10_000_000)


def text_xml(
    content: str,
    *,
    openid: str = OPENID,
    msg_id: int | None = None,
    msg_type: str = "text",
    extra: str = "",
    created: int | None = None,
) -> str:
    msg_id = next(_ids) if msg_id is None else msg_id
    body = f"<Content><![CDATA[{content}]]></Content>" if msg_type == "text" else ""
    return (
        f"<xml><ToUserName><![CDATA[gh_hub]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{created or int(time.time())}</CreateTime><MsgType><![CDATA[{msg_type}]]></MsgType>{body}{extra}"
        f"<MsgId>{msg_id}</MsgId></xml>"
    )


def event_xml(event: str, key: str = "", *, openid: str = OPENID, created: int | None = None) -> str:
    return (
        f"<xml><ToUserName><![CDATA[gh_hub]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{created or int(time.time())}</CreateTime><MsgType><![CDATA[event]]></MsgType>"
        f"<Event><![CDATA[{event}]]></Event><EventKey><![CDATA[{key}]]></EventKey></xml>"
    )


def _sig(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()  # noqa: S324 (WeChat's scheme)


def plain_push(
    xml: str | bytes, account: WeChatAccount = MAIN, token: str | None = None, ts: int | None = None
) -> tuple[str, bytes]:
    """(query string, body) of a plaintext-mode push, signed at `ts` (now by default)."""
    stamp, nonce = str(ts or int(time.time())), "n0nce"
    query = urlencode(
        {"signature": _sig(token or account.token, stamp, nonce), "timestamp": stamp, "nonce": nonce, "openid": OPENID}
    )
    return query, xml.encode() if isinstance(xml, str) else xml


def safe_push(xml: str, account: WeChatAccount = MAIN, ts: int | None = None) -> tuple[str, bytes]:
    """(query string, body) of a safe-mode push, encrypted for `account`'s appid, signed at `ts`."""
    stamp, nonce = str(ts or int(time.time())), "n0nce2"
    assert account.encoding_aes_key
    encrypted = WeChatCrypto(account.token, account.encoding_aes_key, account.appid).encrypt_message(xml, nonce, stamp)
    msg_signature = encrypted.split("<MsgSignature><![CDATA[")[1].split("]]>")[0]
    query = urlencode(
        {
            "signature": _sig(account.token, stamp, nonce),
            "timestamp": stamp,
            "nonce": nonce,
            "encrypt_type": "aes",
            "msg_signature": msg_signature,
        }
    )
    return query, encrypted.encode()


@dataclass
class FakeWeChat:
    """The endpoints hub calls: /cgi-bin/token, /cgi-bin/message/custom/send, /cgi-bin/media/get,
    /cgi-bin/user/info."""

    accounts: dict[str, str] = field(default_factory=lambda: {MAIN.appid: MAIN.appsecret})
    valid_tokens: set[str] = field(default_factory=set)
    tokens_issued: int = 0
    sent: list[dict[str, Any]] = field(default_factory=list)
    outside_window: set[str] = field(default_factory=set)
    busy_once: bool = False
    media: dict[str, bytes] = field(default_factory=lambda: {"MEDIA_OK": b"\xff\xd8\xff\xe0fake-jpeg-bytes"})
    # user/info: followers by openid (as WeChat answers: since 2021 mostly without a nickname), an errcode
    # to answer instead (48001: the account may not call it), and a gate that holds answers until opened.
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    user_info_error: int | None = None
    user_info_asked: list[dict[str, str]] = field(default_factory=list)
    user_info_gate: asyncio.Event | None = None

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/cgi-bin/token", self.token)
        app.router.add_post("/cgi-bin/message/custom/send", self.send)
        app.router.add_get("/cgi-bin/media/get", self.get_media)
        app.router.add_get("/cgi-bin/user/info", self.user_info)
        return app

    async def token(self, request: web.Request) -> web.Response:
        q = request.query
        if q.get("grant_type") != "client_credential" or self.accounts.get(q.get("appid", "")) != q.get("secret"):
            return web.json_response({"errcode": 40125, "errmsg": "invalid appsecret"})
        self.tokens_issued += 1
        token = f"ACCESS_{self.tokens_issued}"
        self.valid_tokens.add(token)
        return web.json_response({"access_token": token, "expires_in": 7200})

    def expire_tokens(self) -> None:
        self.valid_tokens.clear()

    async def send(self, request: web.Request) -> web.Response:
        token = request.query.get("access_token", "")
        if token not in self.valid_tokens:
            return web.json_response({"errcode": 42001, "errmsg": "access_token expired"})
        body = await request.json()
        if self.busy_once:
            self.busy_once = False
            return web.json_response({"errcode": -1, "errmsg": "system error"})
        if body.get("touser") in self.outside_window:
            return web.json_response({"errcode": 45015, "errmsg": "response out of time limit"})
        self.sent.append({"token": token, "body": body})
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    async def get_media(self, request: web.Request) -> web.Response:
        if request.query.get("access_token") not in self.valid_tokens:
            return web.json_response({"errcode": 40001, "errmsg": "invalid credential"})
        data = self.media.get(request.query.get("media_id", ""))
        if data is None:
            return web.json_response({"errcode": 40007, "errmsg": "invalid media_id"})
        return web.Response(
            body=data, content_type="image/jpeg", headers={"Content-Disposition": 'attachment; filename="photo.jpg"'}
        )

    async def user_info(self, request: web.Request) -> web.Response:
        self.user_info_asked.append(dict(request.query))
        if self.user_info_gate is not None:
            await self.user_info_gate.wait()
        if request.query.get("access_token") not in self.valid_tokens:
            return web.json_response({"errcode": 40001, "errmsg": "invalid credential"})
        if self.user_info_error is not None:
            return web.json_response({"errcode": self.user_info_error, "errmsg": "api unauthorized"})
        openid = request.query.get("openid", "")
        if openid not in self.users:
            return web.json_response({"errcode": 40003, "errmsg": "invalid openid"})
        body = {"subscribe": 1, "openid": openid, "language": "zh_CN", "subscribe_time": 1764650000, "remark": "",
                "groupid": 0, "tagid_list": [], "subscribe_scene": "ADD_SCENE_QR_CODE", "qr_scene": 0,
                "qr_scene_str": "", **self.users[openid]}  # fmt: skip
        return web.Response(text=json.dumps(body, ensure_ascii=False), content_type="text/plain")
