"""Customers' WeChat nicknames: user/info read after WeChat has had its answer, at most once a day per openid.
A failure (48001 for an account that may not read user info, a timeout) leaves the name as it is."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

from hub.channels.wechat.api import UNAUTHORIZED, WeChatApi, WeChatApiError
from hub.customers.nicknames import Nicknames
from hub.envelopes import IdentityRef, storable_text

log = logging.getLogger(__name__)
FRESH_S = 24 * 3600  # a looked-up openid is not asked again for a day (nicknames seldom change)
RETRY_S = 600  # after a timeout or an error
DENIED_S = 3600  # after 48001 and the like: the account may not read user info (it may be verified later)
# Errors about the account, not the follower: asking for other followers would fail the same way.
# 48001 api unauthorized, 40013 invalid appid, 40125 invalid appsecret, 40164 caller IP not whitelisted,
# 50001/50002 the account may not use this API.
ACCOUNT_ERRORS = frozenset({UNAUTHORIZED, 40013, 40125, 40164, 50001, 50002})
MAX_ENTRIES = 100_000


def nickname_of(info: Mapping[str, Any]) -> str:
    """The name user/info gives: the nickname, else the account's own remark for the follower. Since
    December 2021 WeChat returns no nickname (or an empty one) to most accounts: then ""."""
    for key in ("nickname", "remark"):
        value = info.get(key)
        if isinstance(value, str) and storable_text(value).strip():
            return " ".join(storable_text(value).split())[:200]
    return ""


class NicknameCache:
    """When each openid (and account) may be asked next; in memory, per process."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._next: dict[str, float] = {}  # "<appid>:<openid>" -> when to ask again
        self._denied: dict[str, float] = {}  # appid -> when to try again

    def claim(self, appid: str, openid: str) -> bool:
        """True when this openid should be looked up now (and nobody else looks it up meanwhile)."""
        now, key = self._clock(), f"{appid}:{openid}"
        if self._next.get(key, 0.0) > now or self._denied.get(appid, 0.0) > now:
            return False
        if len(self._next) >= MAX_ENTRIES:
            self._next = {k: t for k, t in self._next.items() if t > now}
        self._next[key] = now + RETRY_S
        return True

    def done(self, appid: str, openid: str) -> None:
        self._next[f"{appid}:{openid}"] = self._clock() + FRESH_S

    def denied(self, appid: str, seconds: float = DENIED_S) -> None:
        self._denied[appid] = self._clock() + seconds


async def fill_in(names: Nicknames, cache: NicknameCache, api: WeChatApi, appid: str, openid: str, kind: str) -> None:
    """Look a claimed follower up and name their customer; runs after WeChat has had its answer."""
    identity = IdentityRef(kind, f"{appid}:{openid}")
    if not await names.unnamed(identity):
        cache.done(appid, openid)
        return
    try:
        info = await api.user_info(openid)
    except WeChatApiError as exc:
        if exc.errcode in ACCOUNT_ERRORS:
            cache.denied(appid)
        elif exc.transient:  # WeChat unreachable or busy: give every follower's look-up a rest
            cache.denied(appid, RETRY_S)
        log.info("wechat user/info for %s not read: %s", appid, exc)
        return
    cache.done(appid, openid)
    name = nickname_of(info)
    if name:
        await names.give(identity, name)
