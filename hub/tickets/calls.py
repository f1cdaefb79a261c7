"""A phone call's stored progress: opened on the first webhook, edited as the caller walks the menu and waits,
its interaction annotated as the call goes on. Channels get plain `Call` copies; the rows stay here.
(Ringing an agent and their answer are routing's: hub.routing.calls.)"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from hub.customers.identities import find_customer
from hub.db.engine import Database
from hub.db.models import Interaction, VoiceCall
from hub.envelopes import IdentityRef

# The strongest outcome wins whatever order the callbacks arrive in: a call the agent answered stays
# answered even if the final status callback says only "completed".
OUTCOMES = {"abandoned": 1, "callback": 2, "voicemail": 3, "answered": 4}


@dataclass(slots=True)
class Call:
    """A call as stored (voice_calls), detached from any session: read freely, edit inside CallStore.edit."""

    call_sid: str
    number: str  # the number called
    caller: str  # as the provider sent it: a number, "client:alice", a sip: URI, "anonymous" or empty
    tier: str = "general"
    language: str | None = None
    node: str | None = None  # None: choosing the language
    path: list[Any] = field(default_factory=list)
    state: str = "ivr"
    want: str | None = None  # "voicemail" or "callback"
    retries: int = 0
    ticket_id: int | None = None
    interaction_id: int | None = None
    agent_id: int | None = None
    outcome: str | None = None
    voicemail_offered: bool = False
    announced_at: datetime | None = None


_FIELDS = tuple(f.name for f in fields(Call))


def _copy(row: VoiceCall) -> Call:
    call = Call(**{name: getattr(row, name) for name in _FIELDS})
    call.path = list(call.path)  # its own list: edits reach the row only through write-back
    return call


def _write_back(row: VoiceCall, call: Call) -> None:
    for name in _FIELDS[1:]:  # never the key
        value = getattr(call, name)
        if value != getattr(row, name):
            setattr(row, name, value)


def outcome_after(current: str | None, new: str) -> str:
    return new if OUTCOMES.get(new, 0) > OUTCOMES.get(current or "", 0) else current or new


class CallStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def open(self, call_sid: str, number: str, caller: str, known_as: IdentityRef | None) -> tuple[Call, bool]:
        """The call, created on its first webhook (a retried webhook finds it): (call, is_new).
        `known_as` is the identity to greet by tier; None for a withheld caller (nobody to look up)."""
        async with self._db.write() as uow:
            s = uow.session
            row = await s.get(VoiceCall, call_sid)
            if row is not None:
                return _copy(row), False
            customer = await find_customer(s, known_as) if known_as is not None else None
            tier = customer.tier if customer else "general"
            row = VoiceCall(call_sid=call_sid, number=number, caller=caller, tier=tier)
            s.add(row)
            await s.flush()
            return _copy(row), True

    async def load(self, call_sid: str) -> Call | None:
        """The call as it stands, for reading: no write transaction, no row lock."""
        async with self._db.read() as s:
            row = await s.get(VoiceCall, call_sid)
            return _copy(row) if row is not None else None

    @asynccontextmanager
    async def edit(self, call_sid: str) -> AsyncIterator[Call | None]:
        """The call to change, locked on PostgreSQL (the provider may post two callbacks of one call at
        once); what the block changed is stored when it ends without an exception."""
        async with self._db.write() as uow:
            row = await uow.session.get(VoiceCall, call_sid, with_for_update=not self._db.is_sqlite)
            if row is None:
                yield None
                return
            call = _copy(row)
            yield call
            _write_back(row, call)

    async def record_step(self, call_sid: str, step: dict[str, Any], **changes: Any) -> None:
        """A menu answer given once the call is a ticket (the voicemail offer): on the call and its interaction."""
        async with self._db.write() as uow:
            call = await uow.session.get(VoiceCall, call_sid, with_for_update=not self._db.is_sqlite)
            if call is None:
                return
            call.path = [*call.path, step]
            for key, value in changes.items():
                setattr(call, key, value)
            if call.interaction_id is not None:
                row = await uow.session.get(Interaction, call.interaction_id)
                if row is not None:
                    row.meta = {**row.meta, "ivr_path": list(call.path)}

    async def annotate(self, interaction_id: int | None, text: str | None = None, **meta: Any) -> None:
        """Merge what the call has learnt (outcome, duration, recording, transcript) into its interaction."""
        if interaction_id is None:
            return
        async with self._db.write() as uow:
            row = await uow.session.get(Interaction, interaction_id)
            if row is None:
                return
            if "outcome" in meta:
                meta["outcome"] = outcome_after(row.meta.get("outcome"), meta["outcome"])
            row.meta = {**row.meta, **{k: v for k, v in meta.items() if v is not None}}
            if text is not None:
                row.text = text
