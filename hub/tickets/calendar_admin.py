"""Calendars as data admins manage: create, change hours, time zone, holidays and workdays, delete when unused."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any
from zoneinfo import available_timezones

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.agents import audit
from hub.agents.accounts import Principal
from hub.db.engine import UnitOfWork
from hub.db.models import Queue
from hub.events import CalendarChanged
from hub.tickets.business_time import WEEKDAYS
from hub.tickets.calendar_config import CalendarError, parse_spans
from hub.tickets.calendar_store import FIELDS, calendar_from, span_text
from hub.tickets.calendar_table import StoredCalendar
from hub.wording import Worded

NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
UNCHANGED: Any = object()
# A new calendar without hours: an office week, which the admin then adjusts.
OFFICE_WEEK = [["09:00-18:00"]] * 5 + [[], []]


class CalendarRefused(Worded, ValueError):
    """Input a calendar cannot take (422)."""


class CalendarConflict(CalendarRefused):
    """The name is taken, or queues still count in the calendar (409)."""


class CalendarNotFound(Worded, LookupError):
    """No calendar of that name (404)."""


# What a calendar's field should hold (calendar_config's words) as the sentence saying so, so every reader's
# language can say it; a file's own problems (only in hub.toml, never over the API) keep the general sentence.
EXPECTED: dict[str, str] = {
    "an IANA time zone name such as Asia/Shanghai": (
        "%(field)s: %(value)s is not an IANA time zone name such as Asia/Shanghai"
    ),
    "a list of dates (2026-10-01)": "%(field)s: %(value)s is not a list of dates (2026-10-01)",
    "a date such as 2026-10-01": "%(field)s: %(value)s is not a date such as 2026-10-01",
    "a day that is not also a holiday": "%(field)s: %(value)s is not a day that is not also a holiday",
    "working hours on at least one weekday": "%(field)s: %(value)s is not working hours on at least one weekday",
    'hours such as "09:00-18:00" or a list of them': (
        '%(field)s: %(value)s is not hours such as "09:00-18:00" or a list of them'
    ),
    'hours such as "09:00-18:00" (22:00-06:00 runs overnight)': (
        '%(field)s: %(value)s is not hours such as "09:00-18:00" (22:00-06:00 runs overnight)'
    ),
    "a span of hours between 00:00 and 24:00 that is not empty": (
        "%(field)s: %(value)s is not a span of hours between 00:00 and 24:00 that is not empty"
    ),
    "spans that do not overlap": "%(field)s: %(value)s is not spans that do not overlap",
}


def not_usable(field: str, exc: CalendarError) -> CalendarRefused:
    """A calendar_config refusal as a worded one; the value is shown as Python wrote it (quoted text)."""
    template = EXPECTED.get(exc.expected)
    if template is None:
        return CalendarRefused(
            "%(field)s: %(value)s is not %(expected)s", field=field, value=repr(exc.value), expected=exc.expected
        )
    return CalendarRefused(template, field=field, value=repr(exc.value))


@dataclass(frozen=True, slots=True)
class CalendarEdit:
    """What an admin sets; UNCHANGED leaves a field. `hours` names only the weekdays it changes. Spans end after
    they start, unless `overnight` (a file in hub.toml's format, where "22:00-06:00" runs past midnight)."""

    time_zone: Any = UNCHANGED
    hours: Any = UNCHANGED  # {"mon": ["09:00-12:00", "13:00-18:00"], "sun": []}
    holidays: Any = UNCHANGED  # ["2026-10-01", ...]: the whole list
    workdays: Any = UNCHANGED
    workday_hours: Any = UNCHANGED
    overnight: bool = False


@cache
def time_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def calendar_json(row: StoredCalendar, queues: Sequence[str] = ()) -> dict[str, Any]:
    return {
        "name": row.name,
        "time_zone": row.time_zone,
        "hours": dict(zip(WEEKDAYS, row.hours, strict=True)),
        "holidays": row.holidays,
        "workdays": row.workdays,
        "workday_hours": row.workday_hours,
        "configured": row.configured,
        "edited": row.edited,
        "queues": list(queues),
        "updated_at": row.updated_at.isoformat(),
    }


async def queues_using(s: AsyncSession) -> dict[str, list[str]]:
    users: dict[str, list[str]] = {}
    for name, calendar in await s.execute(select(Queue.name, Queue.calendar).where(Queue.calendar.is_not(None))):
        users.setdefault(calendar or "", []).append(name)
    return {calendar: sorted(names) for calendar, names in users.items()}


async def list_calendars(s: AsyncSession) -> list[dict[str, Any]]:
    users = await queues_using(s)
    rows = await s.scalars(select(StoredCalendar).order_by(StoredCalendar.name))
    return [calendar_json(row, users.get(row.name, [])) for row in rows]


async def find(s: AsyncSession, name: str) -> StoredCalendar:
    row = await s.scalar(select(StoredCalendar).where(StoredCalendar.name == name))
    if row is None:
        raise CalendarNotFound("calendar '%(name)s' does not exist", name=name)
    return row


async def create_calendar(uow: UnitOfWork, actor: Principal | None, name: str, edit: CalendarEdit) -> StoredCalendar:
    """A calendar made by an admin (time zone required; hours Monday to Friday 09:00-18:00 unless given)."""
    s = uow.session
    if not NAME.match(name):
        raise CalendarRefused(
            "name '%(name)s': lower-case letters, digits, _ and -, at most 64, starting alphanumeric", name=name
        )
    if edit.time_zone is UNCHANGED:
        raise CalendarRefused("%(field)s: required", field="time_zone")
    if await s.scalar(select(StoredCalendar.id).where(StoredCalendar.name == name)) is not None:
        raise CalendarConflict("calendar '%(name)s' exists already", name=name)
    base = {"time_zone": "UTC", "hours": OFFICE_WEEK, "holidays": [], "workdays": [], "workday_hours": []}
    fields = _checked(name, base, edit)
    row = StoredCalendar(name=name, **fields, configured=False, edited=True)
    s.add(row)
    await s.flush()
    audit.record(s, actor, "calendar.created", "calendar", row.id, name=name, **fields)
    uow.emit(CalendarChanged(name, "created"))
    return row


async def update_calendar(uow: UnitOfWork, actor: Principal | None, name: str, edit: CalendarEdit) -> StoredCalendar:
    s = uow.session
    row = await find(s, name)
    before = {f: getattr(row, f) for f in FIELDS}
    after = _checked(name, before, edit)
    changes = {f: [before[f], after[f]] for f in FIELDS if before[f] != after[f]}
    if changes:
        for field in changes:
            setattr(row, field, after[field])
        row.edited = True  # from now on the start-up sync leaves it as the admin set it
        await s.flush()
        audit.record(s, actor, "calendar.updated", "calendar", row.id, name=name, changes=changes)
        uow.emit(CalendarChanged(name, "updated"))
    return row


async def delete_calendar(uow: UnitOfWork, actor: Principal | None, name: str) -> None:
    """Refused while a queue counts in it: its tickets' SLA clocks would silently run around the clock."""
    s = uow.session
    row = await find(s, name)
    users = (await queues_using(s)).get(name, [])
    if users:
        raise CalendarConflict(
            "calendar '%(name)s' is used by queues %(queues)s: give them another first",
            name=name,
            queues=", ".join(users),
        )
    await s.delete(row)
    audit.record(s, actor, "calendar.deleted", "calendar", row.id, name=name, configured=row.configured)
    uow.emit(CalendarChanged(name, "deleted"))


def _checked(name: str, before: Mapping[str, Any], edit: CalendarEdit) -> dict[str, Any]:
    """The fields after `edit`, normalised (spans "HH:MM-HH:MM", sorted unique dates); CalendarRefused naming
    the field and why when they would not make a usable calendar."""
    fields = dict(before)
    if edit.time_zone is not UNCHANGED:
        if edit.time_zone not in time_zones():
            raise CalendarRefused(
                EXPECTED["an IANA time zone name such as Asia/Shanghai"], field="time_zone", value=repr(edit.time_zone)
            )
        fields["time_zone"] = edit.time_zone
    if edit.hours is not UNCHANGED:
        week = list(fields["hours"])
        for day, spans in edit.hours.items():
            week[WEEKDAYS.index(day)] = _spans(f"hours.{day}", spans, edit.overnight)
        fields["hours"] = week
    if edit.workday_hours is not UNCHANGED:
        fields["workday_hours"] = _spans("workday_hours", edit.workday_hours, edit.overnight)
    for key in ("holidays", "workdays"):
        if getattr(edit, key) is not UNCHANGED:
            fields[key] = sorted(set(getattr(edit, key)))
    try:
        calendar = calendar_from(name, fields)
    except CalendarError as exc:
        raise not_usable(exc.key.removeprefix(f"calendars.{name}."), exc) from None
    # Written back as read: "9:00 - 18:00" is stored "09:00-18:00", dates as ISO text.
    return {**fields, "hours": [[span_text(s) for s in day] for day in calendar.hours],
            "workday_hours": [span_text(s) for s in calendar.workday_hours]}  # fmt: skip


def _spans(key: str, spans: Sequence[str], overnight: bool) -> list[str]:
    """A day's spans as sent, sorted; each must end after it starts (a night is split at 24:00 across two days)."""
    try:
        parsed = parse_spans(key, list(spans))
    except CalendarError as exc:
        raise not_usable(exc.key, exc) from None
    for begin, end in parsed:
        if end <= begin and not overnight:
            raise CalendarRefused(
                "%(field)s: '%(span)s' ends before it starts; split a night at 24:00 (22:00-24:00, then "
                "00:00-06:00 on the next day)",
                field=key,
                span=span_text((begin, end)),
            )
    return [span_text(s) for s in parsed]
