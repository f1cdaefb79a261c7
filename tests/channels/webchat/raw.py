"""Web chat fixtures: a visitor's message event as the /visitor namespace receives it."""

from __future__ import annotations

import json
from pathlib import Path

from hub.channels.webchat.channel import VisitorMessage
from hub.channels.webchat.identity import read_claim
from tests.channels.raw import Loaded, Loaders


def webchat_raw(path: Path) -> Loaded:
    """A visitor's message event; "auth" is what the page connected with (pre-chat form, the website's signed
    identity), checked against the fixture's own "identity_secrets" as the widget's config would be."""
    spec = json.loads(path.read_text(encoding="utf-8"))
    payload = dict(spec["payload"])
    text = payload.get("text")
    if isinstance(text, str) and text.startswith("REPEAT:"):
        unit, _, count = text.removeprefix("REPEAT:").rpartition(":")
        payload["text"] = (unit or "x") * int(count)
    auth = {"name": spec.get("name"), "email": spec.get("email"), **spec.get("auth", {})}
    claim = read_claim(auth, spec.get("identity_secrets", {}))
    return VisitorMessage(spec["visitor_key"], payload, claim), spec.get("rejected")


LOADERS: Loaders = {"webchat": ("*.json", webchat_raw)}
