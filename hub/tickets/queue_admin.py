"""Queues as data admins manage: create, rename, choose a calendar, switch auto-assignment, set the members."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.agents import audit
from hub.agents.accounts import Principal
from hub.db.engine import UnitOfWork
from hub.db.models import Agent, Queue, QueueMember
from hub.events import QueueChanged
from hub.tickets import sla
from hub.wording import Worded

NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
UNCHANGED: Any = object()


class QueueRefused(Worded, ValueError):
    """Input a queue cannot take (422)."""


class QueueExists(QueueRefused):
    """Another queue has that name (409)."""


class QueueNotFound(Worded, LookupError):
    """No queue of that name (404)."""


@dataclass(frozen=True, slots=True)
class QueueEdit:
    """What an admin changes; UNCHANGED leaves a field, calendar None clears it (around the clock)."""

    display_name: Any = UNCHANGED
    calendar: Any = UNCHANGED
    auto_assign: Any = UNCHANGED


def _plain(queue: Queue) -> dict[str, Any]:
    return {"name": queue.name, "display_name": queue.display_name, "calendar": queue.calendar,
            "auto_assign": queue.auto_assign, "configured": queue.configured,
            "created_at": queue.created_at.isoformat()}  # fmt: skip


async def queue_json(s: AsyncSession, queue: Queue) -> dict[str, Any]:
    members = await s.scalars(select(QueueMember.agent_id).where(QueueMember.queue_id == queue.id))
    return {**_plain(queue), "members": sorted(members)}


async def list_queues(s: AsyncSession) -> list[dict[str, Any]]:
    """Every queue with its members, in two reads."""
    members: dict[int, list[int]] = {}
    for queue_id, agent_id in await s.execute(select(QueueMember.queue_id, QueueMember.agent_id)):
        members.setdefault(queue_id, []).append(agent_id)
    queues = await s.scalars(select(Queue).order_by(Queue.name))
    return [{**_plain(q), "members": sorted(members.get(q.id, []))} for q in queues]


async def create_queue(
    s: AsyncSession, actor: Principal | None, name: str, display_name: str | None = None,
    calendar: str | None = None, auto_assign: bool = True,
) -> Queue:  # fmt: skip
    """A queue made by an admin: start-up's sync of the configured queues leaves it as it is."""
    if not NAME.match(name):
        raise QueueRefused(
            "name '%(name)s': lower-case letters, digits, _ and -, at most 64, starting alphanumeric", name=name
        )
    if await s.scalar(select(Queue.id).where(Queue.name == name)) is not None:
        raise QueueExists("queue '%(queue)s' exists already", queue=name)
    queue = Queue(name=name, display_name=_display(display_name or name), calendar=_calendar(calendar),
                  auto_assign=auto_assign, configured=False)  # fmt: skip
    s.add(queue)
    await s.flush()
    audit.record(s, actor, "queue.created", "queue", queue.id, name=name, display_name=queue.display_name,
                 calendar=queue.calendar, auto_assign=auto_assign)  # fmt: skip
    return queue


async def update_queue(uow: UnitOfWork, actor: Principal | None, name: str, edit: QueueEdit) -> Queue:
    s = uow.session
    queue = await _queue(s, name)
    changed: dict[str, Any] = {}
    if edit.display_name is not UNCHANGED and _display(edit.display_name) != queue.display_name:
        changed["display_name"] = [queue.display_name, _display(edit.display_name)]
        queue.display_name = _display(edit.display_name)
    if edit.calendar is not UNCHANGED and _calendar(edit.calendar) != queue.calendar:
        changed["calendar"] = [queue.calendar, edit.calendar]
        queue.calendar = edit.calendar
    if edit.auto_assign is not UNCHANGED and edit.auto_assign != queue.auto_assign:
        changed["auto_assign"] = [queue.auto_assign, edit.auto_assign]
        queue.auto_assign = edit.auto_assign
    if changed:
        audit.record(s, actor, "queue.updated", "queue", queue.id, name=name, changes=changed)
        uow.emit(QueueChanged(name, tuple(changed)))
    return queue


async def set_members(uow: UnitOfWork, actor: Principal | None, name: str, agent_ids: Sequence[int]) -> Queue:
    """The queue's members become exactly these (active) agents."""
    s = uow.session
    queue = await _queue(s, name)
    wanted = set(agent_ids)
    found = set(await s.scalars(select(Agent.id).where(Agent.id.in_(wanted), Agent.active.is_(True))))
    if wanted - found:
        raise QueueRefused("agent %(agent)s does not exist or is inactive", agent=min(wanted - found))
    before = set(await s.scalars(select(QueueMember.agent_id).where(QueueMember.queue_id == queue.id)))
    if before - wanted:
        await s.execute(
            delete(QueueMember).where(QueueMember.queue_id == queue.id, QueueMember.agent_id.in_(before - wanted))
        )
    s.add_all(QueueMember(queue_id=queue.id, agent_id=a) for a in sorted(wanted - before))
    await s.flush()
    if before != wanted:
        audit.record(s, actor, "queue.members_set", "queue", queue.id, name=name, added=sorted(wanted - before),
                     removed=sorted(before - wanted))  # fmt: skip
        uow.emit(QueueChanged(name, ("members",)))
    return queue


async def _queue(s: AsyncSession, name: str) -> Queue:
    queue = await s.scalar(select(Queue).where(Queue.name == name))
    if queue is None:
        raise QueueNotFound("queue '%(queue)s' does not exist", queue=name)
    return queue


def _display(text: str) -> str:
    clean = " ".join(text.split())
    if not clean or len(clean) > 200:
        raise QueueRefused("display_name: 1 to 200 characters")
    return clean


def _calendar(name: str | None) -> str | None:
    if name is not None and sla.calendar_named(name) is None:
        known = ", ".join(sla.known_calendars())
        if not known:
            raise QueueRefused("no calendar named '%(calendar)s'; there are none yet", calendar=name)
        raise QueueRefused("no calendar named '%(calendar)s'; known: %(known)s", calendar=name, known=known)
    return name
