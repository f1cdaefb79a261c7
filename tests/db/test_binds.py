"""Rows bound in plain Python on SQLite (hub/db/binds.py) are stored exactly as SQLAlchemy's processors store them."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import Column, Date, DateTime, Integer, MetaData, Table, event, select, text
from sqlalchemy.exc import IntegrityError

from hub.db.binds import SqliteRows, json_text, utc_text
from hub.db.engine import Database
from hub.db.models import INTERACTIONS, TICKETS, Customer, Queue, Ticket
from hub.db.sqlite import InlineConnection, inline_driver
from hub.settings import Settings
from hub.tickets.inbound import _TOUCH_TICKET
from hub.tickets.inbound_sqlite import DriverRead
from hub.tickets.queues import sync_queues
from tests.statements import statements

INSERT = INTERACTIONS.insert().returning(INTERACTIONS.c.id, INTERACTIONS.c.external_id)
SHANGHAI = timezone(timedelta(hours=8))
TIMES = [
    datetime(2026, 12, 5, 9, 0, tzinfo=UTC),  # no microseconds: still six digits stored
    datetime(2026, 12, 5, 17, 30, 1, 5, tzinfo=SHANGHAI),  # another zone: stored as UTC
    datetime(999, 1, 2, 3, 4, 5, 123456, tzinfo=UTC),  # a year of three digits: padded to four
    datetime(2026, 3, 1, 0, 0, 0, 999999, tzinfo=timezone(timedelta(hours=-5, minutes=-30))),
]
DOCUMENTS: list[Any] = [[], {}, None, {"to": "+15550001111", "text": "订单还没到 \u2028 \"quoted\""},
                        [{"url": "https://x/1", "n": 1.5, "ok": True}], "a string", 7]  # fmt: skip


def rows(ticket_id: int, customer_id: int, tag: str, n: int) -> list[dict[str, Any]]:
    return [
        {"ticket_id": ticket_id, "customer_id": customer_id, "direction": "inbound", "channel": "sms.twilio",
         "external_id": f"{tag}-{i}", "author_agent_id": None, "text": f"第{i}条 text", "html": None,
         "attachments": DOCUMENTS[i % len(DOCUMENTS)], "meta": DOCUMENTS[(i + 3) % len(DOCUMENTS)],
         "delivery_status": None, "delivery_error": None, "created_at": TIMES[i % len(TIMES)]}
        for i in range(n)
    ]  # fmt: skip


async def stored(db: Database, tag: str) -> list[tuple[Any, ...]]:
    """The stored text itself (not read back through the types), and what the ORM reads, per message."""
    async with db.read() as s:
        raw = await s.execute(
            text("SELECT substr(external_id, instr(external_id, '-')) AS n, created_at, attachments, meta, text "
                 "FROM interactions WHERE external_id LIKE :tag ORDER BY id"), {"tag": f"{tag}-%"})  # fmt: skip
        typed = await s.execute(
            select(INTERACTIONS.c.created_at, INTERACTIONS.c.attachments, INTERACTIONS.c.meta)
            .where(INTERACTIONS.c.external_id.like(f"{tag}-%"))
            .order_by(INTERACTIONS.c.id)
        )
        return [(*a, *b) for a, b in zip(raw, typed, strict=True)]


async def a_ticket(db: Database, settings: Settings) -> tuple[int, int]:
    await sync_queues(db, settings.queues)
    async with db.write() as uow:
        queue = await uow.session.scalar(select(Queue.id).limit(1))
        assert queue is not None
        customer = Customer(display_name="王芳")
        uow.session.add(customer)
        await uow.session.flush()
        ticket = Ticket(customer_id=customer.id, channel="sms.twilio", queue_id=queue, subject="s")
        uow.session.add(ticket)
        await uow.session.flush()
        return ticket.id, customer.id


async def test_rows_bound_in_python_are_stored_as_sqlalchemy_stores_them(db: Database, settings: Settings) -> None:
    if not db.is_sqlite:
        pytest.skip("SQLite only: PostgreSQL's statements keep SQLAlchemy's binding")
    ticket, customer = await a_ticket(db, settings)
    n = 200  # more rows than one statement takes (SQLite's cap on parameters): several chunks
    async with db.write() as uow:
        fast = await SqliteRows(INSERT).insert_returning(uow.session, rows(ticket, customer, "fast", n))
        slow = list(await uow.session.execute(INSERT, rows(ticket, customer, "slow", n)))
    assert sorted(e for _, e in fast) == sorted(f"fast-{i}" for i in range(n)) and len({i for i, _ in fast}) == n
    assert len(slow) == n
    assert await stored(db, "fast") == await stored(db, "slow")
    # The tickets' move: an executemany UPDATE, times in and out of UTC, None kept as NULL.
    moves = [{"ticket_id": ticket, "status": "open", "solved_at": None, "last_message_at": TIMES[1],
              "updated_at": TIMES[2], "remind_at": None}]  # fmt: skip
    read = select(text("last_message_at, updated_at, solved_at, remind_at")).select_from(TICKETS)
    async with db.write() as uow:
        await SqliteRows(_TOUCH_TICKET).execute_many(uow.session, moves)
        by_helper = list(await uow.session.execute(read.where(TICKETS.c.id == ticket)))
        await uow.session.execute(_TOUCH_TICKET, moves)
        by_sqlalchemy = list(await uow.session.execute(read.where(TICKETS.c.id == ticket)))
    assert by_helper == by_sqlalchemy == [("2026-12-05 09:30:01.000005", "0999-01-02 03:04:05.123456", None, None)]


def test_values_converted_as_the_processors_convert_them() -> None:
    for when in TIMES:
        assert utc_text(when) == when.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f").rjust(26, "0")
    assert utc_text(None) is None
    with pytest.raises(ValueError, match="naive"):  # as UTCDateTime refuses it
        utc_text(datetime(2026, 12, 5, 9, 0))
    assert [json_text(d) for d in DOCUMENTS[:3]] == ["[]", "{}", "null"]


async def test_a_row_without_a_column_is_refused_not_defaulted(db: Database, settings: Settings) -> None:
    if not db.is_sqlite:
        pytest.skip("SQLite only: PostgreSQL's statements keep SQLAlchemy's binding")
    ticket, customer = await a_ticket(db, settings)
    partial = [{k: v for k, v in row.items() if k != "created_at"} for row in rows(ticket, customer, "p", 1)]
    with pytest.raises(ValueError, match="created_at"):
        async with db.write() as uow:
            await SqliteRows(INSERT).insert_returning(uow.session, partial)


async def test_plain_date_and_time_columns_are_bound_and_read_as_the_sqlite_dialect_does(db: Database) -> None:
    # Not used by today's batch, but a column of a plain type must not fall back to the driver's own adapter
    # (which writes a time without its microseconds when they are zero, unlike SQLAlchemy's SQLite DATETIME).
    if not db.is_sqlite:
        pytest.skip("SQLite only: PostgreSQL's statements keep SQLAlchemy's binding")
    table = Table("bind_probe", MetaData(), Column("n", Integer), Column("at", DateTime), Column("day", Date))
    async with db.write() as uow:
        await uow.session.run_sync(lambda s: table.create(s.connection()))
    values: list[dict[str, Any]] = [
        {"n": 1, "at": datetime(2026, 12, 5, 9, 0), "day": date(2026, 12, 5)},
        {"n": 2, "at": datetime(2026, 12, 5, 9, 0, 0, 7), "day": date(999, 1, 2)},
    ]
    async with db.write() as uow:
        await SqliteRows(table.insert()).execute_many(uow.session, values)
        await uow.session.execute(table.insert(), [{**v, "n": v["n"] + 10} for v in values])
    async with db.read() as s:
        raw = list(await s.execute(text("SELECT n % 10, at, day FROM bind_probe ORDER BY n")))
        back = await DriverRead(select(table.c.at, table.c.day).order_by(table.c.n)).rows(s, {})
    assert raw[:2] == raw[2:] and raw[0][1] == "2026-12-05 09:00:00.000000"
    assert back[:2] == back[2:] == [(v["at"], v["day"]) for v in values]


async def test_rows_sent_to_the_driver_are_heard_by_listeners_and_fail_as_sqlalchemy_fails(
    db: Database, settings: Settings
) -> None:
    """The hub's SQLite connections take the rows on the driver itself: the engine's listeners still hear each
    statement, and a broken constraint is SQLAlchemy's IntegrityError (the ingest's retry on a race catches that),
    with the transaction rolled back whole."""
    if not db.is_sqlite:
        pytest.skip("SQLite only: PostgreSQL's statements keep SQLAlchemy's execution")
    ticket, customer = await a_ticket(db, settings)
    twice = rows(ticket, customer, "dup", 1) * 2  # the same (channel, external id) twice: a unique key refuses it
    with statements(db) as sent:
        async with db.write() as uow:
            await SqliteRows(INSERT).insert_returning(uow.session, rows(ticket, customer, "heard", 2))
            await SqliteRows(_TOUCH_TICKET).execute_many(uow.session, [
                {"ticket_id": ticket, "status": "open", "solved_at": None, "last_message_at": TIMES[0],
                 "updated_at": TIMES[0], "remind_at": None}])  # fmt: skip
    assert [q.split(" (")[0] for q in sent if not q.startswith(("BEGIN", "COMMIT"))] == [
        "INSERT INTO interactions", "UPDATE tickets SET status=?, solved_at=?, last_message_at=?, updated_at=?, "
        "remind_at=? WHERE tickets.id = ?"]  # fmt: skip

    async def kept_out_then_refused() -> None:
        async with db.write() as uow:
            await SqliteRows(INSERT).insert_returning(uow.session, rows(ticket, customer, "kept-out", 1))
            await SqliteRows(INSERT).insert_returning(uow.session, twice)

    with pytest.raises(IntegrityError) as refused:
        await kept_out_then_refused()
    assert isinstance(refused.value.orig, sqlite3.IntegrityError) and "UNIQUE" in str(refused.value)
    assert await stored(db, "kept-out") == [] and len(await stored(db, "heard")) == 2


async def test_a_listener_that_rewrites_a_statement_is_obeyed_on_the_driver_too(
    db: Database, settings: Settings
) -> None:
    """A before_cursor_execute listener registered with retval=True sends its own statement and parameters, as it
    does through SQLAlchemy's execution."""
    if not db.is_sqlite:
        pytest.skip("SQLite only: PostgreSQL's statements keep SQLAlchemy's execution")
    ticket, customer = await a_ticket(db, settings)

    def rewrite(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> tuple[str, Any]:
        if statement.startswith("INSERT INTO interactions"):
            parameters = type(parameters)("rewritten" if p == "第0条 text" else p for p in parameters)
        return statement, parameters

    event.listen(db.engine.sync_engine, "before_cursor_execute", rewrite, retval=True)
    try:
        async with db.write() as uow:
            await SqliteRows(INSERT).insert_returning(uow.session, rows(ticket, customer, "rewritten", 2))
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", rewrite)
    assert [row[4] for row in await stored(db, "rewritten")] == ["rewritten", "第1条 text"]  # the stored text


async def test_the_driver_kept_for_a_pooled_connection_is_found_again_once_it_is_replaced(db: Database) -> None:
    """The sqlite3 connection is kept in the pooled connection's info: a connection invalidated (closed) and opened
    again in the same pool slot is found anew, never the closed one."""
    if not db.is_sqlite:
        pytest.skip("SQLite only: PostgreSQL's statements keep SQLAlchemy's execution")
    async with db.engine.connect() as conn:
        first = await inline_driver(conn)
        assert first is not None and await inline_driver(conn) is first  # kept
        await conn.invalidate()
    with pytest.raises(sqlite3.ProgrammingError):
        first.execute("SELECT 1")  # closed with its pooled connection
    async with db.engine.connect() as conn:
        again = await inline_driver(conn)
        inline = (await conn.get_raw_connection()).driver_connection
        assert isinstance(inline, InlineConnection) and again is inline.raw
        assert again.execute("SELECT 1").fetchall() == [(1,)]
