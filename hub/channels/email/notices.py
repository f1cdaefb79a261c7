"""Mail that is no customer's contact (delivery reports, automatic replies): read here, stored by the core
(tickets.mail_notices) on the ticket it concerns, or as a notice for staff."""

from __future__ import annotations

from hub.channels.email.bounces import DeliveryReport
from hub.channels.email.channel import subject_token
from hub.channels.email.parse import ParsedMail
from hub.tickets.mail_notices import MailFacts, MailNoticeStore, Report


def facts_of(mail: ParsedMail) -> MailFacts:
    return MailFacts(
        external_id=mail.external_id,
        message_id=mail.message_id,
        sender=mail.sender,
        shown_sender=mail.sender or mail.headers.get("from", ""),
        subject=mail.subject,
        text=mail.text or mail.quoted,
        in_reply_to=mail.in_reply_to,
        references=mail.references,
        ticket_hint=subject_token(mail.subject),
        warnings=tuple(mail.warnings[:10]),
    )


class MailNotices:
    def __init__(self, store: MailNoticeStore) -> None:
        self._store = store

    async def report(self, mail: ParsedMail, report: DeliveryReport, mailbox: str, raw_key: str) -> str:
        """Record a delivery report: "ticket" (on the mail it concerns), "notice" or "duplicate"."""
        found = Report(report.message_ids, report.action, report.reason, report.to_json())
        return await self._store.report(facts_of(mail), found, mailbox, raw_key)

    async def automatic(self, mail: ParsedMail, why: str, mailbox: str, raw_key: str) -> str:
        """Record an automatic mail: "ticket" (quietly, on the ticket it answers), "notice" or "duplicate"."""
        text = mail.text or mail.quoted or mail.subject or "(no text)"
        return await self._store.automatic(facts_of(mail), why, mailbox, raw_key, text)

    async def purge(self, retention_days: int) -> int:
        """Notices older than the raw copies they point to (kept as long as raw mail): how many went."""
        return await self._store.purge(retention_days)
