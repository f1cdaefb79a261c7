"""`hub queue list|create|set|members`: queue administration from the command line, audited as the API's."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # `hub --help` builds the parser: the database code is imported only by the command itself
    from hub.db.engine import Database
    from hub.tickets.business_time import Calendar
    from hub.tickets.queue_admin import QueueEdit


def add_parser(sub: Any) -> None:
    """The `queue` command on the hub's argument parser (`sub`: its subparsers)."""
    queue = sub.add_parser("queue", help="manage queues (calendar, auto-assignment, members)")
    queue_sub = queue.add_subparsers(dest="queue_command", required=True)
    queue_sub.add_parser("list", help="every queue with its calendar, auto-assignment and members")
    create = queue_sub.add_parser("create", help="create a queue (kept across restarts)")
    create.add_argument("name")
    create.add_argument("--display-name", default=None)
    create.add_argument("--calendar", default=None, help="a [calendars.<name>] table; default: around the clock")
    create.add_argument("--manual", action="store_true", help="auto-assignment off: agents pick its tickets")
    change = queue_sub.add_parser("set", help="rename a queue, choose its calendar or switch auto-assignment")
    change.add_argument("name")
    change.add_argument("--display-name", default=None)
    calendar = change.add_mutually_exclusive_group()
    calendar.add_argument("--calendar", default=None, help="a calendar's name")
    calendar.add_argument("--no-calendar", action="store_true", help="count around the clock")
    assign = change.add_mutually_exclusive_group()
    assign.add_argument("--manual", action="store_true", help="auto-assignment off: agents pick its tickets")
    assign.add_argument("--auto", action="store_true", help="auto-assignment on")
    members = queue_sub.add_parser("members", help="set a queue's members to exactly these agent ids")
    members.add_argument("name")
    members.add_argument("agent_ids", type=int, nargs="*")


async def queue_command(db: Database, args: argparse.Namespace, calendars: Mapping[str, Calendar]) -> str:
    """What the command prints; queue_admin.QueueRefused or QueueNotFound (one line) when it cannot be done."""
    from hub.agents.accounts import Principal
    from hub.tickets import queue_admin, sla

    sla.install_calendars(calendars)
    cli = Principal(kind="cli", id=0, role="admin", name="hub queue")
    if args.queue_command == "create":
        async with db.write() as uow:
            queue = await queue_admin.create_queue(uow.session, cli, args.name, args.display_name, args.calendar,
                                                   auto_assign=not args.manual)  # fmt: skip
            return _line(await queue_admin.queue_json(uow.session, queue))
    if args.queue_command == "set":
        async with db.write() as uow:
            queue = await queue_admin.update_queue(uow, cli, args.name, _edit(args))
            return _line(await queue_admin.queue_json(uow.session, queue))
    if args.queue_command == "members":
        async with db.write() as uow:
            queue = await queue_admin.set_members(uow, cli, args.name, args.agent_ids)
            return _line(await queue_admin.queue_json(uow.session, queue))
    async with db.read() as s:
        return "\n".join(_line(q) for q in await queue_admin.list_queues(s)) or "no queues"


def _edit(args: argparse.Namespace) -> QueueEdit:
    """Only what the command names changes, as a PATCH does."""
    from hub.tickets.queue_admin import UNCHANGED, QueueEdit

    calendar = None if args.no_calendar else (args.calendar if args.calendar is not None else UNCHANGED)
    assign = False if args.manual else (True if args.auto else UNCHANGED)
    name = args.display_name if args.display_name is not None else UNCHANGED
    return QueueEdit(display_name=name, calendar=calendar, auto_assign=assign)


def _line(queue: Mapping[str, Any]) -> str:
    assign = "auto" if queue["auto_assign"] else "manual"
    members = ",".join(str(m) for m in queue["members"]) or "-"
    return f"{queue['name']}\t{queue['display_name']}\t{queue['calendar'] or '24x7'}\t{assign}\tmembers {members}"
