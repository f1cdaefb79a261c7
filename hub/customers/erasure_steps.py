"""Where a customer's words and identifiers are kept, one erasure step each (run by hub/customers/erasure.py).

Each step blanks or deletes one kind of copy inside the erasure's transaction: messages (text, HTML,
metadata, provider ids) and their outbox errors, the timeline, ticket subjects, tags and routing reasons,
identities, the duplicate index, merge records' saved profiles, survey comments, the knowledge gap log, call
records, mail notices, audit details, the full-text index, the profiles. Tickets keep channel, queue, tier,
times and owner: figures stay right.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Text, cast, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hub.clock import utcnow
from hub.customers.search_index import customer_statements, forget_tickets, is_sqlite
from hub.customers.tables import CustomerKey, CustomerMerge, Survey
from hub.db.models import (
    AuditEntry,
    Customer,
    HistoryEntry,
    Identity,
    Interaction,
    MailNotice,
    OutboxItem,
    Ticket,
    VoiceCall,
)
from hub.knowledge.tables import UnansweredQuery

ERASED = "[erased]"
GAP_ROWS_SCANNED = 20_000  # as many as the gap report reads (hub/knowledge/gaps.py)


@dataclass
class Scope:
    """Whose data goes: the customer and every record merged into them (one person), and what they held."""

    customer_ids: list[int]
    ticket_ids: list[int]
    identities: list[tuple[str, str]]  # (kind, value), read before they are deleted
    texts: list[str]  # what they wrote: to find copies kept with no link to them
    files: list[str] = field(default_factory=list)  # attachment keys, deleted after the commit
    raw_mail: list[str] = field(default_factory=list)  # raw mail copies, deleted after the commit


Step = Callable[[AsyncSession, Scope], Awaitable[int]]


def _rows(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


async def _messages(s: AsyncSession, scope: Scope) -> int:
    rows = (
        await s.execute(
            select(Interaction.id, Interaction.attachments, Interaction.meta, Interaction.external_id).where(
                Interaction.customer_id.in_(scope.customer_ids)
            )
        )
    ).all()
    for _id, attachments, meta, external_id in rows:
        scope.files += [a["storage_key"] for a in attachments or () if isinstance(a, dict) and a.get("storage_key")]
        if (meta or {}).get("raw_key"):
            scope.raw_mail.append(str(meta["raw_key"]))
        if external_id:
            # Provider ids can carry an openid or an address (WeChat events, Message-IDs): kept only as a
            # digest, still unique, so nothing threads or links back to the erased customer.
            digest = hashlib.sha256(external_id.encode()).hexdigest()[:40]
            await s.execute(update(Interaction).where(Interaction.id == _id).values(external_id=f"erased:{digest}"))
    await s.execute(
        update(Interaction)
        .where(Interaction.customer_id.in_(scope.customer_ids))
        .values(text=ERASED, html=None, meta={}, attachments=[], delivery_error=None)
    )
    ids = select(Interaction.id).where(Interaction.customer_id.in_(scope.customer_ids))
    await s.execute(update(OutboxItem).where(OutboxItem.interaction_id.in_(ids)).values(last_error=None))
    return len(rows)


async def _history(s: AsyncSession, scope: Scope) -> int:
    result = await s.execute(
        update(HistoryEntry).where(HistoryEntry.customer_id.in_(scope.customer_ids)).values(summary=ERASED)
    )
    return _rows(result)


async def _tickets(s: AsyncSession, scope: Scope) -> int:
    for ticket in await s.scalars(select(Ticket).where(Ticket.id.in_(scope.ticket_ids))):
        # Who owned it and how stay (figures); the reasons were written from what the customer said.
        kept = {k: v for k, v in (ticket.assignment or {}).items() if k in ("agent_id", "by", "at", "state")}
        ticket.subject, ticket.tags, ticket.assignment = ERASED, [], kept
        needs = ("skills", "language", "entry", "entry_skills")  # ours (menus, IVR leaves), not their words
        ticket.requirements = {k: v for k, v in (ticket.requirements or {}).items() if k in needs}
    return len(scope.ticket_ids)


async def _identities(s: AsyncSession, scope: Scope) -> int:
    return _rows(await s.execute(delete(Identity).where(Identity.customer_id.in_(scope.customer_ids))))


async def _duplicate_index(s: AsyncSession, scope: Scope) -> int:
    return _rows(await s.execute(delete(CustomerKey).where(CustomerKey.customer_id.in_(scope.customer_ids))))


async def _merges(s: AsyncSession, scope: Scope) -> int:
    """Merge records keep which rows moved (ids); the profiles they saved for an undo are blanked."""
    found = list(
        await s.scalars(
            select(CustomerMerge).where(
                or_(CustomerMerge.source_id.in_(scope.customer_ids), CustomerMerge.target_id.in_(scope.customer_ids))
            )
        )
    )
    for merge in found:
        for side, customer_id in (("source_before", merge.source_id), ("target_before", merge.target_id)):
            if customer_id in scope.customer_ids:
                before = dict(getattr(merge, side) or {})
                setattr(merge, side, {**before, "display_name": f"erased customer {customer_id}", "attributes": {}})
    return len(found)


async def _surveys(s: AsyncSession, scope: Scope) -> int:
    result = await s.execute(
        update(Survey)
        .where(Survey.customer_id.in_(scope.customer_ids), Survey.comment.is_not(None))
        .values(comment=None)
    )
    return _rows(result)


async def _knowledge_gaps(s: AsyncSession, scope: Scope) -> int:
    """Unanswered questions feed the gap report: theirs by ticket, and their words an agent searched by hand
    (a query found in one of their messages; short ones such as "refund" or "退款" are anybody's)."""
    total = _rows(await s.execute(delete(UnansweredQuery).where(UnansweredQuery.ticket_id.in_(scope.ticket_ids))))
    said = [t for t in scope.texts if t.strip()]
    if not said:
        return total
    unlinked = (
        await s.execute(
            select(UnansweredQuery.id, UnansweredQuery.query)
            .where(UnansweredQuery.ticket_id.is_(None))
            .order_by(UnansweredQuery.id.desc())
            .limit(GAP_ROWS_SCANNED)
        )
    ).all()
    theirs = [i for i, query in unlinked if _weight(query.strip()) >= 10 and any(query.strip() in t for t in said)]
    for start in range(0, len(theirs), 500):
        chunk = theirs[start : start + 500]
        total += _rows(await s.execute(delete(UnansweredQuery).where(UnansweredQuery.id.in_(chunk))))
    return total


def _weight(text: str) -> int:
    """Length with a Chinese character worth two letters: "身份证丢了怎么办" is a sentence, "refund" a word."""
    return sum(2 if "\u3400" <= c <= "\u9fff" else 1 for c in text)


async def _calls(s: AsyncSession, scope: Scope) -> int:
    numbers = [value for kind, value in scope.identities if kind == "phone"]
    # Their calls: on their tickets, and from their numbers before a ticket was opened (or after it was hung up).
    where = or_(VoiceCall.ticket_id.in_(scope.ticket_ids), VoiceCall.caller.in_(numbers))
    return _rows(await s.execute(update(VoiceCall).where(where).values(caller="", path=[])))


async def _mail_notices(s: AsyncSession, scope: Scope) -> int:
    """Mail kept for staff that is theirs: their automatic replies to nothing, reports about mail to them."""
    addresses = [value for kind, value in scope.identities if kind == "email"]
    if not addresses:
        return 0
    # The sender is kept as the mail gave it ("Li Na <li.na@...>"); reports name the address in text or fields.
    mentions = [
        func.lower(column).contains(address, autoescape=True)
        for address in addresses
        for column in (MailNotice.sender, MailNotice.text, cast(MailNotice.meta, Text))
    ]
    rows = (await s.execute(select(MailNotice.id, MailNotice.meta).where(or_(*mentions)))).all()
    scope.raw_mail += [str(meta["raw_key"]) for _, meta in rows if (meta or {}).get("raw_key")]
    if rows:
        await s.execute(delete(MailNotice).where(MailNotice.id.in_([i for i, _ in rows])))
    return len(rows)


async def _audit(s: AsyncSession, scope: Scope) -> int:
    """Audit entries stay (who did what, when); names and routing reasons written into them go."""
    changed = 0
    targets = or_(
        (AuditEntry.target_kind == "customer") & AuditEntry.target_id.in_(scope.customer_ids),
        (AuditEntry.target_kind == "ticket") & AuditEntry.target_id.in_(scope.ticket_ids),
    )
    for entry in await s.scalars(select(AuditEntry).where(targets)):
        details = dict(entry.details or {})
        kept = {k: v for k, v in details.items() if k not in ("source_name", "reasons", "tags")}
        if kept != details:
            entry.details, changed = kept, changed + 1
    return changed


async def _search_index(s: AsyncSession, scope: Scope) -> int:
    """Their words in the full-text index: their tickets' subjects and messages, their names and ids."""
    delete, _ = customer_statements(is_sqlite(s))
    await s.execute(delete, {"ids": scope.customer_ids})
    return await forget_tickets(s, scope.ticket_ids)


async def _profiles(s: AsyncSession, scope: Scope) -> int:
    now = utcnow().isoformat()
    for customer in await s.scalars(select(Customer).where(Customer.id.in_(scope.customer_ids))):
        customer.display_name = f"erased customer {customer.id}"
        customer.attributes = {"erased_at": now}
    return len(scope.customer_ids)


# Every copy, in the order they are erased. Add a step for each new place customer data is kept.
STEPS: tuple[tuple[str, Step], ...] = (
    ("messages", _messages),
    ("history", _history),
    ("tickets", _tickets),
    ("identities", _identities),
    ("duplicate_keys", _duplicate_index),
    ("merges", _merges),
    ("survey_comments", _surveys),
    ("knowledge_gaps", _knowledge_gaps),
    ("calls", _calls),
    ("mail_notices", _mail_notices),
    ("audit_details", _audit),
    ("search_index", _search_index),
    ("profiles", _profiles),
)
