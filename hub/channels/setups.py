"""The channels a hub can run, in the order create_app sets them up (and registers, starts and sends through them).

A new channel is a folder with config.py and setup.py, and one line here."""

from __future__ import annotations

from hub.channels.core import ChannelSetup
from hub.channels.email import setup as email
from hub.channels.twilio import setup as twilio
from hub.channels.webchat import setup as webchat
from hub.channels.wechat import setup as wechat

# Keyed by the name of the channel's table in hub.toml ([email], [twilio], ...).
CHANNEL_SETUPS: dict[str, ChannelSetup] = {
    "webchat": webchat.setup,
    "wechat": wechat.setup,
    "twilio": twilio.setup,
    "email": email.setup,
}
