"""What the email channel needs of the core, handed in by the composition: it stores nothing itself."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from hub.tickets.desk import ChannelDesk
from hub.tickets.mail_notices import MailNoticeStore


class Checkpoints(Protocol):
    """Where each mailbox's reading stopped (MailCheckpoints, kept in the database layer)."""

    async def last_uid(self, mailbox: str, validity: int) -> int: ...

    async def advance(self, mailbox: str, validity: int, uid: int) -> None: ...


class Lead(Protocol):
    """One process at a time runs a job (hub.ops.leadership.Leadership): it starts it while it leads."""

    leading: bool

    async def begin(self) -> None: ...

    async def end(self) -> None: ...


# (job name, start, stop) -> its leadership
LeadershipFactory = Callable[[str, Callable[[], Awaitable[None]], Callable[[], Awaitable[None]]], Lead]


@dataclass(frozen=True, slots=True)
class MailCore:
    notices: MailNoticeStore  # delivery reports and automatic mail, on their ticket or for staff
    checkpoints: Checkpoints  # IMAP reading positions
    desk: ChannelDesk  # acknowledgements of new tickets
    leadership: LeadershipFactory  # exactly one process polls each mailbox
