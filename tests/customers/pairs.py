"""The labelled pairs (fixtures/pairs.json) as customer records in a database, and how well suggestions find them.

Each record is stored as ingest and imports store one: identities normalised, a number somebody already owns
kept as a shared contact (`shared_phones`), extensions and the address in the attributes. Then every
customer's suggestions are asked for, as an agent would, and compared with the labels.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from hub.customers.duplicates import reindex, suggest
from hub.customers.identities import normalize
from hub.customers.phones import parse_cell
from hub.db.engine import Database
from hub.db.models import Customer, Identity
from hub.envelopes import IdentityRef

PAIRS = Path(__file__).parent / "fixtures" / "pairs.json"


@dataclass(frozen=True, slots=True)
class Pair:
    id: str
    same: bool
    kind: str
    half: str  # "tune" (the weights were set on it) or "check"
    a: dict[str, Any]
    b: dict[str, Any]


def labelled(path: Path = PAIRS) -> list[Pair]:
    return [Pair(**p) for p in json.loads(path.read_text(encoding="utf-8"))["pairs"]]


def _identities(record: dict[str, Any]) -> tuple[list[IdentityRef], dict[str, str]]:
    """The record's identities (e-mails, phones read as written, channel ids) and its phones' extensions."""
    refs = [normalize(IdentityRef("email", e)) for e in record.get("emails", [])]
    extensions: dict[str, str] = {}
    for cell in record.get("phones", []):
        phones, errors = parse_cell(cell, record.get("region"))
        assert phones and not errors, f"{cell!r}: {errors}"
        for phone in phones:
            refs.append(IdentityRef("phone", phone.e164))
            if phone.extension:
                extensions[phone.e164] = phone.extension
    for kind in ("wechat", "webchat"):
        if record.get(kind):
            refs.append(IdentityRef(kind, record[kind]))
    return refs, extensions


async def store(db: Database, pairs: Iterable[Pair]) -> dict[tuple[str, str], int]:
    """Every record as a customer: (pair id, "a" | "b") -> customer id."""
    ids: dict[tuple[str, str], int] = {}
    async with db.write() as uow:
        s = uow.session
        owners: dict[tuple[str, str], int] = {
            (i.kind, i.value): i.customer_id for i in await s.scalars(select(Identity))
        }
        for pair in pairs:
            for side, record in (("a", pair.a), ("b", pair.b)):
                refs, extensions = _identities(record)
                attributes: dict[str, Any] = {"address": record["address"]} if record.get("address") else {}
                # Ingest names a sender who gave no name by the address or number it came from.
                customer = Customer(display_name=record["name"] or refs[0].value, attributes=attributes)
                s.add(customer)
                await s.flush()
                own, shared = {}, []
                for ref in refs:
                    owner = owners.get((ref.kind, ref.value))
                    if owner is None:
                        owners[(ref.kind, ref.value)] = customer.id
                        s.add(Identity(customer_id=customer.id, kind=ref.kind, value=ref.value))
                        if ref.value in extensions:
                            own[ref.value] = extensions[ref.value]
                    elif ref.kind == "phone":
                        shared.append({"number": ref.value, "extension": extensions.get(ref.value),
                                       "shared_with": owner, "verified": False})  # fmt: skip
                    else:
                        raise AssertionError(f"{pair.id}: {ref.kind} {ref.value} is another record's: one customer")
                customer.attributes = {**attributes, **({"phone_extensions": own} if own else {}),
                                       **({"shared_phones": shared} if shared else {})}  # fmt: skip
                ids[(pair.id, side)] = customer.id
        await s.flush()
        await reindex(s, list(ids.values()), new=True)
    return ids


@dataclass
class Figures:
    true_pairs: int = 0
    found: int = 0
    negatives: int = 0
    negatives_suggested: int = 0
    suggested: int = 0  # pairs suggested among this half's records, labelled or not
    wrong: int = 0  # suggested, not one person
    missed: list[str] = field(default_factory=list)
    false: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "pairs": self.true_pairs + self.negatives,
            "precision": round((self.suggested - self.wrong) / self.suggested, 3) if self.suggested else None,
            "recall": round(self.found / self.true_pairs, 3) if self.true_pairs else None,
            "look_alikes_suggested": f"{self.negatives_suggested} of {self.negatives}",
            "missed": self.missed,
            "wrongly_suggested": self.false,
        }


async def measure(db: Database, pairs: list[Pair], ids: dict[tuple[str, str], int]) -> dict[str, Figures]:
    """Precision, recall and look-alikes suggested at the default threshold, per half and in all."""
    record = {cid: (pid, side) for (pid, side), cid in ids.items()}
    suggested: set[frozenset[int]] = set()
    strangers: set[tuple[int, int]] = set()  # a labelled record suggested with someone else (another's crowd)
    for customer_id in ids.values():
        for match in await suggest(db, customer_id):
            if match.customer_id in record:
                suggested.add(frozenset((customer_id, match.customer_id)))
            else:
                strangers.add((customer_id, match.customer_id))
    by_id = {p.id: p for p in pairs}
    labels = {frozenset((ids[(p.id, "a")], ids[(p.id, "b")])): p for p in pairs}
    figures = {"tune": Figures(), "check": Figures(), "all": Figures()}
    for pair in pairs:
        found = frozenset((ids[(pair.id, "a")], ids[(pair.id, "b")])) in suggested
        for f in (figures[pair.half], figures["all"]):
            if pair.same:
                f.true_pairs += 1
                f.found += found
                if not found:
                    f.missed.append(f"{pair.id} {pair.kind}")
            else:
                f.negatives += 1
                f.negatives_suggested += found
    for both in suggested:
        one, other = sorted(both)
        label = labels.get(both)
        right = label is not None and label.same
        halves = {by_id[record[one][0]].half, by_id[record[other][0]].half, "all"}
        for half in halves:
            figures[half].suggested += 1
            if not right:
                figures[half].wrong += 1
                figures[half].false.append(f"{record[one][0]}{record[one][1]}~{record[other][0]}{record[other][1]}")
    for customer_id, other in sorted(strangers):
        pid, side = record[customer_id]
        for half in (by_id[pid].half, "all"):
            figures[half].suggested += 1
            figures[half].wrong += 1
            figures[half].false.append(f"{pid}{side}~customer {other}")
    return figures
