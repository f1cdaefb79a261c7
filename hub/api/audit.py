"""GET /api/v1/audit: who did what to which record, for admins, filtered and paged newest first."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time

from aiohttp import web

from hub import keys
from hub.agents.audit_trail import ACTOR_KINDS, AuditQuery, read_trail
from hub.api.errors import require
from hub.api.refusal import refuse, refuse_for
from hub.db.ids import BadId, parse_id

routes = web.RouteTableDef()

FILTERS = ("entity", "entity_id", "actor", "action", "since", "until", "before", "limit")
_ENTITY = re.compile(r"[a-z_]{1,32}")
_ACTION = re.compile(r"[a-z_.]{1,64}\*?|\*")
_ACTOR = re.compile(r"(agent|token):(\d+)")


def _id(name: str, raw: str) -> int:
    try:
        return parse_id(raw, name)
    except BadId as exc:
        raise refuse_for(422, exc) from None


def _moment(name: str, raw: str) -> datetime:
    """An ISO 8601 date (its midnight) or date-time; without an offset it is UTC."""
    try:
        moment = datetime.fromisoformat(raw) if "T" in raw or " " in raw else datetime.combine(
            date.fromisoformat(raw), time())  # fmt: skip
    except ValueError:
        raise refuse(
            422, "%(field)s: not an ISO 8601 date or date-time: '%(value)s'", field=name, value=raw[:40]
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _actor(raw: str) -> tuple[str | None, int | None]:
    """system, agent, token, agent:12, token:3, or 12 (an agent)."""
    if raw in ACTOR_KINDS:
        return raw, None
    if raw.isascii() and raw.isdecimal():
        return "agent", _id("actor", raw)
    if m := _ACTOR.fullmatch(raw):
        return m[1], _id("actor", m[2])
    raise refuse(422, "actor: system, agent, token, agent:<id>, token:<id> or an agent's id")


def audit_query(query: dict[str, str]) -> AuditQuery:
    """The filters of the query string; 422 naming the first one that cannot be."""
    unknown = sorted(set(query) - set(FILTERS))
    if unknown:
        raise refuse(
            422, "%(field)s: unknown filter; the filters are %(choices)s", field=unknown[0], choices=", ".join(FILTERS)
        )
    entity, action = query.get("entity") or None, query.get("action") or None
    if entity is not None and not _ENTITY.fullmatch(entity):
        raise refuse(422, "entity: a record kind such as ticket, customer, agent, api_token")
    if action is not None and not _ACTION.fullmatch(action):
        raise refuse(422, "action: an action such as ticket.priority_changed, or a prefix ending in * (ticket.*)")
    actor_kind, actor_id = _actor(query["actor"]) if query.get("actor") else (None, None)
    since = _moment("since", query["since"]) if query.get("since") else None
    until = _moment("until", query["until"]) if query.get("until") else None
    if since is not None and until is not None and since >= until:
        raise refuse(422, "since must be before until")
    limit = query.get("limit") or "50"
    if not (limit.isascii() and limit.isdecimal()) or not 1 <= int(limit) <= 200:
        raise refuse(422, "%(field)s: a whole number from 1 to %(max)s", field="limit", max=200)
    return AuditQuery(
        entity=entity,
        entity_id=_id("entity_id", query["entity_id"]) if query.get("entity_id") else None,
        actor_kind=actor_kind,
        actor_id=actor_id,
        action=None if action == "*" else action,
        since=since,
        until=until,
        before=_id("before", query["before"]) if query.get("before") else None,
        limit=int(limit),
    )


@routes.get("/api/v1/audit")
async def audit_log(request: web.Request) -> web.Response:
    """?entity=ticket&entity_id=7&actor=agent:3&action=ticket.*&since=2026-01-01&until=...&before=<id>&limit=50.
    Admins only: the log watches supervisors' exports, erasures and customer views too."""
    await require(request, "admin")
    query = audit_query(dict(request.query))
    async with request.app[keys.DB].read() as s:
        entries, next_before = await read_trail(s, query)
    return web.json_response({"entries": entries, "next_before": next_before})
