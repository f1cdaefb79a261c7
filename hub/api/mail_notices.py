"""Mail notices for staff: delivery reports about no mail of ours and automatic replies to nothing."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from sqlalchemy import select

from hub import keys
from hub.api.errors import int_param, require
from hub.api.refusal import refuse
from hub.db.models import MailNotice

routes = web.RouteTableDef()
KINDS = ("bounce", "automatic")


def notice_json(n: MailNotice) -> dict[str, Any]:
    return {
        "id": n.id,
        "kind": n.kind,
        "message_id": n.message_id,
        "mailbox": n.mailbox,
        "sender": n.sender,
        "subject": n.subject,
        "text": n.text,
        "reason": n.reason,
        "report": n.meta.get("report"),
        "warnings": n.meta.get("warnings", []),
        "received_at": n.received_at.isoformat(),
    }


@routes.get("/api/v1/mail/notices")
async def list_notices(request: web.Request) -> web.Response:
    """Newest first; ?kind=bounce|automatic, ?limit (1-200), ?before=<id> for the next page."""
    await require(request, "agent", "supervisor")
    kind = request.query.get("kind")
    if kind is not None and kind not in KINDS:
        raise refuse(400, "kind must be one of %(choices)s", choices=", ".join(KINDS))
    limit = int_param(request, "limit", 50, 1, 200)
    before = int_param(request, "before", 0, 0, 2**62)
    query = select(MailNotice).order_by(MailNotice.id.desc()).limit(limit)
    if kind:
        query = query.where(MailNotice.kind == kind)
    if before:
        query = query.where(MailNotice.id < before)
    async with request.app[keys.DB].read() as s:
        rows = list(await s.scalars(query))
    after = rows[-1].id if len(rows) == limit else None
    return web.json_response({"notices": [notice_json(n) for n in rows], "before": after})
