"""One path for every received mail (SMTP or IMAP): keep the raw bytes, parse off the loop, store, acknowledge.

Order matters: the raw copy is written first, so a parser bug never loses a mail; the SMTP 250 or the
IMAP flag comes only after the contact is committed. Delivery reports mark the reply they bounce as
failed; automatic mail is recorded but never acknowledged, and acknowledgements are rate-limited.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict, deque

from sqlalchemy import select

from hub.accounts import Principal
from hub.channels.email.channel import EmailChannel, RawMail
from hub.channels.email.config import Mailbox
from hub.channels.email.loops import automatic
from hub.channels.email.parse import ParsedMail
from hub.channels.email.parser_pool import MailParser
from hub.channels.email.raw import RawMailStore
from hub.contacts import IngestResult
from hub.db.engine import Database
from hub.db.models import Interaction, Queue, Ticket
from hub.db.types import utcnow
from hub.envelopes import Attachment
from hub.events import DeliveryUpdated
from hub.ingest import Ingestor
from hub.replies import post_reply
from hub.storage import AttachmentStore, TooLarge
from hub.tickets import ThreadAction

log = logging.getLogger(__name__)
ACK_ACTOR = Principal(kind="system", id=0, role="agent", name="automatic acknowledgement")


class EmailIntake:
    def __init__(
        self,
        channel: EmailChannel,
        ingestor: Ingestor,
        db: Database,
        files: AttachmentStore,
        raw: RawMailStore,
    ) -> None:
        self._channel = channel
        self._ingestor = ingestor
        self._db = db
        self._files = files
        self.raw = raw
        self._acks: defaultdict[str, deque[float]] = defaultdict(deque)
        self.parser = MailParser()

    async def receive(self, data: bytes, mailbox: Mailbox) -> IngestResult | None:
        """Store one mail. Returns the stored contact, or None for a delivery report matched to a reply."""
        raw_key = await self.raw.put(data)
        mail, bounced = await self.parser.parse(data)  # off the loop (big mail: in another process)
        if bounced and await self._mark_bounced(bounced, mail, raw_key):
            return None
        attachments, notes = await self._store_parts(mail)
        envelope = self._channel.parse_inbound(RawMail(mail, mailbox, raw_key, attachments, notes))
        result = await self._ingestor.ingest(envelope)
        if result.action == ThreadAction.NEW and mailbox.auto_ack and mail.sender and not automatic(mail):
            await self._acknowledge(result, mail.sender, mailbox.auto_ack)
        return result

    async def _store_parts(self, mail: ParsedMail) -> tuple[tuple[Attachment, ...], tuple[str, ...]]:
        stored, notes = [], []
        for part in mail.parts[:50]:
            try:
                stored.append(await self._files.put(part.data, part.filename, part.content_type))
            except TooLarge as exc:
                notes.append(f"{part.filename}: not stored, {exc} (it stays in the raw mail)")
        return tuple(stored), tuple(notes)

    async def _mark_bounced(self, message_id: str, mail: ParsedMail, raw_key: str) -> bool:
        async with self._db.write() as uow:
            s = uow.session
            reply = await s.scalar(
                select(Interaction).where(
                    Interaction.channel == "email",
                    Interaction.external_id == message_id,
                    Interaction.direction == "outbound",
                )
            )
            if reply is None:
                return False  # not ours: stored as an ordinary mail instead
            ticket = await s.get_one(Ticket, reply.ticket_id)
            queue = await s.get_one(Queue, ticket.queue_id)
            error = f"bounced: {mail.subject or 'delivery failed'}"[:300]
            reply.delivery_status, reply.delivery_error = "failed", error
            # The report itself stays on the ticket, as a system line with its raw copy.
            s.add(
                Interaction(
                    ticket_id=ticket.id,
                    customer_id=ticket.customer_id,
                    direction="system",
                    channel="email",
                    external_id=mail.external_id[:255],
                    text=f"Delivery of a reply failed: {mail.text[:2000]}",
                    meta={"raw_key": raw_key, "bounce_of": message_id},
                    created_at=utcnow(),
                )
            )
            uow.emit(DeliveryUpdated(ticket.id, queue.name, reply.id, "failed", error))
        return True

    async def _acknowledge(self, result: IngestResult, sender: str, text: str) -> None:
        """At most N acknowledgements per sender an hour (two auto-responders must not talk forever)."""
        now = time.monotonic()
        sent = self._acks[sender]
        while sent and now - sent[0] > 3600:
            sent.popleft()
        if len(sent) >= self._channel.config.acks_per_sender_per_hour:
            log.info("acknowledgement to %s skipped: rate limit", sender)
            return
        sent.append(now)
        try:
            await post_reply(self._db, result.ticket.id, ACK_ACTOR, text, automatic=True)
        except Exception:
            log.exception("acknowledging ticket %s failed", result.ticket.id)
