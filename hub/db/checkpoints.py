"""Channel state stores: where an IMAP mailbox's reading stopped (UIDVALIDITY, last UID), per mailbox."""

from __future__ import annotations

from sqlalchemy import select

from hub.db.engine import Database
from hub.db.models import MailCheckpoint


class MailCheckpoints:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def last_uid(self, mailbox: str, validity: int) -> int:
        """The last UID stored from this mailbox; 0 for a new mailbox, or one the server renumbered (read all
        again: stored mail is skipped)."""
        async with self._db.read() as s:
            row = await s.get(MailCheckpoint, mailbox)
        if row is None or row.uidvalidity != validity:
            return 0
        return int(row.last_uid)

    async def advance(self, mailbox: str, validity: int, uid: int) -> None:
        """After `uid` is stored: never backwards, reset when the server renumbered the mailbox."""
        async with self._db.write() as uow:
            row = await uow.session.scalar(
                select(MailCheckpoint).where(MailCheckpoint.mailbox == mailbox).with_for_update()
            )
            if row is None:
                uow.session.add(MailCheckpoint(mailbox=mailbox, uidvalidity=validity, last_uid=uid))
            else:
                if row.uidvalidity != validity:
                    row.uidvalidity, row.last_uid = validity, 0
                row.last_uid = max(int(row.last_uid), uid)
