"""One path for every received mail (SMTP or IMAP): keep the raw bytes, parse off the loop, store, acknowledge.

Order matters: the raw copy is written first, so a parser bug never loses a mail; the SMTP 250 or the
IMAP flag comes only after the mail is committed. Delivery reports and automatic mail are no customer's
contact: notices.py records them (on the ticket they concern, or as a notice) and nothing answers them;
acknowledgements of customers' new tickets are rate-limited.
"""

from __future__ import annotations

import asyncio
import logging

from hub.agents.accounts import Principal
from hub.channels.email.channel import EmailChannel, RawMail
from hub.channels.email.config import Mailbox
from hub.channels.email.loops import automatic
from hub.channels.email.notices import MailNotices
from hub.channels.email.parse import ParsedMail
from hub.channels.email.parser_pool import MailParser, Parsed, parse_detached
from hub.channels.email.raw import RawMailStore
from hub.channels.limits import SenderLimiter
from hub.channels.registry import ChannelRegistry
from hub.channels.storage import AttachmentStore, TooLarge
from hub.envelopes import Attachment
from hub.tickets.desk import ChannelDesk
from hub.tickets.inbound import IngestResult
from hub.tickets.ingest import Ingestor
from hub.tickets.model import ThreadAction
from hub.tickets.refusals import ReplyRefused

log = logging.getLogger(__name__)
ACK_ACTOR = Principal(kind="system", id=0, role="agent", name="automatic acknowledgement")


class EmailIntake:
    def __init__(
        self,
        channel: EmailChannel,
        ingestor: Ingestor,
        desk: ChannelDesk,
        notices: MailNotices,
        files: AttachmentStore,
        raw: RawMailStore,
    ) -> None:
        self._channel = channel
        self._ingestor = ingestor
        self._desk = desk
        self._files = files
        self.raw = raw
        # Per sender in the last hour; senders quiet for an hour are forgotten (a day's thousands are not kept).
        self._acks = SenderLimiter(channel.config.acks_per_sender_per_hour, window_s=3600.0)
        self.parser = MailParser()
        self.notices = notices

    async def receive(self, data: bytes, mailbox: Mailbox, envelope_from: str | None = None) -> IngestResult | None:
        """Store one mail. Returns the stored contact; None for a delivery report or automatic mail.
        `envelope_from` is SMTP's MAIL FROM ("" for the null sender); IMAP mail has none."""
        raw_key, (mail, report) = await self._copy_and_parse(data, envelope_from)
        if report is not None:
            await self.notices.report(mail, report, mailbox.name, raw_key)
            return None
        if why := automatic(mail):
            await self.notices.automatic(mail, why, mailbox.name, raw_key)
            return None
        attachments, notes, keys = await self._store_parts(mail)
        envelope = self._channel.parse_inbound(RawMail(mail, mailbox, raw_key, attachments, notes, keys))
        # The 250 (or the IMAP flag) needs the mail committed, not the console told: events follow it.
        result = await self._ingestor.ingest(envelope, after_events=False)
        if result.action == ThreadAction.NEW and mailbox.auto_ack and mail.sender:
            await self._acknowledge(result, mail.sender, mailbox.auto_ack)
        return result

    async def _copy_and_parse(self, data: bytes, envelope_from: str | None) -> tuple[str, Parsed]:
        """The raw copy on disk, then the mail parsed off the loop (big mail: in another process, which reads
        the copy just written)."""
        if self.parser.in_thread(data):
            # Small mail: one trip to a thread for both, the copy first (each trip costs the loop 50 us of CPU).
            return await asyncio.to_thread(self._copy_then_parse, data, envelope_from)
        raw_key = await self.raw.put(data)
        return raw_key, await self.parser.parse(data, envelope_from, self.raw.digest(raw_key), self.raw.path(raw_key))

    def _copy_then_parse(self, data: bytes, envelope_from: str | None) -> tuple[str, Parsed]:
        raw_key = self.raw.write(data)
        return raw_key, parse_detached(data, envelope_from, self.raw.digest(raw_key))

    async def _store_parts(
        self, mail: ParsedMail
    ) -> tuple[tuple[Attachment, ...], tuple[str, ...], tuple[str | None, ...]]:
        """The stored files, what could not be stored, and each part's storage key (None: not stored)."""
        stored: list[Attachment] = []
        notes: list[str] = []
        keys: list[str | None] = []
        for part in mail.parts[:50]:
            try:
                stored.append(await self._files.put(part.data, part.filename, part.content_type))
                keys.append(stored[-1].storage_key)
            except TooLarge as exc:
                notes.append(f"{part.filename}: not stored, {exc} (it stays in the raw mail)")
                keys.append(None)
        return tuple(stored), tuple(notes), tuple(keys)

    async def _acknowledge(self, result: IngestResult, sender: str, text: str) -> None:
        """At most N acknowledgements per sender an hour (two auto-responders must not talk forever)."""
        if not self._acks.allow(sender):
            log.info("acknowledgement to %s skipped: rate limit", sender)
            return
        try:
            # Through the reply rules like every reply; the ticket is on this channel, so it is the one consulted.
            channels = ChannelRegistry([self._channel])
            await self._desk.reply(result.ticket.id, ACK_ACTOR, text, automatic=True, channels=channels)
        except ReplyRefused as exc:  # the customer opted out of email, say: no acknowledgement, no error
            log.info("acknowledgement of ticket %s skipped (%s): %s", result.ticket.id, exc.refusal, exc)
        except Exception:
            log.exception("acknowledging ticket %s failed", result.ticket.id)
