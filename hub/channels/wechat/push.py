"""A push as it arrives (query string and body) -> its screened fields; forged, foreign and replayed pushes
are refused as authentication failures (403), before anything is stored."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from hub.channels.base import InboundRejected
from hub.channels.wechat.config import WeChatAccount
from hub.channels.wechat.crypto import Forged, check_signature, decrypt_push
from hub.channels.wechat.xml import parse_flat

DEFAULT_REPLAY_WINDOW = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class SignedPush:
    account: WeChatAccount
    query: Mapping[str, str]
    body: bytes
    received_at: datetime  # when we got it: the clock the push's own times are held against

    @property
    def safe_mode(self) -> bool:
        return self.query.get("encrypt_type") == "aes"


def _check_time(raw: str, what: str, received_at: datetime, window: timedelta) -> None:
    try:
        sent = datetime.fromtimestamp(int(raw), UTC)
    except (ValueError, OverflowError, OSError):
        raise Forged(f"{what} {raw[:20]!r} is not a Unix time", "replayed") from None
    skew = abs(received_at - sent)
    if skew > window:
        raise Forged(f"{what} is {int(skew.total_seconds())} s from now (allowed: {int(window.total_seconds())} s)",
                     "replayed")  # fmt: skip


def open_push(push: SignedPush, window: timedelta = DEFAULT_REPLAY_WINDOW) -> dict[str, str]:
    """The fields of a genuine, fresh push. Raises Forged (403) or InboundRejected (400)."""
    q, account = push.query, push.account
    timestamp, nonce = q.get("timestamp", ""), q.get("nonce", "")
    if push.safe_mode:
        inner = decrypt_push(account, push.body, q.get("msg_signature", ""), timestamp, nonce)
    else:
        check_signature(account, q.get("signature", ""), timestamp, nonce)
    # The signature covers the URL's timestamp, so a fresh one cannot be forged onto an old push.
    _check_time(timestamp, "the URL timestamp", push.received_at, window)
    fields = parse_flat(inner if push.safe_mode else push.body)
    if fields.get("CreateTime", "").isdigit():  # when the message was written: an old one is a replay too
        _check_time(fields["CreateTime"], "CreateTime", push.received_at, window)
    if fields.get("ToUserName", "") == "" or not fields.get("FromUserName"):
        raise InboundRejected("bad_request", "push without ToUserName/FromUserName")
    return fields
