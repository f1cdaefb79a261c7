"""WeChat accounts from [wechat.accounts.<name>] in config/hub.toml, validated at start-up."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from hub.channels.base import ChannelConfigError
from hub.channels.tables import channel_table, check_queue
from hub.settings import Settings

DEFAULT_API_BASE = "https://api.weixin.qq.com"
_NAME = re.compile(r"^[a-z0-9_-]{1,32}$")


class WeChatConfigError(ChannelConfigError):
    pass


@dataclass(frozen=True, slots=True)
class MenuTarget:
    """Where a CLICK on a menu key sends the customer: a queue, and the topic recorded as a tag."""

    queue: str | None
    topic: str
    label: str


@dataclass(frozen=True, slots=True)
class WeChatAccount:
    name: str
    token: str
    appid: str
    appsecret: str
    encoding_aes_key: str | None = None
    # Answered to every new message in WeChat's passive-reply slot, e.g. "收到，客服马上回复您".
    auto_reply: str | None = None
    menu: Mapping[str, MenuTarget] = field(default_factory=dict)


def _text(raw: Mapping[str, Any], key: str, prefix: str, *, required: bool = True) -> str | None:
    value = raw.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise WeChatConfigError(f"{prefix}.{key}", "a non-empty string")
    return value.strip()


def _aes_key(value: str | None, key: str) -> str | None:
    if value is None:
        return None
    try:
        decoded = base64.b64decode(value + "=", validate=True)
    except (binascii.Error, ValueError):
        decoded = b""
    if len(value) != 43 or len(decoded) != 32:
        raise WeChatConfigError(key, "the 43-character EncodingAESKey from the WeChat console")
    return value


def wechat_accounts(settings: Settings) -> tuple[WeChatAccount, ...]:
    """[wechat]'s accounts, their menus' queues checked."""
    return channel_table(settings, "wechat", tuple, _from_settings)


def _from_settings(raw: Any, settings: Settings) -> tuple[WeChatAccount, ...]:
    accounts = parse_accounts(raw)
    for account in accounts:
        for key, target in account.menu.items():
            check_queue(settings, f"wechat.accounts.{account.name}.menu.{key}.queue", target.queue)
    return accounts


def parse_accounts(raw: Any) -> tuple[WeChatAccount, ...]:
    """`raw` is the [wechat] table; returns its accounts in file order."""
    if raw is None:
        return ()
    if not isinstance(raw, Mapping) or not isinstance(raw.get("accounts", {}), Mapping):
        raise WeChatConfigError("wechat.accounts", "[wechat.accounts.<name>] tables")
    accounts = []
    for name, spec in raw.get("accounts", {}).items():
        prefix = f"wechat.accounts.{name}"
        if not _NAME.match(name) or not isinstance(spec, Mapping):
            raise WeChatConfigError(prefix, "a name of a-z, 0-9, _ or - and a table of settings")
        menu: dict[str, MenuTarget] = {}
        for key, target in (spec.get("menu") or {}).items():
            if not isinstance(target, Mapping) or not isinstance(target.get("topic"), str):
                raise WeChatConfigError(f"{prefix}.menu.{key}", "a table with topic (and optional queue, label)")
            queue = target.get("queue")
            menu[key] = MenuTarget(
                queue=queue if isinstance(queue, str) else None,
                topic=target["topic"],
                label=str(target.get("label") or target["topic"]),
            )
        accounts.append(
            WeChatAccount(
                name=name,
                token=str(_text(spec, "token", prefix)),
                appid=str(_text(spec, "appid", prefix)),
                appsecret=str(_text(spec, "appsecret", prefix)),
                encoding_aes_key=_aes_key(
                    _text(spec, "encoding_aes_key", prefix, required=False), f"{prefix}.encoding_aes_key"
                ),
                auto_reply=_text(spec, "auto_reply", prefix, required=False),
                menu=menu,
            )
        )
    appids = [a.appid for a in accounts]
    if len(set(appids)) != len(appids):
        raise WeChatConfigError("wechat.accounts", "each account with its own appid")
    return tuple(accounts)
