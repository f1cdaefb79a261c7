"""Canned responses (macros): shared or personal text with placeholders, plus ticket actions on use."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, ForeignKey, Integer, String, Text, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from hub.agents.accounts import Principal
from hub.clock import utcnow
from hub.db.base import Base
from hub.events.snapshots import TicketSnapshot
from hub.tickets.model import Status
from hub.wording import Worded

ACTION_STATUSES = {s.value for s in Status} - {Status.NEW.value, Status.CLOSED.value}
PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+\.[a-z_]+)\s*\}\}")


class MacroError(Worded, ValueError):
    """A macro that cannot be saved as asked (400 over the API)."""


class Macro(Base):
    __tablename__ = "macros"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    locale: Mapped[str | None] = mapped_column(String(16), default=None)
    # {"status": "pending", "add_tags": ["refund"]}: applied to the ticket when the macro is used.
    actions: Mapped[dict[str, Any]] = mapped_column(default=dict)
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("agents.id", ondelete="CASCADE"), index=True
    )  # None: shared
    uses: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "body": self.body,
            "locale": self.locale,
            "actions": self.actions,
            "shared": self.owner_id is None,
            "owner_id": self.owner_id,
            "uses": self.uses,
        }


def validated(data: dict[str, Any]) -> dict[str, Any]:
    """Title, body and actions from a request, each checked; MacroError names the first bad one."""
    title, body = data.get("title"), data.get("body")
    if not isinstance(title, str) or not title.strip() or len(title) > 200:
        raise MacroError("title: 1-200 characters")
    if not isinstance(body, str) or not body.strip() or len(body) > 10_000:
        raise MacroError("body: 1-10,000 characters")
    unknown = {m.group(1) for m in PLACEHOLDER.finditer(body)} - set(_FIELDS)
    if unknown:
        raise MacroError(
            "unknown placeholder '%(placeholder)s'; use %(choices)s",
            placeholder=sorted(unknown)[0],
            choices=", ".join(sorted(_FIELDS)),
        )
    actions = data.get("actions") or {}
    if not isinstance(actions, dict) or set(actions) - {"status", "add_tags"}:
        raise MacroError('actions: {"status": "pending", "add_tags": ["..."]}')
    if "status" in actions and actions["status"] not in ACTION_STATUSES:
        raise MacroError("actions.status must be one of %(choices)s", choices=", ".join(sorted(ACTION_STATUSES)))
    tags = actions.get("add_tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) and 0 < len(t) <= 64 for t in tags):
        raise MacroError("actions.add_tags: a list of tags of 1-64 characters")
    locale = data.get("locale")
    if locale is not None and (not isinstance(locale, str) or len(locale) > 16):
        raise MacroError("locale: a language tag such as zh-CN")
    return {"title": title.strip(), "body": body, "actions": actions, "locale": locale}


_FIELDS: dict[str, Callable[[TicketSnapshot, Principal], str]] = {
    "customer.name": lambda t, who: t.customer_name,
    "customer.tier": lambda t, who: t.customer_tier,
    "ticket.id": lambda t, who: str(t.id),
    "ticket.subject": lambda t, who: t.subject,
    "agent.name": lambda t, who: who.name,
}


def render(body: str, ticket: TicketSnapshot, actor: Principal) -> str:
    """Placeholders filled by plain substitution: a macro is data, never a template that could run code."""
    return PLACEHOLDER.sub(lambda m: _FIELDS[m.group(1)](ticket, actor) if m.group(1) in _FIELDS else m.group(0), body)


async def visible(s: AsyncSession, actor: Principal) -> list[Macro]:
    """Shared macros and the caller's own, the most used first."""
    stmt = select(Macro).order_by(Macro.uses.desc(), Macro.title)
    mine: ColumnElement[bool] = Macro.owner_id.is_(None)
    if actor.agent_id is not None:
        mine = or_(mine, Macro.owner_id == actor.agent_id)
    return list(await s.scalars(stmt.where(mine)))


def may_edit(macro: Macro, actor: Principal) -> bool:
    return actor.has_role("supervisor") or (macro.owner_id is not None and macro.owner_id == actor.agent_id)
