"""Twilio fixtures: an SMS webhook's form, and a call as stored when it reached the IVR's end."""

from __future__ import annotations

import json
from pathlib import Path

from hub.channels.twilio.config import TwilioNumber
from hub.channels.twilio.ivr import load_ivr
from hub.channels.twilio.sms import SmsForm
from hub.channels.twilio.voice import CallContact
from hub.settings import PROJECT_ROOT
from hub.tickets.calls import Call
from tests.channels.raw import Loaded, Loaders


def sms_raw(path: Path) -> Loaded:
    """Twilio's webhook form for an incoming message, and the configured number it was sent to."""
    spec = json.loads(path.read_text(encoding="utf-8"))
    number = TwilioNumber(spec["number"]) if spec.get("number") else None
    return SmsForm(spec["form"], number), spec.get("rejected")


def voice_raw(path: Path) -> Loaded:
    """A call as stored when it reached a leaf of the shipped IVR (or ended before one)."""
    spec = json.loads(path.read_text(encoding="utf-8"))
    ivr = load_ivr(PROJECT_ROOT / "config" / "ivr.toml")
    leaf = ivr.nodes[spec["leaf"]] if spec.get("leaf") else None
    call = Call(**spec["call"])
    return CallContact(call, TwilioNumber(call.number), leaf, ivr), spec.get("rejected")


LOADERS: Loaders = {"sms.twilio": ("sms/*.json", sms_raw), "voice.twilio": ("voice/*.json", voice_raw)}
