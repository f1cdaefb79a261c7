"""Every text the chat widget shows, listed so the catalog extraction finds them; the chat page hands the widget
their translations in each of its languages, and the widget picks one from the browser's languages."""

from __future__ import annotations

import functools
from pathlib import Path


def N_(message: str) -> str:
    return message


WIDGET_STRINGS: tuple[str, ...] = (
    # the window
    N_("Chat with us"),
    N_("We usually answer within a few minutes."),
    N_("Close chat"),
    N_("Open chat"),
    N_("Chat"),
    N_("Conversation"),
    N_("Support"),
    N_("Agent"),
    N_("Powered by hub"),
    # before the chat
    N_("Tell us who you are (optional), or just write below."),
    N_("Name"),
    N_("Email"),
    N_("Start chat"),
    # the composer
    N_("Type a message"),
    N_("Message"),
    N_("Send"),
    N_("Attach a file"),
    N_("Remove attachment"),
    N_("Enter to send, Shift+Enter for a new line"),
    # messages and their states
    N_("You"),
    N_("Sending…"),
    N_("Sent"),
    N_("Delivered"),
    N_("Read"),
    N_("Not sent"),
    N_("Send again"),
    N_("%(name)s is typing…"),
    N_("Someone is typing…"),
    N_("Attachment: %(name)s"),
    N_("Open the file"),
    # connection
    N_("Connecting…"),
    N_("Reconnecting…"),
    # refusals
    N_("Too many new chats right now, please try again in %(minutes)s min."),
    N_("Too many messages, please wait a moment."),
    N_("Not sent, please try again."),
    N_("Message too long (limit %(bytes)s bytes)."),
    N_("Please write a message."),
    N_("Only images (PNG, JPEG, GIF, WebP) and PDF files can be sent."),
    N_("The file is too large (limit %(size)s)."),
    N_("The file could not be uploaded, please try again."),
    # rating
    N_("How did we do?"),
    N_("Rate this conversation"),
    N_("%(n)s out of 5"),
    N_("Thank you for your feedback!"),
    N_("Thanks for rating us %(n)s out of 5."),
)


# What the hub tells a waiting visitor (notices.py), as message keys the widget translates; `when` is written by
# the widget in the visitor's own time zone.
OFFLINE_KEY = N_(
    "No agent is online right now. Your message is saved as ticket #%(ticket)s; we will answer here by %(when)s."
)
OFFLINE_SOON_KEY = N_(
    "No agent is online right now. Your message is saved as ticket #%(ticket)s; "
    "we will answer here as soon as possible."
)
STILL_LOOKING_KEY = N_(
    "All our agents are busy at the moment. We are still looking for someone to help you; "
    "please stay in this chat, your messages are saved."
)
NOTICE_KEYS = (OFFLINE_KEY, OFFLINE_SOON_KEY, STILL_LOOKING_KEY)


@functools.cache  # read once a process (every app made, each test's too, asks): callers only read it
def widget_catalogs(locale_dir: Path) -> dict[str, dict[str, str]]:
    """The widget's texts per language it offers: English as written, Chinese from locale/zh_CN."""
    po = locale_dir / "zh_CN" / "LC_MESSAGES" / "hub.po"
    chinese: dict[str, str] = {}
    if po.is_file():
        # Babel's reader (and the locale data its catalog header loads): on the first chat page, not at start.
        from babel.messages.pofile import read_po

        with po.open("rb") as f:
            catalog = read_po(f, locale="zh_CN", domain="hub")
        wanted = {*WIDGET_STRINGS, *NOTICE_KEYS}
        for message in catalog:  # an untranslated one ("") falls back to English in the widget
            text = message.string
            if isinstance(message.id, str) and message.id in wanted and isinstance(text, str) and not message.fuzzy:
                chinese[message.id] = text
    return {"en": {}, "zh-Hans": chinese}
