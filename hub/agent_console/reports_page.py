"""Reports: the page with its charts (SVG drawn on the server, no script), and the figures as JSON or CSV."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from aiohttp import web

from hub import keys
from hub.agent_console.pages import SUPERVISOR_PAGES, page, page_principal
from hub.agents import audit
from hub.api.errors import int_param, require
from hub.clock import utcnow
from hub.tickets.reports import MAX_DAYS, as_csv, report

routes = web.RouteTableDef()


def _period(request: web.Request) -> tuple[datetime, datetime, int]:
    days = int_param(request, "days", 7, 1, MAX_DAYS)
    until = (utcnow() + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return until - timedelta(days=days), until, days


@routes.get("/console/reports")
@page("console/reports.html")
async def reports_page(request: web.Request) -> dict[str, Any]:
    principal = await page_principal(request, *SUPERVISOR_PAGES)
    since, until, days = _period(request)
    async with request.app[keys.DB].read() as s:
        figures = await report(s, since, until)
    peak = max([sum(v for k, v in day.items() if k != "day") for day in figures["volume"]] or [0]) or 1
    return {"me": principal, "live": False, "days": days, "figures": figures, "peak": peak}


@routes.get("/api/v1/reports")
async def reports_api(request: web.Request) -> web.Response:
    """?days=7 (1-92, whole UTC days up to today) and ?format=csv for a spreadsheet."""
    actor = await require(request, *SUPERVISOR_PAGES)
    since, until, days = _period(request)
    async with request.app[keys.DB].read() as s:
        figures = await report(s, since, until)
    if request.query.get("format") == "csv":
        async with request.app[keys.DB].write() as uow:  # a file that leaves the hub: who took it
            audit.record(uow.session, actor, "report.exported", "report", None, days=days, format="csv")
        return web.Response(
            text=as_csv(figures),
            content_type="text/csv",
            charset="utf-8",
            headers={"Content-Disposition": f'attachment; filename="hub-report-{days}d.csv"'},
        )
    return web.json_response(figures)
