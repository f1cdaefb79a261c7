"""Ticket search: subjects and every message (customer's, agents', staff notes) indexed in the writer's own
transaction, searched with the database's full-text engine, combined with the list's filters, ranked.

Ranking reads the newest CANDIDATES matching messages (with filters: those passing them among the newest
SCANNED), newest first from the engine's index, so a word in half the messages costs what a rare one does;
it scores each ticket by its best message (bm25 on SQLite, ts_rank on PostgreSQL) and pages that ranking.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, column, func, literal_column, select, table
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import load_only

from hub.customers.search_index import TICKET_CONFIG, TICKET_WORDS, is_sqlite, put_ticket_rows
from hub.customers.search_query import fts5_match, index_words, query_terms, snippet, tsquery
from hub.db.models import Customer, Interaction, Queue, Ticket
from hub.events.snapshots import TicketSnapshot
from hub.tickets.listing import UnknownCursor, conditions
from hub.tickets.views import TicketFilter

CANDIDATES = 1000
SCANNED = 5000
RECENT = 20_000  # PostgreSQL: the newest index rows read in order before asking the GIN index
ENOUGH = 50  # matches among them that make a first page: fewer, and the index finds the older ones
_WORDS = table(TICKET_WORDS, column("rowid"), column("id"), column("ticket_id"), column("coach_for"), column("words"))


# A long text (a big mail) takes jieba a tenth of a second or more: its words are cut in a thread before its
# contact is written (prepare_words), not on the event loop inside the writer's transaction. Taken by the message
# row that uses them, or dropped once their contact's batch is over (a duplicate writes no row); a few at most.
LONG_TEXT = 8_000
_PREPARED: OrderedDict[str, str] = OrderedDict()
_PREPARED_MAX = 16
_NOT_WORDS = " \t\r\f\v>"  # around a line: spaces and the quote marks of a reply's history


def message_words(text: str) -> str:
    """The words a message is indexed under. A long one (LONG_TEXT or more: a big mail, a log pasted, a thread
    quoted whole) has each distinct line's words once: a line that comes again, quoted ("> ") or not, adds no
    word a search could find, only its count and the time to segment it. Every word stays findable; in the
    ranking a word repeated line after line weighs as if written once."""
    return index_words(distinct_lines(text) if len(text) >= LONG_TEXT else text)


def distinct_lines(text: str) -> str:
    """The text's lines, each once, without the quote marks and spaces at their ends: none of them is part of a
    word (and every line break ends one), so the words are those of the text, the repeated ones once."""
    return "\n".join(dict.fromkeys([line.strip(_NOT_WORDS) for line in text.split("\n")]))


async def prepare_words(text: str) -> None:
    if len(text) >= LONG_TEXT and text not in _PREPARED:
        words = await asyncio.to_thread(message_words, text)
        _PREPARED[text] = words
        while len(_PREPARED) > _PREPARED_MAX:  # more big mails in flight: the oldest are cut again in the write
            _PREPARED.popitem(last=False)


def drop_prepared(text: str) -> None:
    _PREPARED.pop(text, None)


def message_row(interaction_id: int, ticket_id: int, text: str, coach_for: int | None = None) -> dict[str, Any]:
    words = _PREPARED.pop(text, None) if len(text) >= LONG_TEXT else None
    words = message_words(text) if words is None else words
    return {"id": interaction_id, "ticket_id": ticket_id, "coach": coach_for, "words": words}


def subject_row(ticket_id: int, subject: str) -> dict[str, Any]:
    return {"id": -ticket_id, "ticket_id": ticket_id, "coach": None, "words": index_words(subject)}


async def index_message(
    s: AsyncSession, interaction_id: int, ticket_id: int, text: str, coach_for: int | None = None
) -> None:
    """A message's words, in the caller's transaction. A coaching note keeps whom it is for: only they and
    supervisors find it."""
    await put_ticket_rows(s, [message_row(interaction_id, ticket_id, text, coach_for)])


async def index_subject(s: AsyncSession, ticket_id: int, subject: str) -> None:
    await put_ticket_rows(s, [subject_row(ticket_id, subject)])


@dataclass(frozen=True, slots=True)
class Hit:
    ticket: TicketSnapshot
    rank: float  # higher is better; comparable within one result list only
    snippet: str  # HTML-escaped text around the first term found, terms in <mark>
    interaction_id: int | None  # the message the snippet is from (None: the subject)

    def to_json(self) -> dict[str, Any]:
        return {**self.ticket.to_json(), "rank": round(self.rank, 6), "snippet": self.snippet,
                "matched_interaction_id": self.interaction_id}  # fmt: skip


@dataclass(frozen=True, slots=True)
class SearchPage:
    hits: list[Hit]
    next_cursor: str | None


def _offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    if not (cursor.startswith("s") and cursor[1:].isdigit() and int(cursor[1:]) < CANDIDATES):
        raise UnknownCursor()
    return int(cursor[1:])


def _candidates(
    sqlite: bool, terms: list[str], f: TicketFilter, agent_id: int | None, supervisor: bool, recent: bool = False
) -> Any:
    """The matching rows, newest first. recent (PostgreSQL): among the newest RECENT rows only, read in id order
    (ts_match_vq, the function behind @@, so the planner cannot pick the GIN index): a bounded read whatever
    the word. Otherwise the engine's index: GIN on PostgreSQL, which hands over every match unordered."""
    words: Any = _WORDS
    if sqlite:
        row_id = _WORDS.c.rowid
        fts: ColumnElement[Any] = literal_column(TICKET_WORDS)
        match: ColumnElement[bool] = fts.op("MATCH")(fts5_match(terms))
        score: ColumnElement[float] = -func.bm25(fts)
    else:
        if recent:
            words = select(_WORDS.c.id, _WORDS.c.ticket_id, _WORDS.c.coach_for, _WORDS.c.words)
            words = words.order_by(_WORDS.c.id.desc()).limit(RECENT).subquery()
        row_id = words.c.id
        query = func.to_tsquery(literal_column(f"'{TICKET_CONFIG}'"), tsquery(terms))
        match = func.ts_match_vq(words.c.words, query) if recent else words.c.words.op("@@")(query)
        score = func.ts_rank(words.c.words, query)
    inner = [match]
    if not supervisor:
        inner.append(words.c.coach_for.is_(None) | (words.c.coach_for == agent_id))
    filters = list(conditions(f.filters()[0], "sqlite" if sqlite else "postgresql"))
    if f.statuses:
        filters.append(Ticket.status.in_(f.statuses))
    # The engine reads matches newest first and stops at the limit: at most SCANNED rows for a filtered search
    # (a common word with a narrow filter would otherwise read every match to find a few).
    hits = (
        select(words.c.ticket_id, score.label("score"), row_id.label("row_id"))
        .select_from(words)
        .where(*inner)
        .order_by(row_id.desc())
        .limit(SCANNED if filters else CANDIDATES)
        .subquery()
    )
    return (
        select(hits.c.ticket_id, hits.c.score, hits.c.row_id)
        .select_from(hits.join(Ticket, Ticket.id == hits.c.ticket_id))
        .where(*filters)
        .order_by(hits.c.row_id.desc())
        .limit(CANDIDATES)
    )


async def _matches(session: AsyncSession, terms: list[str], f: TicketFilter, agent_id: int | None,
                   supervisor: bool) -> list[Any]:  # fmt: skip
    """The candidates. PostgreSQL's GIN index returns every match unordered, so a word in a few percent of
    millions of messages (and words that come together, which its estimates take for rare: "password reset")
    would be fetched row by row from all over the table: the newest RECENT rows are read in order first, and
    the index is asked only when they hold fewer than ENOUGH matches (a rarer word: few to fetch)."""
    sqlite = is_sqlite(session)
    params = f.filters()[1]
    if not sqlite:
        rows = list(await session.execute(_candidates(False, terms, f, agent_id, supervisor, recent=True), params))
        if len(rows) >= ENOUGH:
            return rows
    return list(await session.execute(_candidates(sqlite, terms, f, agent_id, supervisor), params))


async def search_tickets(
    session: AsyncSession, f: TicketFilter, q: str, agent_id: int | None, supervisor: bool
) -> SearchPage:
    """Three statements (four on PostgreSQL for a rarer word): the ranked candidates, the page's tickets, the
    matched messages' text."""
    terms = query_terms(q)
    offset = _offset(f.cursor) if f.cursor else f.offset  # a cursor replaces the offset
    if not terms:
        return SearchPage([], None)
    best: dict[int, tuple[float, int]] = {}
    for ticket_id, score, row_id in await _matches(session, terms, f, agent_id, supervisor):
        if ticket_id not in best or score > best[ticket_id][0]:
            best[ticket_id] = (float(score), int(row_id))
    ranked = sorted(best.items(), key=lambda item: (-item[1][0], -item[0]))
    page = ranked[offset : offset + f.limit]
    if not page:
        return SearchPage([], None)
    rows = await session.execute(
        select(Ticket, Customer, Queue.name)
        .join(Customer, Customer.id == Ticket.customer_id)
        .join(Queue, Queue.id == Ticket.queue_id)
        .where(Ticket.id.in_([ticket_id for ticket_id, _ in page]))
        .options(load_only(Customer.display_name, Customer.tier))
    )
    tickets = {t.id: (t, c, qn) for t, c, qn in rows}
    message_ids = [row_id for _, (_, row_id) in page if row_id > 0]
    texts = dict((await session.execute(select(Interaction.id, Interaction.text).where(
        Interaction.id.in_(message_ids)))).all()) if message_ids else {}  # fmt: skip
    hits = []
    for ticket_id, (score, row_id) in page:
        if ticket_id not in tickets:
            continue
        t, c, queue = tickets[ticket_id]
        found = texts.get(row_id, "") if row_id > 0 else t.subject
        hits.append(Hit(TicketSnapshot.of(t, c, queue), score, snippet(found, terms), row_id if row_id > 0 else None))
    more = offset + f.limit < len(ranked)
    return SearchPage(hits, f"s{offset + f.limit}" if more else None)
