"""CSV imports: good rows in, bad rows reported by line, duplicates found; orders set value and tier."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import aiohttp
from sqlalchemy import select

from hub.db.engine import Database
from hub.db.models import Customer, Identity
from tests.conftest import Hub, make_token


async def post_csv(hub: Hub, token: str, path: str, text: str, encoding: str = "utf-8") -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "text/csv"}
    async with (
        aiohttp.ClientSession(headers=headers) as http,
        http.post(hub.url + path, data=text.encode(encoding)) as r,
    ):
        return r.status, await r.json()


async def test_customer_csv_imports_good_rows_and_reports_bad_ones(hub: Hub, db: Database) -> None:
    token = await make_token(db, "supervisor")
    existing = "name,email,phone\n李娜,li.na@example.cn,+86 139 0013 9000\n"
    assert (await post_csv(hub, token, "/api/v1/customers/import", existing))[1]["imported"] == 1
    csv_text = (
        "name,email,phone,tier,annual_margin\n"
        "王小明,wang@example.cn,+8613800138000,,\n"  # line 2: fine
        "Bad Mail,not-an-address,,,\n"  # line 3: bad email
        "No Contact,,,,\n"  # line 4: neither email nor phone
        "Local Number,,13800138001,,\n"  # line 5: no country code
        "Li Na again,LI.NA@example.cn,,,\n"  # line 6: already a customer
        "Wang again,wang@example.cn,,,\n"  # line 7: same as line 2
        "Gold Lady,gold@example.cn,,gold,\n"  # line 8: tier given
        "Big Spender,big@example.cn,,,9000\n"  # line 9: margin -> lifetime value -> tier
        "Odd Tier,odd@example.cn,,platinum,\n"  # line 10: unknown tier
    )
    status, report = await post_csv(hub, token, "/api/v1/customers/import", csv_text, "gb18030")
    assert status == 200 and report["imported"] == 4 and report["refused"] == 3
    assert {e["line"] for e in report["errors"]} == {3, 4, 5, 10}
    assert {e["line"] for e in report["errors"] if e["refused"]} == {3, 4, 5}  # nothing left to recognise them by
    assert next(e for e in report["errors"] if e["line"] == 5)["error"].startswith(
        "phone '13800138001' needs its country"
    )
    odd = next(e for e in report["errors"] if e["line"] == 10)
    assert odd["field"] == "tier" and not odd["refused"]  # the customer is in, at the default tier
    assert [(d["line"], d["by"]) for d in report["duplicates"]] == [
        (6, "email li.na@example.cn"),
        (7, "email wang@example.cn"),
    ]
    assert report["duplicates"][1]["same_as_line"] == 2
    async with db.read() as s:
        tiers = {c.display_name: c.tier for c in await s.scalars(select(Customer))}
        phone = await s.scalar(select(Identity.value).where(Identity.kind == "phone", Identity.value.like("+86138%")))
    assert tiers["王小明"] == "general" and tiers["Gold Lady"] == "gold"
    assert tiers["Big Spender"] == "diamond"  # 9000 * 0.8 / (1 + 0.1 - 0.8) = 24,000 >= 20,000
    assert tiers["Odd Tier"] == "general"
    assert phone == "+8613800138000"
    status, refused = await post_csv(hub, token, "/api/v1/customers/import", "who,what\nx,y\n")
    assert status == 422 and "columns" in refused["error"]["message"]


async def test_orders_set_annual_margin_lifetime_value_and_tier(hub: Hub, db: Database) -> None:
    token = await make_token(db, "supervisor")
    await post_csv(hub, token, "/api/v1/customers/import", "name,email\nBuyer,buyer@example.cn\nOther,o@example.cn\n")
    today = date.today()
    orders = (
        "email,amount,date\n"
        f"buyer@example.cn,4000,{today - timedelta(days=10)}\n"
        f"buyer@example.cn,3000,{today - timedelta(days=100)}\n"
        f"buyer@example.cn,99999,{today - timedelta(days=500)}\n"  # older than a year: not this year's margin
        f"nobody@example.cn,10,{today}\n"  # line 5: unknown
        f"o@example.cn,ten,{today}\n"  # line 6: bad amount
        f"o@example.cn,100,yesterday\n"  # line 7: bad date
    )
    status, report = await post_csv(hub, token, "/api/v1/customers/orders/import", orders)
    assert status == 200 and report["updated"] == 1 and [e["line"] for e in report["errors"]] == [5, 6, 7]
    async with db.read() as s:
        buyer = await s.scalar(select(Customer).where(Customer.display_name == "Buyer"))
    assert buyer is not None and buyer.attributes["annual_margin"] == 7000
    # CLV = m*r/(1+i-r) = 7000 * 0.8 / 0.3 = 18,666.67: gold (>= 5,000, below diamond's 20,000).
    assert buyer.attributes["lifetime_value"] == 18666.67 and buyer.tier == "gold"
