"""Row ids from untrusted input (paths, query strings, JSON bodies, socket events), within the database's range."""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer
from sqlalchemy.types import TypeEngine

from hub.db.models import Ticket
from hub.wording import Worded


def column_max(kind: TypeEngine[int]) -> int:
    """The largest value a column of this type holds on every backend we run on (PostgreSQL is the narrower)."""
    return 2**63 - 1 if isinstance(kind, BigInteger) else 2**31 - 1 if isinstance(kind, Integer) else 0


# Every id column is an Integer (int4 on PostgreSQL): a larger number would make the driver fail, not find nothing.
MAX_ID = column_max(Ticket.__table__.c.id.type)


class BadId(Worded, ValueError):
    """The value is not a row id: not a whole number, a bool, zero, negative or beyond the column's range."""


def parse_id(raw: object, name: str = "id") -> int:
    """A positive id from a JSON number or a decimal string; BadId (with a message a client can act on) otherwise."""
    # bool is an int in Python: JSON `true` must not become agent 1.
    if isinstance(raw, bool):
        raise BadId("%(name)s must be an id (a whole number), not true/false", name=name)
    if isinstance(raw, str):
        text = raw.strip()
        # isdecimal() alone accepts other scripts' digits; ids are written in ASCII.
        if not (text.isascii() and text.isdecimal()) or len(text) > 20:
            raise BadId("%(name)s must be an id (a whole number from 1 to %(max)s)", name=name, max=MAX_ID)
        raw = int(text)
    if not isinstance(raw, int):
        raise BadId("%(name)s must be an id (a whole number from 1 to %(max)s)", name=name, max=MAX_ID)
    if not 1 <= raw <= MAX_ID:
        raise BadId("%(name)s must be between 1 and %(max)s", name=name, max=MAX_ID)
    return raw


def json_id(raw: object, name: str = "id") -> int:
    """An id in JSON (a body or a socket event): a number, as the API documents; "5" is a client's mistake."""
    if isinstance(raw, str):
        raise BadId("%(name)s must be an id as a JSON number, not a string", name=name)
    return parse_id(raw, name)


def optional_id(raw: object, name: str = "id") -> int | None:
    """json_id, with JSON null (or a missing value) meaning none."""
    return None if raw is None else json_id(raw, name)
