"""Database URLs as they may be printed or logged: the password hidden, whether or not the URL parses."""

from __future__ import annotations

import re

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

# user:password@ in any URL (a database URL in an error, a proxy URL).
_URL_PASSWORD = re.compile(r"(\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s:/@]*:)[^\s/]+@")


def hide_credentials(text: str) -> str:
    """'postgresql://hub:s3cret@db/hub' -> 'postgresql://hub:***@db/hub', wherever in the text."""
    return _URL_PASSWORD.sub(r"\1***@", text)


def shown_url(url: str) -> str:
    """The database URL as it may be printed or logged: 'postgresql+asyncpg://hub:***@db/hub'."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return hide_credentials(url)
