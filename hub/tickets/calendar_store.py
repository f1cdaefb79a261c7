"""Calendars kept in the database: hub.toml's mirrored in at start-up, read into the process's SLA calendars."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.bus import EventBus
from hub.db.engine import Database
from hub.db.upserts import insert_for
from hub.events import CalendarChanged
from hub.tickets import sla
from hub.tickets.business_time import WEEKDAYS, Calendar, Span
from hub.tickets.calendar_config import CalendarError, parse_calendar
from hub.tickets.calendar_table import StoredCalendar

log = logging.getLogger(__name__)
FIELDS = ("time_zone", "hours", "holidays", "workdays", "workday_hours")


def span_text(span: Span) -> str:
    start, end = span
    return f"{start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}"


def stored_fields(calendar: Calendar) -> dict[str, Any]:
    """A calendar as the row (and the API) holds it: spans as "HH:MM-HH:MM", dates as ISO text, sorted."""
    return {
        "time_zone": calendar.zone.key,
        "hours": [[span_text(s) for s in spans] for spans in calendar.hours],
        "holidays": sorted(d.isoformat() for d in calendar.holidays),
        "workdays": sorted(d.isoformat() for d in calendar.workdays),
        "workday_hours": [span_text(s) for s in calendar.workday_hours],
    }


def calendar_from(name: str, fields: Mapping[str, Any]) -> Calendar:
    """The business-time calendar of stored fields, checked as hub.toml's tables are (CalendarError when not)."""
    table: dict[str, Any] = {
        "time_zone": fields["time_zone"],
        "hours": dict(zip(WEEKDAYS, fields["hours"], strict=True)),
        "holidays": list(fields["holidays"]),
        "workdays": list(fields["workdays"]),
    }
    if fields["workday_hours"]:
        table["workday_hours"] = list(fields["workday_hours"])
    return parse_calendar(name, table, Path())


def row_calendar(row: StoredCalendar) -> Calendar:
    return calendar_from(row.name, {f: getattr(row, f) for f in FIELDS})


async def sync_calendars(db: Database, configured: Mapping[str, Calendar]) -> None:
    """Add hub.toml's calendars that are missing, and refresh those no admin has edited since (a new year's
    holiday file reaches them); an admin's edits win over the file. A calendar taken out of the file stays (queues
    may name it) and becomes the admins' to delete."""
    insert = insert_for(db.is_sqlite)
    async with db.write() as uow:
        s = uow.session
        if configured:
            # Several processes start together against one new database: each adds what is missing, and a
            # calendar another one added meanwhile is simply there (not a unique-name error that stops it).
            rows = [{"name": name, **stored_fields(c), "configured": True, "edited": False}
                    for name, c in configured.items()]  # fmt: skip
            await s.execute(insert(StoredCalendar).values(rows).on_conflict_do_nothing(index_elements=["name"]))
        for row in await s.scalars(select(StoredCalendar).where(StoredCalendar.configured.is_(True))):
            calendar = configured.get(row.name)
            if calendar is None:
                row.configured = False
            elif not row.edited:
                for key, value in stored_fields(calendar).items():
                    if getattr(row, key) != value:
                        setattr(row, key, value)


async def load_calendars(s: AsyncSession) -> dict[str, Calendar]:
    """Every stored calendar by name; a row that no longer reads (a time zone the system lost) is left out, logged."""
    calendars = {}
    for row in await s.scalars(select(StoredCalendar).order_by(StoredCalendar.name)):
        try:
            calendars[row.name] = row_calendar(row)
        except CalendarError as exc:
            log.error("calendar %r cannot be used, its queues run around the clock: %s", row.name, exc)
    return calendars


async def reload_calendars(db: Database) -> None:
    """The process's SLA calendars become the stored ones (at start-up, and after any process changed one)."""
    async with db.read() as s:
        sla.install_calendars(await load_calendars(s))


def follow_changes(db: Database, bus: EventBus) -> None:
    """This process reads its calendars again after each change made in it (other processes hear through Redis)."""

    async def changed(_event: CalendarChanged) -> None:
        await reload_calendars(db)

    bus.subscribe(CalendarChanged, changed)
