"""Mail that is no customer's contact (delivery reports, automatic replies), stored where it belongs.

A report about one of our mails moves that mail's delivery state through delivery.record_delivery and
stays on its ticket as a system line. An automatic reply (out of office, a notification, a newsletter)
that answers a ticket's mail is kept on that ticket as a quiet system line: it reopens nothing, is routed
nowhere, starts no clock and gets no answer. What concerns no ticket becomes a notice for staff
(mail_notices): never a ticket, and never a customer called mailer-daemon. Each is stored once, however
often the sending server delivers it. The email channel reads the mail; this module only stores.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.clock import utcnow
from hub.db.engine import Database, UnitOfWork
from hub.db.models import Customer, Identity, Interaction, MailNotice, Queue, Ticket
from hub.envelopes import storable_json, storable_text
from hub.events import MessageCreated
from hub.events.snapshots import InteractionSnapshot, TicketSnapshot
from hub.tickets.delivery import record_delivery
from hub.wording import Wording

MAX_TEXT = 20_000
_HEADLINE = {"failed": "Delivery failed", "delayed": "Delivery delayed", "delivered": "Delivered"}


@dataclass(frozen=True, slots=True)
class MailFacts:
    """What storing a report or an automatic mail needs of it, read by the email channel."""

    external_id: str  # the Message-ID, or a hash of the mail
    message_id: str | None
    sender: str | None  # the address, lower-case: whose identity it is
    shown_sender: str  # for staff: the address, else the From header as it came
    subject: str
    text: str  # the new part, else what it quotes
    in_reply_to: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    ticket_hint: int | None = None  # the [#id] in the subject
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Report:
    """A delivery report about mail we sent: which mail, what became of it and why."""

    message_ids: tuple[str, ...]  # candidates, most reliable first
    action: str  # "failed", "delayed" or "delivered"
    reason: str
    details: dict[str, Any]  # kept on the line or the notice


class MailNoticeStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def report(self, mail: MailFacts, report: Report, mailbox: str, raw_key: str) -> str:
        """Record a delivery report: "ticket" (on the mail it concerns), "notice" or "duplicate"."""
        async with self._db.write() as uow:
            s = uow.session
            if await _seen(s, mail.external_id[:255]):
                return "duplicate"
            ours = None
            if report.message_ids:
                ours = await s.scalar(
                    select(Interaction)
                    .where(
                        Interaction.channel == "email",
                        Interaction.direction == "outbound",
                        Interaction.external_id.in_(report.message_ids),
                    )
                    .order_by(Interaction.id.desc())
                    .limit(1)
                )
            meta = {"raw_key": raw_key, "mailbox": mailbox, "report": report.details}
            if ours is None:
                _notice(s, "bounce", mail, report.reason, meta)
                return "notice"
            if report.action == "failed":
                bounced = Wording("the customer's mail server returned it as undeliverable")
                await record_delivery(uow, ours, "failed", f"bounced: {report.reason}"[:1000], problem=bounced)
            elif report.action == "delivered":
                await record_delivery(uow, ours, "delivered")
            text = f"{_HEADLINE[report.action]}: {report.reason}"
            await _system_line(uow, ours.ticket_id, mail, text, {**meta, "bounce_of": ours.external_id})
            return "ticket"

    async def purge(self, retention_days: int) -> int:
        """Notices older than the raw copies they point to (kept as long as raw mail): how many went."""
        async with self._db.write() as uow:
            cutoff = utcnow() - timedelta(days=retention_days)
            result = await uow.session.execute(delete(MailNotice).where(MailNotice.received_at < cutoff))
            return int(getattr(result, "rowcount", 0) or 0)

    async def automatic(self, mail: MailFacts, why: str, mailbox: str, raw_key: str, text: str) -> str:
        """Record an automatic mail: "ticket" (quietly, on the ticket it answers), "notice" or "duplicate"."""
        async with self._db.write() as uow:
            s = uow.session
            if await _seen(s, mail.external_id[:255]):
                return "duplicate"
            meta = {"raw_key": raw_key, "mailbox": mailbox, "automatic": why, "message_id": mail.message_id,
                    "from": mail.sender, "subject": mail.subject[:300]}  # fmt: skip
            ticket_id = await _answered_ticket(s, mail)
            if ticket_id is None:
                _notice(s, "automatic", mail, why, meta)
                return "notice"
            await _system_line(uow, ticket_id, mail, text, meta)
            return "ticket"


async def _seen(s: AsyncSession, external_id: str) -> bool:
    mail_seen = exists().where(Interaction.channel == "email", Interaction.external_id == external_id)
    notice_seen = exists().where(MailNotice.message_id == external_id)
    return bool(await s.scalar(select(mail_seen)) or await s.scalar(select(notice_seen)))


async def _answered_ticket(s: AsyncSession, mail: MailFacts) -> int | None:
    """The ticket whose mail this one answers: one of ours it references, or the sender's own ticket
    (by reference or by the subject's [#id]); a hint never reaches a stranger's ticket."""
    owner = None
    if mail.sender:
        owner = await s.scalar(
            select(Identity.customer_id).where(Identity.kind == "email", Identity.value == mail.sender)
        )
    refs = [*mail.in_reply_to, *reversed(mail.references)][:50]
    if refs:
        rows = await s.execute(
            select(Interaction.ticket_id, Interaction.direction, Interaction.customer_id)
            .where(Interaction.channel == "email", Interaction.external_id.in_(refs))
            .order_by(Interaction.id.desc())
        )
        for ticket_id, direction, customer_id in rows:
            if direction == "outbound" or customer_id == owner:
                return int(ticket_id)
    if mail.ticket_hint is not None and owner is not None:
        ticket = await s.get(Ticket, mail.ticket_hint)
        if ticket is not None and ticket.customer_id == owner:
            return ticket.id
    return None


def _notice(s: AsyncSession, kind: str, mail: MailFacts, reason: str, meta: dict[str, Any]) -> None:
    s.add(
        MailNotice(
            kind=kind,
            message_id=mail.external_id[:255],
            mailbox=str(meta.get("mailbox", ""))[:64],
            sender=storable_text(mail.shown_sender)[:320],
            subject=storable_text(mail.subject)[:300],
            text=storable_text(mail.text)[:MAX_TEXT],
            reason=storable_text(reason)[:300],
            meta=storable_json({**meta, "warnings": list(mail.warnings[:10])}),
            received_at=utcnow(),
        )
    )


async def _system_line(uow: UnitOfWork, ticket_id: int, mail: MailFacts, text: str, meta: dict[str, Any]) -> None:
    """A system line on the ticket; the ticket itself (status, clocks, owner) is left as it is."""
    s = uow.session
    ticket = await s.get_one(Ticket, ticket_id)
    customer = await s.get_one(Customer, ticket.customer_id)
    queue = await s.scalar(select(Queue.name).where(Queue.id == ticket.queue_id))
    line = Interaction(
        ticket_id=ticket.id,
        customer_id=ticket.customer_id,
        direction="system",
        channel="email",
        external_id=mail.external_id[:255],
        text=storable_text(text)[:MAX_TEXT],
        html=None,
        attachments=[],
        meta=storable_json(meta),
        created_at=utcnow(),
    )
    s.add(line)
    await s.flush()
    uow.emit(MessageCreated(TicketSnapshot.of(ticket, customer, queue or ""), InteractionSnapshot.of(line)))
