"""The email channel: a parsed mail to an envelope (pure), and agent replies out through the SMTP relay."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formataddr, formatdate
from typing import Any

import aiosmtplib
import jinja2

from hub.channels.base import InboundRejected
from hub.channels.email.addresses import address_problem
from hub.channels.email.config import EmailConfig, Mailbox, Relay
from hub.channels.email.loops import automatic
from hub.channels.email.parse import ParsedMail
from hub.channels.storage import AttachmentStore
from hub.envelopes import Attachment, DeliveryReceipt, IdentityRef, InboundEnvelope, OutboundMessage
from hub.settings import PROJECT_ROOT
from hub.wording import Wording

log = logging.getLogger(__name__)
TICKET_TOKEN = re.compile(r"\[#(\d{1,12})\]")
# Reply prefixes as mail clients write them (English, German, Nordic, Dutch, Polish, Italian, Chinese; "Re[2]:"),
# however many a thread has stacked up: a reply carries one "Re:" however they were written before.
REPLY_PREFIXES = re.compile(
    r"^(?:\s*(?:re|aw|sv|vs|antw|antwort|odp|rif|r|回复|答复|回覆|答覆)\s*(?:\[\d+\]|\(\d+\))?\s*[:：])+\s*", re.I
)
SEND_TIMEOUT_S = 30.0


@dataclass(frozen=True, slots=True)
class RawMail:
    """One received mail, parsed (off the event loop), its raw copy's key, and its stored files."""

    mail: ParsedMail
    mailbox: Mailbox
    raw_key: str
    attachments: tuple[Attachment, ...] = ()
    notes: tuple[str, ...] = ()  # problems met while storing (a file over the size limit, say)
    part_keys: tuple[str | None, ...] = ()  # the storage key of each of mail.parts (None: not stored)


def subject_token(subject: str) -> int | None:
    m = TICKET_TOKEN.search(subject)
    return int(m.group(1)) if m else None


class EmailChannel:
    kind = "email"
    identity_kind = "email"
    capabilities = frozenset({"text", "html", "attachments", "subject", "threading"})
    reply_window: timedelta | None = None

    def __init__(self, config: EmailConfig, relay: Relay | None, files: AttachmentStore | None = None) -> None:
        self.config = config
        self.relay = relay
        self.files = files
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(PROJECT_ROOT / "templates" / "email"),
            autoescape=jinja2.select_autoescape(["html"]),
            keep_trailing_newline=True,
        )
        self._text, self._html = env.get_template("reply.txt"), env.get_template("reply.html")

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    def parse_inbound(self, raw: RawMail) -> InboundEnvelope:
        if not isinstance(raw, RawMail):
            raise InboundRejected("bad_request", "expected a received mail")
        mail = raw.mail
        warnings = [*mail.warnings, *raw.notes]
        sender = mail.sender
        if sender is None:
            # Kept, not refused: a placeholder identity of its own, so it never merges two senders.
            sender = f"unknown-{mail.content_hash[:16]}@invalid"
        text = mail.text or mail.quoted or mail.subject or "(no text)"
        meta: dict[str, Any] = {
            "message_id": mail.message_id,
            "in_reply_to": list(mail.in_reply_to),
            "references": list(mail.references),
            "mailbox": raw.mailbox.name,
            "to": list(mail.to)[:20],
            "raw_key": raw.raw_key,
            "quoted": mail.quoted[:20000],
            "date": mail.date.isoformat() if mail.date else None,
        }
        if warnings:
            meta["warnings"] = warnings[:20]
        keys = dict(enumerate(raw.part_keys))
        # Inline images by Content-ID, for the console to show them where the HTML puts them.
        images = {p.content_id: keys[i] for i, p in enumerate(mail.parts) if p.content_id and keys.get(i)}
        if images:
            meta["cid"] = dict(list(images.items())[:50])
        if mail.forwarded:
            meta["forwarded"] = [
                {**f.to_json(), **({"storage_key": keys[f.part]} if f.part is not None and keys.get(f.part) else {})}
                for f in mail.forwarded[:10]
            ]
        if why := automatic(mail):
            meta["automatic"] = why
        return InboundEnvelope(
            channel=self.kind,
            external_id=mail.external_id[:255],
            sender=IdentityRef(self.identity_kind, sender),
            sender_name=mail.sender_name,
            text=text,
            subject=mail.subject or None,
            html=mail.html,
            attachments=raw.attachments,
            meta=meta,
            thread_ticket_id=subject_token(mail.subject),
            thread_refs=(*mail.in_reply_to, *reversed(mail.references)),
            queue=raw.mailbox.queue,
            entry=f"email:mailbox:{raw.mailbox.address}",
            explicit_threading=True,
        )

    def compose(self, msg: OutboundMessage, files: Sequence[tuple[Attachment, bytes]] = ()) -> EmailMessage:
        context = msg.reply_context
        box = self.config.mailboxes_by_name().get(str(context.get("mailbox"))) or self.config.mailboxes[0]
        domain = box.address.rsplit("@", 1)[1]
        subject = msg.subject or f"Ticket #{msg.ticket_id}"
        if subject_token(subject) != msg.ticket_id:
            subject = f"{subject} [#{msg.ticket_id}]"
        subject = f"Re: {REPLY_PREFIXES.sub('', subject)}"
        out = EmailMessage()
        out["From"] = formataddr((box.from_name, box.address))
        out["To"] = msg.recipient.value
        out["Subject"] = subject
        out["Date"] = formatdate(localtime=False)
        # The same id on every attempt: a retry after a timeout is recognisably the same mail.
        out["Message-ID"] = f"<reply-{msg.interaction_id}.{msg.ticket_id}@{domain}>"
        answered = str(context.get("external_id") or "")
        if answered.startswith("<"):
            out["In-Reply-To"] = answered
            refs = [*context.get("references", []), answered]
            out["References"] = " ".join(dict.fromkeys(refs[-20:]))
        out["Auto-Submitted"] = "auto-replied" if msg.meta.get("automatic") else "no"
        # A Markdown reply comes rendered and sanitised (hub/markup.py): its HTML part; the text part its words.
        values = {"text": msg.text, "html": msg.html, "from_name": box.from_name, "ticket_id": msg.ticket_id}
        out.set_content(self._text.render(values))
        out.add_alternative(self._html.render(values), subtype="html")
        for attachment, data in files:
            maintype, _, subtype = attachment.content_type.partition("/")
            if not (maintype.isascii() and subtype and "/" not in subtype):
                maintype, subtype = "application", "octet-stream"
            out.add_attachment(data, maintype=maintype, subtype=subtype, filename=attachment.filename or "file")
        return out

    async def send(self, msg: OutboundMessage) -> DeliveryReceipt:
        if self.relay is None or not self.config.mailboxes:
            return DeliveryReceipt(
                "failed",
                error="no SMTP relay configured (HUB_SMTP_RELAY or [email] relay)",
                problem=Wording("no SMTP relay is configured, so no e-mail can go out; ask an administrator"),
            )
        if problem := address_problem(msg.recipient.value):
            # Permanent: retrying would never make it an address (a placeholder for a sender we could not read).
            return DeliveryReceipt(
                "failed",
                error=f"not sent: {msg.recipient.value!r} is not an email address ({problem})",
                problem=Wording("%(address)s is not an e-mail address", {"address": msg.recipient.value}),
            )
        files = []
        for attachment in msg.attachments:
            if self.files is None:
                nowhere = Wording("no attachment storage to send files from")
                return DeliveryReceipt("failed", error=nowhere.english, problem=nowhere)
            try:
                files.append((attachment, await self.files.get(attachment.storage_key)))
            except (KeyError, OSError):
                return DeliveryReceipt(
                    "failed",
                    error=f"attachment {attachment.filename!r} is no longer stored",
                    problem=Wording("attachment %(name)s is no longer stored", {"name": attachment.filename or ""}),
                )
        out = self.compose(msg, files)
        relay = self.relay
        try:
            await aiosmtplib.send(
                out,
                hostname=relay.host,
                port=relay.port,
                username=relay.username,
                password=relay.password,
                start_tls=relay.starttls,
                timeout=SEND_TIMEOUT_S,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            refused = Wording("the mail server refused the address %(address)s", {"address": msg.recipient.value})
            return DeliveryReceipt("failed", error=f"recipient refused: {exc}", problem=refused)
        except aiosmtplib.SMTPResponseException as exc:
            # 4xx: the relay asks us to try later; 5xx: it will never take this mail.
            later = exc.code < 500
            cause = (
                Wording("the mail relay asked to try later (%(code)s); the hub tries again", {"code": exc.code})
                if later
                else Wording("the mail relay refused the message (%(code)s)", {"code": exc.code})
            )
            return DeliveryReceipt(
                "failed", error=f"relay said {exc.code} {exc.message}", retryable=later, problem=cause
            )
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            down = Wording("the mail relay could not be reached; the hub tries again")
            return DeliveryReceipt("failed", error=f"relay unreachable: {exc}", retryable=True, problem=down)
        return DeliveryReceipt("sent", external_id=str(out["Message-ID"]))
