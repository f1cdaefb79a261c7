"""CSV imports of customers (names, e-mails, phones, channel ids, tier, margin) and of orders (value -> tier).

A row is refused only when nothing in it can recognise a customer; a bad field is reported (line, field,
why) and the rest of its row is kept. A row whose e-mail, WeChat or web chat id is already someone's is
that customer (new identities and values are added). A phone is weaker evidence: two people share a family
landline or a switchboard. A row whose number belongs to a customer of another name or e-mail becomes a
record of its own; the number stays with its first owner (who is recognised when it calls or texts) and the
second person keeps it as an unverified contact (`shared_phones`), reported as a possible duplicate and
found again by the duplicate suggestions.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from hub.clock import utcnow
from hub.customers import duplicates
from hub.customers.csv_read import ImportRefused, Table, header_found, read_rows
from hub.customers.identities import InvalidIdentity, find_customer
from hub.customers.import_columns import IDENTITY_FIELDS, Columns, field_of
from hub.customers.import_rows import Context, Row, amount, order_date, read_row
from hub.customers.matching import email_forms, real_name, same_name, score
from hub.customers.phones import PhoneError, parse_phone
from hub.customers.retier import TierTable, retier
from hub.customers.value import ValueRules
from hub.customers.xlsx_read import tables
from hub.db.engine import Database, UnitOfWork
from hub.db.models import Customer, Identity
from hub.envelopes import IdentityRef

__all__ = ["Context", "ImportRefused", "Report", "import_customers", "import_orders"]


@dataclass
class Report:
    imported: int = 0
    updated: int = 0
    refused: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)  # per line and field; "refused" says if the row went
    duplicates: list[dict[str, Any]] = field(default_factory=list)  # rows that are a customer we have
    possible_duplicates: list[dict[str, Any]] = field(default_factory=list)  # kept apart, sharing a number
    ignored_columns: list[str] = field(default_factory=list)
    file: dict[str, str] = field(default_factory=dict)  # encoding and separator, as read

    def to_json(self) -> dict[str, Any]:
        return {"imported": self.imported, "updated": self.updated, "refused": self.refused, "errors": self.errors,
                "duplicates": self.duplicates, "possible_duplicates": self.possible_duplicates,
                "ignored_columns": self.ignored_columns, "file": self.file}  # fmt: skip


async def import_customers(
    db: Database, data: bytes, ctx: Context, rules: ValueRules | None, table: TierTable
) -> Report:
    # Decoding a file or reading a workbook takes seconds for a big one: off the event loop.
    sheet = await asyncio.to_thread(
        _sheet, data, lambda cells: Columns.of(cells).has_identity(), lambda c: bool(field_of(c))
    )
    columns = Columns.of(sheet.header)
    if not columns.has_identity():
        raise ImportRefused(
            "the first line must name the columns: a name and at least one of %(fields)s (or their usual names: "
            "E-mail Address, Mobile Phone, 手机, 邮箱...); found: %(found)s",
            fields=", ".join(IDENTITY_FIELDS),
            found=", ".join(sheet.header),
        )
    ctx = replace(ctx, decimal_comma=sheet.delimiter == ";")  # Excel in comma-decimal countries
    read_as = {
        "encoding": sheet.encoding,
        "separator": sheet.delimiter,
        **({"sheet": sheet.sheet} if sheet.sheet else {}),
    }
    report = Report(ignored_columns=columns.ignored, file=read_as)
    async with db.write() as uow:
        importer = _Importer(uow, report, rules, table)
        for line, cells in sheet.rows:
            row = read_row(line, columns.values(cells), ctx)
            report.errors.extend({**e, "refused": not row.identities} for e in row.errors)
            if not row.identities:
                report.refused += 1
                if not row.errors:
                    report.errors.append({"line": line, "field": None, "refused": True,
                                          "error": "nothing to recognise this customer by: no e-mail, phone or "
                                                   "channel id"})  # fmt: skip
                continue
            await importer.place(row)
        await importer.finish()
    return report


def _sheet(data: bytes, is_header: Callable[[list[str]], bool], names: Callable[[str], bool]) -> Table:
    """A CSV file's table, or a workbook's first sheet whose columns are recognised (a notes sheet before it is
    skipped), with its column names found under any title rows."""
    found = [header_found(table, is_header, names) for table in tables(data)]
    return next((table for table in found if is_header(table.header)), found[0])


@dataclass
class _Importer:
    uow: UnitOfWork
    report: Report
    rules: ValueRules | None
    table: TierTable
    created: dict[int, int] = field(default_factory=dict)  # customer id -> the line that created it
    updated: set[int] = field(default_factory=set)

    async def place(self, row: Row) -> None:
        s = self.uow.session
        owners: dict[IdentityRef, Customer] = {}
        for ref in row.identities:
            if (owner := await find_customer(s, ref)) is not None:
                owners[ref] = owner
        # An e-mail, WeChat or web chat id names one person; a phone may be shared.
        strong = [(ref, c) for ref, c in owners.items() if ref.kind != "phone"]
        target = strong[0][1] if strong else None
        by = f"{strong[0][0].kind} {strong[0][0].value}" if strong else ""
        if target is None:
            for ref, owner in owners.items():
                if await self._same_person(row, owner, ref.value):
                    target, by = owner, f"phone {ref.value}"
                    break
        mine = target.id if target is not None else None
        shared = [(ref, c) for ref, c in owners.items() if ref.kind == "phone" and c.id != mine]
        for ref, other in strong[1:]:
            if other.id != mine:
                self.report.errors.append({"line": row.line, "field": ref.kind, "value": ref.value, "refused": False,
                                           "error": f"already customer {other.id}'s: left there (merge the two if "
                                                    "they are one person)"})  # fmt: skip
        if target is None:
            target = await self._create(row)
        else:
            await self._update(target, row, by)
        await self._share(target, row, shared)

    async def _same_person(self, row: Row, owner: Customer, number: str) -> bool:
        """The owner of this number is the person of the row unless their names or e-mails say otherwise."""
        person = (await duplicates.people(self.uow.session, [owner.id])).get(owner.id)
        if person is None:
            return False
        theirs = (owner.attributes or {}).get("phone_extensions", {}).get(number)
        if theirs and row.extension(number) and theirs != row.extension(number):
            return False  # one switchboard, two desks
        mailboxes = {email_forms(e)[0] for e in person.emails}  # Gmail dots and +tags are one mailbox
        if mailboxes and row.emails and not mailboxes & {email_forms(e)[0] for e in row.emails}:
            return False
        if not real_name(owner.display_name) or not real_name(row.name):
            return True  # a record known only by this number (an SMS, a call): now it has a name
        return same_name(row.name, owner.display_name)

    async def _create(self, row: Row) -> Customer:
        s = self.uow.session
        attributes: dict[str, Any] = dict(row.details)
        tier = self.table.names[-1] if self.table.names else "general"
        if row.margin is not None and self.rules is not None:
            value = round(self.rules.lifetime_value(row.margin), 2)
            attributes |= {"annual_margin": row.margin, "lifetime_value": value}
            tier = self.rules.tier_for(attributes["lifetime_value"])
        if row.tier is not None:
            attributes["tier_override"] = tier = row.tier
        extensions = {p.e164: p.extension for p in row.phones if p.extension}
        if extensions:
            attributes["phone_extensions"] = extensions
        customer = Customer(display_name=row.name or row.identities[0].value, tier=tier, attributes=attributes)
        s.add(customer)
        await s.flush()
        for ref in row.identities:
            if await find_customer(s, ref) is None:
                s.add(Identity(customer_id=customer.id, kind=ref.kind, value=ref.value))
        await s.flush()
        self.created[customer.id] = row.line
        self.report.imported += 1
        return customer

    async def _update(self, customer: Customer, row: Row, by: str) -> None:
        s = self.uow.session
        entry: dict[str, Any] = {"line": row.line, "customer_id": customer.id, "by": by}
        if customer.id in self.created:
            entry["same_as_line"] = self.created[customer.id]
        added = []
        for ref in row.identities:
            if await find_customer(s, ref) is None:
                s.add(Identity(customer_id=customer.id, kind=ref.kind, value=ref.value))
                added.append(f"{ref.kind} {ref.value}")
        attrs, before = dict(customer.attributes or {}), customer.tier
        for key, value in row.details.items():
            attrs.setdefault(key, value)
        extensions = {p.e164: p.extension for p in row.phones if p.extension}
        if extensions:
            attrs["phone_extensions"] = {**extensions, **attrs.get("phone_extensions", {})}
        if row.name and not real_name(customer.display_name):
            customer.display_name = row.name  # the number or address it was known by becomes a person
        if row.margin is not None and self.rules is not None:
            attrs["annual_margin"] = row.margin
            attrs["lifetime_value"] = round(self.rules.lifetime_value(row.margin), 2)
            if "tier_override" not in attrs:
                customer.tier = self.rules.tier_for(attrs["lifetime_value"])
        if row.tier is not None:
            attrs["tier_override"] = customer.tier = row.tier
        customer.attributes = attrs
        await s.flush()
        entry["added"] = added
        if customer.tier != before:
            entry["tier"] = {"before": before, "after": customer.tier}
            await retier(self.uow, customer, before, self.table, why=f"customer import, line {row.line}", now=utcnow())
        self.report.duplicates.append(entry)
        if customer.id not in self.created and customer.id not in self.updated:
            self.updated.add(customer.id)
            self.report.updated += 1

    async def _share(self, customer: Customer, row: Row, shared: list[tuple[IdentityRef, Customer]]) -> None:
        """Numbers that are another customer's: an unverified contact of this one, and a possible duplicate."""
        if not shared:
            return
        attrs = dict(customer.attributes or {})
        kept = list(attrs.get("shared_phones") or [])
        for ref, owner in shared:
            if all(p.get("number") != ref.value for p in kept):
                kept.append({"number": ref.value, "extension": row.extension(ref.value), "shared_with": owner.id,
                             "verified": False})  # fmt: skip
        customer.attributes = {**attrs, "shared_phones": kept}
        await self.uow.session.flush()
        found = await duplicates.people(self.uow.session, [customer.id, *(o.id for _, o in shared)])
        for ref, owner in shared:
            me, other = found.get(customer.id), found.get(owner.id)
            match = score(me, other) if me and other else None
            self.report.possible_duplicates.append(
                {"line": row.line, "customer_id": customer.id, "other_customer_id": owner.id,
                 "by": f"phone {ref.value}", "score": match.score if match else None,
                 "evidence": list(match.evidence) if match else []}
            )  # fmt: skip
            self.updated.add(owner.id)

    async def finish(self) -> None:
        s = self.uow.session
        await s.flush()
        new = list(self.created)
        for start in range(0, len(new), 500):
            await duplicates.reindex(s, new[start : start + 500], new=True)
        again = [i for i in self.updated if i not in self.created]
        for start in range(0, len(again), 500):
            await duplicates.reindex(s, again[start : start + 500])


async def import_orders(
    db: Database, data: bytes, rules: ValueRules, table: TierTable, region: str | None = None, today: date | None = None
) -> Report:
    """Orders of the last twelve months make a customer's annual margin; lifetime value and tier follow
    (a supervisor's tier override stays), and so do the customer's open tickets."""
    report = Report()
    today = today or date.today()
    required, any_of = {"amount", "date"}, {"email", "phone", "customer_id"}
    sheet = await asyncio.to_thread(
        _sheet,
        data,
        lambda cells: required <= (found := {c.strip().lower() for c in cells}) and bool(any_of & found),
        lambda cell: cell.strip().lower() in required | any_of,
    )
    rows = read_rows(sheet, required, any_of)
    margins: dict[int, float] = {}
    async with db.write() as uow:
        s = uow.session
        for line, row in rows:
            try:
                value, when = amount(row["amount"]), order_date(row["date"])
                if row.get("customer_id"):
                    customer_id = await s.scalar(select(Customer.id).where(Customer.id == int(row["customer_id"])))
                else:
                    ref = (IdentityRef("email", row["email"]) if row.get("email")
                           else IdentityRef("phone", parse_phone(row.get("phone", ""), region).e164))  # fmt: skip
                    found = await find_customer(s, ref)
                    customer_id = found.id if found else None
                if customer_id is None:
                    raise LookupError("no such customer")
            except (ValueError, InvalidIdentity, PhoneError, LookupError) as exc:
                report.errors.append({"line": line, "error": str(exc).strip("'")})
                continue
            if today - timedelta(days=365) < when <= today:
                margins[customer_id] = margins.get(customer_id, 0.0) + value
        for customer_id, margin in margins.items():
            customer = await s.get_one(Customer, customer_id)
            attrs = dict(customer.attributes or {})
            attrs["annual_margin"] = round(margin, 2)
            attrs["lifetime_value"] = round(rules.lifetime_value(margin), 2)
            customer.attributes = attrs
            if "tier_override" not in attrs:
                before, customer.tier = customer.tier, rules.tier_for(attrs["lifetime_value"])
                await retier(uow, customer, before, table, why="orders import", now=utcnow())
        report.updated = len(margins)
    return report
