"""WeChat fixtures: pushes as WeChat sends them."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from hub.channels.wechat.channel import WeChatPush
from hub.channels.wechat.push import SignedPush
from hub.channels.wechat.xml import parse_flat
from tests.channels.raw import Loaded, Loaders
from tests.wechat_kit import MAIN


def wechat_raw(path: Path) -> Loaded:
    """A file named rejected-<code>-... must be refused with <code>. A .xml file is a push's fields; a .json
    file is the whole signed request (query string, body, and when it arrived), so signatures, AppIDs and
    timestamps are checked as the webhook checks them."""
    rejected = path.name.split("-")[1] if path.name.startswith("rejected-") else None
    if path.suffix == ".json":
        spec = json.loads(path.read_text(encoding="utf-8"))
        received = datetime.fromisoformat(spec["received_at"])
        return SignedPush(MAIN, spec["query"], spec["body"].encode(), received), rejected
    return WeChatPush(MAIN, parse_flat(path.read_bytes())), rejected


LOADERS: Loaders = {"wechat": ("*.*", wechat_raw)}
