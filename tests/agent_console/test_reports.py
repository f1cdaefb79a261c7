"""Reports over HTTP: the figures for a period (last N days or two dates), tiers most valuable first, and the
CSV a spreadsheet opens with Chinese intact (UTF-8 with a byte order mark, never a formula)."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

from sqlalchemy import select, update

from hub.clock import utcnow
from hub.db.engine import Database
from hub.db.models import Agent, Customer, Ticket
from tests.conftest import Hub
from tests.console_kit import console, contact


async def _tier(db: Database, ticket_id: int, tier: str) -> None:
    async with db.write() as uow:
        customer_id = await uow.session.scalar(select(Ticket.customer_id).where(Ticket.id == ticket_id))
        await uow.session.execute(update(Customer).where(Customer.id == customer_id).values(tier=tier))


async def test_wallboard_and_reports_with_csv(hub: Hub, db: Database) -> None:
    first = await contact(hub, "vip trouble", who="vip@example.com")
    await contact(hub, "other", who="o@example.com")
    async with console(hub, db, "sue@example.test", "supervisor") as sue, console(hub, db, "=cmd@example.test") as ann:
        await ann.api("POST", f"/api/v1/tickets/{first}/replies", {"text": "On it"})
        await ann.api("PATCH", f"/api/v1/tickets/{first}", {"status": "solved"})
        status, wall = await sue.api("GET", "/api/v1/console/wallboard")
        assert status == 200
        general = next(q for q in wall["queues"] if q["queue"] == "general")
        assert general["waiting"] == 1 and wall["waiting_by_tier"] == {"general": 1}
        assert [t["subject"] for t in wall["waiting"]] == ["other"]
        assert general["service_level"] == 1.0  # one answered, in time; the other's target is still ahead
        assert general["answered_today"] == 1
        status, figures = await sue.api("GET", "/api/v1/reports?days=7")
        assert status == 200 and figures["total"]["tickets"] == 2 and figures["total"]["sla_attainment"] == 1.0
        assert figures["by_agent"][0]["name"] == "=cmd" and figures["by_agent"][0]["tickets"] == 1
        assert figures["volume"][-1]["email"] == 2
        status, text = await sue.api("GET", "/api/v1/reports?days=7&format=csv")
        assert status == 200 and text.startswith("\ufeff")
        rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
        assert rows[0][:3] == ["slice", "name", "tickets"] and rows[1][:3] == ["all", "", "2"]
        assert rows[3][:2] == ["agent", "'=cmd"]  # never a formula in a spreadsheet
        status, html = await sue.page("/console/reports?days=7")
        assert status == 200 and '<script type="module" src="/static/app/supervisor.js">' in html
        boot = json.loads(html.split('<script id="boot" type="application/json">')[1].split("</script>")[0])
        assert boot["page"] == "reports" and boot["tiers"] == ["diamond", "gold", "silver", "general"]


async def test_csv_starts_with_a_byte_order_mark_so_excel_reads_chinese(hub: Hub, db: Database) -> None:
    async with console(hub, db, "sue@example.test", "supervisor") as sue, console(hub, db, "li@example.test") as li:
        async with db.write() as uow:  # a Chinese name: what Excel shows garbled without the mark
            await uow.session.execute(update(Agent).where(Agent.id == li.agent.id).values(display_name="李娜"))
        ticket = await contact(hub, "发票开错了", who="wang@example.com")
        await li.api("PATCH", f"/api/v1/tickets/{ticket}", {"assignee_id": li.agent.id})
        await li.api("POST", f"/api/v1/tickets/{ticket}/replies", {"text": "马上处理"})
        async with sue.http.get(f"{hub.url}/api/v1/reports?days=1&format=csv") as r:
            assert r.status == 200 and r.headers["Content-Type"].startswith("text/csv")
            assert r.charset == "utf-8" and 'filename="hub-report-1d.csv"' in r.headers["Content-Disposition"]
            raw = await r.read()
    assert raw[:3] == b"\xef\xbb\xbf"  # the UTF-8 byte order mark, once
    assert raw[3:9] == b"slice,"
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[3][:2] == ["agent", "李娜"] and rows[1][:3] == ["all", "", "1"]


async def test_a_period_between_two_dates_with_tiers_most_valuable_first(hub: Hub, db: Database) -> None:
    tickets = {tier: await contact(hub, f"{tier} question", who=f"{tier}@example.com") for tier in
               ("general", "silver", "diamond", "gold")}  # fmt: skip
    for tier, ticket in tickets.items():
        await _tier(db, ticket, tier)
    today = utcnow().date()
    async with console(hub, db, "sue@example.test", "supervisor") as sue:
        since, until = (today - timedelta(days=2)).isoformat(), today.isoformat()
        status, figures = await sue.api("GET", f"/api/v1/reports?since={since}&until={until}")
        assert status == 200 and [v["day"] for v in figures["volume"]] == [
            (today - timedelta(days=d)).isoformat() for d in (2, 1, 0)
        ]
        assert list(figures["by_tier"]) == ["diamond", "gold", "silver", "general"]
        assert figures["total"]["tickets"] == 4
        status, text = await sue.api("GET", f"/api/v1/reports?since={since}&until={until}&format=csv")
        tiers = [row[1] for row in csv.reader(io.StringIO(text.removeprefix("\ufeff"))) if row[:1] == ["tier"]]
        assert tiers == ["diamond", "gold", "silver", "general"]
        # A period before these tickets has none of them.
        old = (today - timedelta(days=30)).isoformat()
        status, figures = await sue.api("GET", f"/api/v1/reports?since={old}&until={old}")
        assert status == 200 and figures["total"]["tickets"] == 0 and len(figures["volume"]) == 1
        for bad in (f"since={until}&until={since}", f"since={since}", "since=24.11.2026&until=2026-11-25",
                    f"since={(today - timedelta(days=100)).isoformat()}&until={until}"):  # fmt: skip
            status, _ = await sue.api("GET", f"/api/v1/reports?{bad}")
            assert status == 400, bad
