"""The inbound batch against one-by-one ingest: stories of contacts, what they leave behind, both run side by side."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, text

from hub.bus import Event as BusEvent
from hub.customers.tables import CustomerKey
from hub.db.engine import Database
from hub.db.models import Customer, HistoryEntry, Identity, Interaction, Ticket
from hub.envelopes import IdentityRef, InboundEnvelope
from hub.events import MessageReceived, TicketCreated, TicketUpdated
from hub.settings import Settings
from hub.tickets.inbound import ContactWriter, IngestResult
from hub.tickets.ingest import Ingestor
from hub.tickets.queues import sync_queues
from tests.statements import statements

T0 = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
Event = TicketCreated | TicketUpdated | MessageReceived


class Scene:
    """One run of the story, its senders and message ids under its own prefix, so two runs share a database."""

    def __init__(self, tag: str) -> None:
        self.tag = tag

    def phone(self, n: int) -> str:
        return f"+86138{self.tag}{n:06d}"

    def sms(self, ext: str, n: int, body: str, minute: int, name: str | None = None) -> InboundEnvelope:
        return InboundEnvelope(channel="sms.twilio", external_id=f"{self.tag}-{ext}",
                               sender=IdentityRef("phone", self.phone(n)), text=body, sender_name=name,
                               received_at=T0 + timedelta(minutes=minute))  # fmt: skip

    def mail(self, ext: str, body: str, minute: int, refs: tuple[str, ...] = ()) -> InboundEnvelope:
        return InboundEnvelope(channel="email", external_id=f"{self.tag}-{ext}", text=body, subject=body,
                               sender=IdentityRef("email", f"buyer.{self.tag}@example.com"), explicit_threading=True,
                               thread_refs=tuple(f"{self.tag}-{r}" for r in refs),
                               received_at=T0 + timedelta(minutes=minute))  # fmt: skip

    def before(self) -> list[InboundEnvelope]:
        """Stored first, one at a time: a known customer's open ticket, a pending one's, a mail thread."""
        return [self.sms("k0", 1, "my order is late", 0, "王芳"), self.sms("p0", 2, "wrong size", 1, "Li Lei"),
                self.mail("m0", "invoice for November", 2), self.sms("q0", 5, "退款", 3)]  # fmt: skip

    def batch(self) -> list[InboundEnvelope]:
        return [
            self.sms("k1", 1, "still nothing", 10),  # a known customer on their open ticket
            self.sms("n1", 3, "第一次联系", 11, "张伟"),  # a new customer
            self.sms("p1", 2, "here is the photo", 13),  # the answer to a pending ticket: it opens again
            self.sms("n2", 3, "还在吗", 14),  # the new customer again: their new ticket
            self.sms("k2", 1, "hello?", 15),
            # A provider's retry of a stored message (last of its ticket's here: a retry is answered with the ticket
            # as the batch leaves it, one by one with the ticket as it stands then).
            self.sms("k0", 1, "my order is late", 12),
            self.mail("m1", "re: invoice for November", 16, refs=("m0",)),  # a reply naming the thread
            self.sms("n3", 4, "hi", 17),  # a new customer with no name
            self.sms("q1", 5, "到账了吗", 18),
            self.sms("q1", 5, "到账了吗", 18),  # the same message again within the batch
        ]


class MailScene(Scene):
    """Customers' e-mail: new threads, replies to their own thread and to someone else's, new customers' replies."""

    def sent(self, who: str, ext: str, body: str, minute: int, refs: tuple[str, ...] = ()) -> InboundEnvelope:
        env = self.mail(ext, body, minute, refs)
        return InboundEnvelope(channel=env.channel, external_id=env.external_id, text=body, subject=body,
                               sender=IdentityRef("email", f"{who}.{self.tag}@example.com"), explicit_threading=True,
                               thread_refs=env.thread_refs, received_at=env.received_at)  # fmt: skip

    def before(self) -> list[InboundEnvelope]:
        return [self.sent("ann", "a0", "invoice for November", 0), self.sent("bob", "b0", "where is my parcel", 1),
                self.sent("cat", "c0", "password reset", 2), self.sent("dan", "d0", "refund please", 3)]  # fmt: skip

    def batch(self) -> list[InboundEnvelope]:
        return [
            self.sent("ann", "a1", "a new question about my address", 10),  # a known customer's new thread
            self.sent("ann", "a2", "re: invoice for November", 11, refs=("a0",)),  # and a reply on their own thread
            self.sent("bob", "b1", "re: invoice", 12, refs=("a0",)),  # a reply naming another customer's message
            self.sent("cat", "c1", "first new thing", 13),  # two new threads from one customer: one by one
            self.sent("cat", "c2", "second new thing", 14),
            self.sent("dan", "d1", "re: lost", 15, refs=("never-stored",)),  # answering a message we never had
            self.sent("eve", "e1", "re: where is my parcel", 16, refs=("b0",)),  # a new customer's reply to bob's
            self.sent("fay", "f1", "re: hello", 17, refs=("never-stored",)),  # and one to a message we never had
        ]


def listen(db: Database) -> list[Event]:
    heard: list[Event] = []

    async def on_event(event: BusEvent) -> None:
        assert isinstance(event, TicketCreated | TicketUpdated | MessageReceived)
        heard.append(event)

    for kind in (TicketCreated, TicketUpdated, MessageReceived):
        db.bus.subscribe(kind, on_event)
    return heard


async def left_behind(db: Database, scene: Scene, results: list[IngestResult], heard: list[Event]) -> dict[str, Any]:
    """Every row the scene's contacts wrote, its own tag taken out and ids replaced by names that do not depend on
    the order rows were written in: a message by its external id, a ticket by its first message, a customer by
    their first identity. Lists whose order matters (history, events) are kept in order per customer or ticket."""

    def plain(value: Any) -> Any:
        return value.replace(scene.tag, "#") if isinstance(value, str) else value

    async with db.read() as s:
        identities = list(await s.scalars(select(Identity).where(Identity.value.contains(scene.tag))
                                          .order_by(Identity.id)))  # fmt: skip
        who: dict[int, str] = {}
        for i in identities:
            who.setdefault(i.customer_id, plain(i.value))
        customers = await s.scalars(select(Customer).where(Customer.id.in_(who)))
        tickets = list(await s.scalars(select(Ticket).where(Ticket.customer_id.in_(who))))
        messages = list(await s.scalars(select(Interaction).where(Interaction.customer_id.in_(who))
                                        .order_by(Interaction.created_at, Interaction.id)))  # fmt: skip
        said = {m.id: plain(m.external_id) for m in messages}
        which: dict[int, str] = {}
        for m in messages:
            which.setdefault(m.ticket_id, said[m.id])
        history = await s.scalars(select(HistoryEntry).where(HistoryEntry.customer_id.in_(who))
                                  .order_by(HistoryEntry.id))  # fmt: skip
        keys = await s.execute(select(CustomerKey.customer_id, CustomerKey.key, CustomerKey.weight)
                               .where(CustomerKey.customer_id.in_(who)))  # fmt: skip
        words = await s.execute(text("SELECT ticket_id, count(*) FROM ticket_words GROUP BY ticket_id"))
        lines: dict[str, list[tuple[Any, ...]]] = {}
        for h in history:
            lines.setdefault(who[h.customer_id], []).append(
                (h.kind, h.occurred_at, h.channel, which.get(h.ticket_id or 0), said.get(h.interaction_id or 0),
                 plain(h.summary))
            )  # fmt: skip
        told: dict[str, list[tuple[Any, ...]]] = {}
        for e in heard:
            if e.ticket.id in which:
                told.setdefault(which[e.ticket.id], []).append(
                    (type(e).__name__, e.ticket.status, e.ticket.last_message_at, plain(e.ticket.customer_name),
                     said[e.interaction.id] if isinstance(e, MessageReceived) else None)
                )  # fmt: skip
        return {
            "customers": sorted((who[c.id], plain(c.display_name), c.tier, str(c.attributes)) for c in customers),
            "identities": sorted((who[i.customer_id], i.kind, plain(i.value)) for i in identities),
            "keys": sorted((who[c], plain(k), w) for c, k, w in keys),
            "tickets": sorted(
                (
                    which[t.id],
                    who[t.customer_id],
                    t.subject,
                    t.status,
                    t.priority,
                    t.channel,
                    t.queue_id,
                    str(t.tags),
                    str(t.requirements),
                    t.first_response_due_at,
                    t.resolution_due_at,
                    t.solved_at,
                    t.last_message_at,
                    t.created_at,
                    t.updated_at,
                    t.remind_at,
                    t.customer_tier,
                )
                for t in tickets
            ),
            "messages": sorted(
                (
                    said[m.id],
                    which[m.ticket_id],
                    who[m.customer_id],
                    m.direction,
                    m.channel,
                    m.text,
                    str(m.attachments),
                    str(m.meta),
                    m.created_at,
                )
                for m in messages
            ),
            "history": lines,
            "ticket_words": sorted((which[t], n) for t, n in words if t in which),
            "results": [
                (
                    which[r.ticket.id],
                    said[r.interaction.id],
                    r.duplicate,
                    r.action,
                    r.ticket.status,
                    r.ticket.last_message_at,
                    plain(r.ticket.customer_name),
                )
                for r in results
            ],
            "events": told,
        }


async def staged(db: Database, settings: Settings, *scenes: Scene) -> tuple[Ingestor, ContactWriter, list[Event]]:
    """Queues synced, the events heard from now on, and each scene's earlier contacts stored one at a time."""
    await sync_queues(db, settings.queues)
    ingestor, writer = Ingestor(db, settings), ContactWriter(settings)
    heard = listen(db)
    for scene in scenes:
        for env in scene.before():
            await ingestor.ingest(env)
    return ingestor, writer, heard


async def side_by_side(
    db: Database, ingestor: Ingestor, writer: ContactWriter, batch: list[InboundEnvelope], alone: list[InboundEnvelope]
) -> tuple[list[IngestResult], list[IngestResult], list[str]]:
    """`batch` queued together (one batch: the writer runs once every contact is waiting), with the statements it
    sent; then `alone` one by one through ContactWriter.store, a transaction each."""
    with statements(db) as sent:
        in_batch = list(await asyncio.gather(*(ingestor.ingest(env) for env in batch)))
    one_by_one: list[IngestResult] = []
    for env in alone:
        async with db.write() as uow:
            one_by_one.append(await writer.store(uow, env))
    return in_batch, one_by_one, sent
