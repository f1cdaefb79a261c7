"""Reports: the page (charts drawn in the browser, web/supervisor) and the figures as JSON or as CSV for a
spreadsheet, over whole UTC days: the last ?days=N, or ?since=YYYY-MM-DD&until=YYYY-MM-DD (both included)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from aiohttp import web

from hub import keys
from hub.agent_console.pages import SUPERVISOR_PAGES, page_principal
from hub.agent_console.supervisor_shell import render_shell, tiers_by_value
from hub.agents import audit
from hub.api.errors import int_param, require
from hub.api.refusal import refuse
from hub.clock import utcnow
from hub.tickets.reports import MAX_DAYS, as_csv, report

routes = web.RouteTableDef()
# Excel reads a CSV as the system's code page unless it starts with a byte order mark: with it, Chinese names
# open as written.
BOM = "\ufeff"


def _day(request: web.Request, name: str) -> date | None:
    raw = request.query.get(name)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise refuse(400, "%(name)s must be a date such as 2026-11-24", name=name) from None


def _period(request: web.Request) -> tuple[datetime, datetime, str]:
    """[since, until) as UTC midnights, and a name for the exported file."""
    first, last = _day(request, "since"), _day(request, "until")
    if first is None and last is None:
        days = int_param(request, "days", 7, 1, MAX_DAYS)
        until = (utcnow() + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        return until - timedelta(days=days), until, f"{days}d"
    if first is None or last is None:
        raise refuse(400, "since and until go together")
    if last < first:
        raise refuse(400, "until must not be before since")
    if (last - first).days + 1 > MAX_DAYS:
        raise refuse(400, "a report covers at most %(days)s days", days=MAX_DAYS)
    if last >= date.max:  # the day after it would not exist
        raise refuse(400, "until must be a real day before the end of time")
    since = datetime(first.year, first.month, first.day, tzinfo=UTC)
    return since, since + timedelta(days=(last - first).days + 1), f"{first.isoformat()}_{last.isoformat()}"


def _by_value(request: web.Request, figures: dict[str, Any]) -> dict[str, Any]:
    """The tiers most valuable first (diamond, gold, silver, general), in JSON and CSV alike."""
    order = {name: i for i, name in enumerate(tiers_by_value(request))}
    tiers = sorted(figures["by_tier"].items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0]))
    return {**figures, "by_tier": dict(tiers)}


@routes.get("/console/reports")
async def reports_page(request: web.Request) -> web.Response:
    principal = await page_principal(request, *SUPERVISOR_PAGES)
    return render_shell(request, principal, "reports", {"max_days": MAX_DAYS})


@routes.get("/api/v1/reports")
async def reports_api(request: web.Request) -> web.Response:
    """?days=7 (1-92, whole UTC days up to today) or ?since=&until= (dates, both included); ?format=csv for a
    spreadsheet (UTF-8 with a byte order mark)."""
    actor = await require(request, *SUPERVISOR_PAGES)
    since, until, name = _period(request)
    async with request.app[keys.DB].read_streamed() as s:  # the period's tickets, streamed
        figures = _by_value(request, await report(s, since, until))
    if request.query.get("format") == "csv":
        days = (until - since).days
        chosen = {"since": request.query["since"], "until": request.query["until"]} if "since" in request.query else {}
        async with request.app[keys.DB].write() as uow:  # a file that leaves the hub: who took it
            audit.record(uow.session, actor, "report.exported", "report", None, days=days, format="csv", **chosen)
        return web.Response(
            text=BOM + as_csv(figures),
            content_type="text/csv",
            charset="utf-8",
            headers={"Content-Disposition": f'attachment; filename="hub-report-{name}.csv"'},
        )
    return web.json_response(figures)
