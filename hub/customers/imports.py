"""CSV imports: customers (name, email, phone, tier, annual_margin) and orders (who, amount, date) that set
lifetime value and tier. Good rows are imported, bad ones reported by line; nothing half-imported."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from hub.customers import duplicates
from hub.customers.identities import InvalidIdentity, find_customer, normalize
from hub.customers.value import ValueRules
from hub.db.engine import Database
from hub.db.models import Customer, Identity
from hub.envelopes import IdentityRef

MAX_ROWS = 100_000


class ImportRefused(ValueError):
    """The file as a whole cannot be read (encoding, header): nothing imported."""


@dataclass
class Report:
    imported: int = 0
    updated: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"imported": self.imported, "updated": self.updated, "errors": self.errors,
                "duplicates": self.duplicates}  # fmt: skip


def read_rows(data: bytes, required: set[str], any_of: set[str] | None = None) -> list[tuple[int, dict[str, str]]]:
    """(line number, row) pairs. UTF-8 (with or without BOM) or GB18030, as Chinese Excel saves it."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportRefused("the file is neither UTF-8 nor GB18030 text")
    reader = csv.DictReader(io.StringIO(text))
    header = {h.strip().lower() for h in reader.fieldnames or []}
    any_of = any_of or set()
    if not required <= header or (any_of and not any_of & header):
        wanted = ", ".join(sorted(required | any_of))
        raise ImportRefused(f"the first line must name the columns ({wanted}); found: {', '.join(sorted(header))}")
    rows: list[tuple[int, dict[str, str]]] = []
    for row in reader:
        if len(rows) >= MAX_ROWS:
            raise ImportRefused(f"more than {MAX_ROWS} rows: split the file")
        clean = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items() if k is not None}
        rows.append((reader.line_num, clean))
    return rows


def _identities(row: dict[str, str]) -> list[IdentityRef]:
    refs = []
    if row.get("email"):
        refs.append(normalize(IdentityRef("email", row["email"])))
    if row.get("phone"):
        if not row["phone"].startswith("+"):
            raise InvalidIdentity(f"phone {row['phone']!r} needs its country code, e.g. +86 138 0013 8000")
        refs.append(normalize(IdentityRef("phone", row["phone"])))
    if not refs:
        raise InvalidIdentity("a customer needs an email or a phone")
    return refs


async def import_customers(db: Database, data: bytes, tiers: tuple[str, ...], rules: ValueRules | None) -> Report:
    report = Report()
    rows = read_rows(data, {"name"}, {"email", "phone"})
    seen: dict[tuple[str, str], int] = {}
    async with db.write() as uow:
        s = uow.session
        created: list[int] = []
        for line, row in rows:
            try:
                refs = _identities(row)
                tier = row.get("tier") or None
                if tier is not None and tier not in tiers:
                    raise ValueError(f"tier {tier!r} is not one of {', '.join(tiers)}")
                margin = float(row["annual_margin"]) if row.get("annual_margin") else None
                if margin is not None and margin < 0:
                    raise ValueError("annual_margin must be 0 or more")
            except (InvalidIdentity, ValueError) as exc:
                report.errors.append({"line": line, "error": str(exc)})
                continue
            earlier = next((seen[(r.kind, r.value)] for r in refs if (r.kind, r.value) in seen), None)
            if earlier is not None:
                report.errors.append({"line": line, "error": f"the same customer as line {earlier}"})
                continue
            known = None
            for ref in refs:
                if (owner := await find_customer(s, ref)) is not None:
                    known = (ref, owner)
                    break
            if known is not None:
                ref, owner = known
                report.duplicates.append({"line": line, "customer_id": owner.id, "by": f"{ref.kind} {ref.value}"})
                continue
            attributes: dict[str, Any] = {}
            earned = tiers[-1]
            if margin is not None and rules is not None:
                attributes = {"annual_margin": margin, "lifetime_value": round(rules.lifetime_value(margin), 2)}
                earned = rules.tier_for(attributes["lifetime_value"])
            if tier is not None:
                attributes["tier_override"] = tier
            customer = Customer(display_name=row["name"][:200] or refs[0].value, attributes=attributes,
                                tier=tier or earned)  # fmt: skip
            s.add(customer)
            await s.flush()
            for ref in refs:
                s.add(Identity(customer_id=customer.id, kind=ref.kind, value=ref.value))
                seen[(ref.kind, ref.value)] = line
            created.append(customer.id)
        await s.flush()
        for start in range(0, len(created), 500):
            await duplicates.reindex(s, created[start : start + 500], new=True)
        report.imported = len(created)
    return report


async def import_orders(db: Database, data: bytes, rules: ValueRules, today: date | None = None) -> Report:
    """Orders of the last twelve months make a customer's annual margin; lifetime value and tier follow
    (a supervisor's tier override stays)."""
    report = Report()
    today = today or date.today()
    rows = read_rows(data, {"amount", "date"}, {"email", "phone", "customer_id"})
    margins: defaultdict[int, float] = defaultdict(float)
    async with db.write() as uow:
        s = uow.session
        for line, row in rows:
            try:
                amount, when = float(row["amount"]), date.fromisoformat(row["date"])
                if row.get("customer_id"):
                    customer_id = await s.scalar(select(Customer.id).where(Customer.id == int(row["customer_id"])))
                else:
                    ref = IdentityRef("email", row["email"]) if row.get("email") else IdentityRef("phone", row["phone"])
                    found = await find_customer(s, ref)
                    customer_id = found.id if found else None
                if customer_id is None:
                    raise LookupError("no such customer")
            except (ValueError, InvalidIdentity, LookupError) as exc:
                report.errors.append({"line": line, "error": str(exc).strip("'")})
                continue
            if today - timedelta(days=365) < when <= today:
                margins[customer_id] += amount
        for customer_id, margin in margins.items():
            customer = await s.get_one(Customer, customer_id)
            attrs = dict(customer.attributes or {})
            attrs["annual_margin"] = round(margin, 2)
            attrs["lifetime_value"] = round(rules.lifetime_value(margin), 2)
            customer.attributes = attrs
            if "tier_override" not in attrs:
                customer.tier = rules.tier_for(attrs["lifetime_value"])
        report.updated = len(margins)
    return report
