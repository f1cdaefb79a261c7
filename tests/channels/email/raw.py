"""Email fixtures: mail as it arrives."""

from __future__ import annotations

from pathlib import Path

from hub.channels.email.channel import RawMail
from hub.channels.email.config import Mailbox
from hub.channels.email.parse import parse_mail
from tests.channels.raw import Loaded, Loaders


def email_raw(path: Path) -> Loaded:
    """Mail is never refused (a broken one is kept with warnings)."""
    return RawMail(parse_mail(path.read_bytes()), Mailbox("support", ("support@hub.test",)), "test/raw.eml"), None


LOADERS: Loaders = {"email": ("*.eml", email_raw)}
