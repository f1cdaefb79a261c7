"""`hub calendars list|show|import|delete`: business-hours calendars from the command line, audited as the API's."""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # `hub --help` builds the parser: the database code is imported only by the command itself
    from hub.db.engine import Database
    from hub.settings import Settings
    from hub.tickets.business_time import Calendar


def add_parser(sub: Any) -> None:
    """The `calendars` command on the hub's argument parser (`sub`: its subparsers)."""
    calendars = sub.add_parser("calendars", help="business-hours calendars SLA clocks count in")
    calendars_sub = calendars.add_subparsers(dest="calendars_command", required=True)
    calendars_sub.add_parser("list", help="every calendar: time zone, weekly hours, where it came from, its queues")
    show = calendars_sub.add_parser("show", help="one calendar as JSON (as GET /api/v1/calendars shows it)")
    show.add_argument("name")
    load = calendars_sub.add_parser(
        "import", help="create or replace calendars from [calendars.<name>] tables in a TOML file (hub.toml's format)"
    )
    load.add_argument("file", type=Path)
    delete = calendars_sub.add_parser("delete", help="delete a calendar no queue uses")
    delete.add_argument("name")


async def calendars_command(db: Database, args: argparse.Namespace, settings: Settings) -> str:
    """What the command prints; CalendarRefused, CalendarNotFound or CalendarError (one line) when it cannot."""
    from hub.agents.accounts import Principal
    from hub.tickets import calendar_admin

    _announcing(db, settings.redis_url)
    cli = Principal(kind="cli", id=0, role="admin", name="hub calendars")
    await current_calendars(db, settings.calendars)
    if args.calendars_command == "import":
        return await _import(db, cli, args.file)
    if args.calendars_command == "delete":
        async with db.write() as uow:
            await calendar_admin.delete_calendar(uow, cli, args.name)
        return f"deleted {args.name}"
    async with db.read() as s:
        listed = await calendar_admin.list_calendars(s)
    if args.calendars_command == "show":
        found = [c for c in listed if c["name"] == args.name]
        if not found:
            raise calendar_admin.CalendarNotFound("calendar '%(name)s' does not exist", name=args.name)
        return json.dumps(found[0], ensure_ascii=False, indent=2)
    return "\n".join(_line(c) for c in listed) or "no calendars: every queue runs around the clock"


async def current_calendars(db: Database, configured: Mapping[str, Calendar]) -> dict[str, Calendar]:
    """The stored calendars (hub.toml's mirrored in first, as a starting hub would), for commands that name one."""
    from hub.tickets.calendar_store import load_calendars, sync_calendars

    await sync_calendars(db, configured)
    async with db.read() as s:
        return await load_calendars(s)


async def _import(db: Database, cli: Any, file: Path) -> str:
    """Every table of the file in one transaction: a bad one leaves every calendar as it was."""
    from hub.settings import paths
    from hub.tickets import calendar_admin
    from hub.tickets.business_time import WEEKDAYS
    from hub.tickets.calendar_admin import CalendarEdit, CalendarNotFound
    from hub.tickets.calendar_config import CalendarError, parse_calendars
    from hub.tickets.calendar_store import stored_fields

    try:
        raw = tomllib.loads(await asyncio.to_thread(file.read_text, encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise CalendarError(str(file), "", f"a readable TOML file ({exc})") from None
    calendars = parse_calendars(raw.get("calendars", {}), (file.parent, paths.CONFIG))
    done = []
    async with db.write() as uow:
        for name, calendar in calendars.items():
            fields = stored_fields(calendar)
            edit = CalendarEdit(**{**fields, "hours": dict(zip(WEEKDAYS, fields["hours"], strict=True))},
                                overnight=True)  # fmt: skip
            try:
                await calendar_admin.update_calendar(uow, cli, name, edit)
                done.append(f"updated {name}")
            except CalendarNotFound:
                await calendar_admin.create_calendar(uow, cli, name, edit)
                done.append(f"created {name}")
    return "\n".join(done) or f"{file}: no [calendars.<name>] tables"


def _announcing(db: Database, redis_url: str | None) -> None:
    """With Redis, serving processes read the calendars again at once; without, when they next start."""
    if not redis_url:
        return
    from hub.events import CalendarChanged
    from hub.ops.bridge import announce_calendars

    async def tell(event: CalendarChanged) -> None:
        await announce_calendars(redis_url, event.calendar)

    db.bus.subscribe(CalendarChanged, tell)


def _line(calendar: Mapping[str, Any]) -> str:
    source = "hub.toml" if calendar["configured"] and not calendar["edited"] else "admin"
    queues = ",".join(calendar["queues"]) or "-"
    return f"{calendar['name']}\t{calendar['time_zone']}\t{week_text(calendar['hours'])}\t{source}\tqueues {queues}"


def week_text(hours: Mapping[str, list[str]]) -> str:
    """Runs of days with the same hours: "mon-fri 09:00-18:00, sat 10:00-14:00"."""
    parts = []
    days = list(hours.items())
    for spans, run in itertools.groupby(days, key=lambda item: tuple(item[1])):
        names = [day for day, _ in run]
        if spans:
            label = names[0] if len(names) == 1 else f"{names[0]}-{names[-1]}"
            parts.append(f"{label} {' '.join(spans)}")
    return ", ".join(parts) or "closed"
