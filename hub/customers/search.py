"""Customer search: names (Chinese, pinyin, Latin), e-mails, phones in any format, WeChat and other ids.

A customer's words are rebuilt whenever a flush adds, renames or removes a customer or one of its identities
(merges move identities through the ORM too), in that flush's transaction: no caller has to remember it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import chain
from typing import Any

import phonenumbers
from sqlalchemy import ColumnElement, column, event, func, literal_column, select, table
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, UOWTransaction
from sqlalchemy.orm.attributes import get_history

from hub.customers.search_index import CUSTOMER_CONFIG, CUSTOMER_WORDS, customer_statements, is_sqlite
from hub.customers.search_query import fts5_match, index_words, snippet, tsquery
from hub.db.models import Customer, Identity

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_PHONE = re.compile(r"^[\s+()\-./0-9]+$")
MAX_RESULTS = 1000
_WORDS = table(CUSTOMER_WORDS, column("rowid"), column("customer_id"), column("words"))


def name_words(name: str) -> list[str]:
    """The name's words; each Chinese character (a search for 小明 finds 王小明) and its pinyin: syllables,
    the name run together with and without the family name (wangxiaoming, xiaoming) and the initials (wxm)."""
    words = [index_words(name)]
    han = "".join(_CJK.findall(name))
    if han:
        from hub.knowledge.pinyin_tables import lazy_pinyin as mapped  # with the first Chinese name, not at start

        lazy_pinyin = mapped()  # pypinyin with its tables mapped from the hub's cache file, not parsed from JSON
        from pypinyin import Style

        syllables = [p for p in lazy_pinyin(han) if p.isalpha()]
        words += [" ".join(han), " ".join(syllables)]
        words += ["".join(syllables[i:]) for i in range(len(syllables) - 1)]  # wangxiaoming, xiaoming
        words.append("".join(lazy_pinyin(han, style=Style.FIRST_LETTER)))
    return words


def _phone_words(value: str) -> list[str]:
    digits = re.sub(r"\D", "", value)
    try:
        national = str(phonenumbers.parse(value, None).national_number)
    except phonenumbers.NumberParseException:
        national = ""
    return [w for w in (digits, national) if w]


def customer_words(name: str, identities: list[tuple[str, str]]) -> str:
    words = name_words(name)
    for kind, value in identities:
        words += _phone_words(value) if kind == "phone" else [index_words(value)]
    return " ".join(w for w in words if w)


def _phone_query(q: str) -> list[str]:
    """A phone number as typed ("+86 138-0013-8000", "(138) 0013 8000", "0086..."): its digits, and the
    national number, each matched as the start of an indexed number."""
    digits = re.sub(r"\D", "", q)
    if not _PHONE.match(q) or len(digits) < 3:
        return []
    digits = digits[2:] if digits.startswith("00") else digits
    return _phone_words("+" + digits) if q.strip().startswith(("+", "00")) else [digits]


def customer_terms(q: str) -> list[str]:
    """Letters and digits as words; Chinese character by character (names are short and jieba splits them
    unpredictably)."""
    return [t for w in index_words(q).split() for t in (list(w) if _CJK.match(w) else [w])][:12]


def reindex(conn: Any, customer_ids: set[int]) -> None:
    """Rebuild these customers' words from the database (sync: runs inside a flush)."""
    sqlite = conn.dialect.name == "sqlite"
    delete, insert = customer_statements(sqlite)
    ids = sorted(customer_ids)
    conn.execute(delete, {"ids": ids})
    people = conn.execute(
        select(Customer.id, Customer.display_name, Customer.attributes, Customer.merged_into_id).where(
            Customer.id.in_(ids)
        )
    ).all()
    held: dict[int, list[tuple[str, str]]] = {}
    for customer_id, kind, value in conn.execute(
        select(Identity.customer_id, Identity.kind, Identity.value).where(Identity.customer_id.in_(ids))
    ):
        held.setdefault(customer_id, []).append((kind, value))
    rows = [
        {"id": cid, "words": customer_words(name, held.get(cid, []))}
        for cid, name, attributes, merged_into in people
        if merged_into is None and not (attributes or {}).get("erased_at")  # merged or erased: not found
    ]
    if rows:
        conn.execute(insert, rows)


def _touched(session: Session) -> set[int]:
    ids: set[int] = set()
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, Customer):
            changed = obj in session.new or obj in session.deleted
            if changed or any(get_history(obj, a).has_changes() for a in ("display_name", "merged_into_id")):
                ids.add(obj.id)
        elif isinstance(obj, Identity):
            history = get_history(obj, "customer_id")
            ids.update(i for i in (*history.added, *history.deleted, obj.customer_id) if isinstance(i, int))
            if obj in session.new or obj in session.deleted or get_history(obj, "value").has_changes():
                ids.add(obj.customer_id)
    return ids


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _flush: UOWTransaction) -> None:
    ids = _touched(session)
    if ids:
        reindex(session.connection(), ids)


@dataclass(frozen=True, slots=True)
class CustomerHit:
    id: int
    display_name: str
    tier: str
    identities: list[tuple[str, str]]
    rank: float
    snippet: str

    def to_json(self) -> dict[str, Any]:
        held = [{"kind": k, "value": v} for k, v in self.identities]
        return {"id": self.id, "display_name": self.display_name, "tier": self.tier, "identities": held,
                "rank": round(self.rank, 6), "snippet": self.snippet}  # fmt: skip


async def search_customers(
    session: AsyncSession, q: str, limit: int, offset: int, tier: str | None = None
) -> tuple[list[CustomerHit], int | None]:
    """Best matches first, of one tier if given; (hits, the next offset or None). Two statements."""
    phone = _phone_query(q)
    terms = phone or customer_terms(q)
    if not terms or offset >= MAX_RESULTS:
        return [], None
    score: ColumnElement[Any]
    if is_sqlite(session):
        words: ColumnElement[Any] = literal_column(CUSTOMER_WORDS)
        match = words.op("MATCH")(" OR ".join(f'"{p}"*' for p in phone) if phone else fts5_match(terms))
        score, key = -func.bm25(words), _WORDS.c.rowid
    else:
        query = func.to_tsquery(literal_column(f"'{CUSTOMER_CONFIG}'"),
                                " | ".join(f"'{p}':*" for p in phone) if phone else tsquery(terms))  # fmt: skip
        match, score, key = _WORDS.c.words.op("@@")(query), func.ts_rank(_WORDS.c.words, query), _WORDS.c.customer_id
    stmt = (
        select(Customer.id, Customer.display_name, Customer.tier, score.label("score"))
        .select_from(_WORDS.join(Customer, Customer.id == key))
        .where(match, *([Customer.tier == tier] if tier else []))
        .order_by(literal_column("score").desc(), Customer.id.desc())
        .limit(limit + 1)
        .offset(offset)
    )
    rows = list((await session.execute(stmt)).all())
    return await _hits(session, rows[:limit], terms), (offset + limit if len(rows) > limit else None)


async def _hits(session: AsyncSession, rows: list[Any], terms: list[str]) -> list[CustomerHit]:
    held: dict[int, list[tuple[str, str]]] = {}
    if rows:
        found = await session.execute(select(Identity.customer_id, Identity.kind, Identity.value).where(
            Identity.customer_id.in_([r[0] for r in rows])).order_by(Identity.id))  # fmt: skip
        for customer_id, kind, value in found:
            held.setdefault(customer_id, []).append((kind, value))
    hits = []
    for customer_id, name, tier, score in rows:
        mine = held.get(customer_id, [])
        fields = [name, *(v for _, v in mine)]
        shown = next((f for f in fields if any(t in f.lower() or t in re.sub(r"\D", "", f) for t in terms)), name)
        hits.append(CustomerHit(customer_id, name, tier, mine, float(score), snippet(shown, terms)))
    return hits


async def newest_customers(
    session: AsyncSession, limit: int, before: int | None, tier: str | None = None
) -> tuple[list[dict[str, Any]], int | None]:
    """The customer list without a query: newest first, of one tier if given, paged by id (merged records are
    not listed)."""
    stmt = select(Customer.id, Customer.display_name, Customer.tier).where(Customer.merged_into_id.is_(None))
    if tier:
        stmt = stmt.where(Customer.tier == tier)
    if before is not None:
        stmt = stmt.where(Customer.id < before)
    rows = list((await session.execute(stmt.order_by(Customer.id.desc()).limit(limit))).all())
    hits = await _hits(session, [(*r, 0.0) for r in rows], [])
    listed = [{k: v for k, v in h.to_json().items() if k not in ("rank", "snippet")} for h in hits]
    return listed, rows[-1][0] if len(rows) == limit else None
