"""Every route and every console socket event, for every role: each answers only the roles it is for.

The table below is the access policy. A route that is not in it fails the walk, so a new route cannot ship
without a decision about who may use it.
"""

from __future__ import annotations

import re
from typing import Any

import aiohttp
import pytest

from hub.db.engine import Database
from tests.conftest import Hub
from tests.console_kit import Console, console, contact
from tests.sockets import Probe

ANY = frozenset({"agent", "supervisor", "knowledge_manager", "admin"})
DESK = frozenset({"agent", "supervisor", "admin"})
SUP = frozenset({"supervisor", "admin"})
KM = frozenset({"knowledge_manager", "admin"})
KM_SUP = frozenset({"knowledge_manager", "supervisor", "admin"})
ADMIN = frozenset({"admin"})
PUBLIC = "public"  # customers, health checks, assets, sign-in
SIGNED = "signed"  # providers' webhooks: a signature, not a role

POLICY: dict[tuple[str, str], Any] = {
    ("GET", "/"): PUBLIC, ("GET", "/healthz"): PUBLIC, ("GET", "/readyz"): PUBLIC, ("GET", "/metrics"): PUBLIC,
    ("GET", "/api/openapi.json"): PUBLIC, ("GET", "/static"): PUBLIC,
    ("GET", "/static/vendor/socket.io.min.js"): PUBLIC,
    ("GET", "/chat"): PUBLIC, ("GET", "/chat/widget.js"): PUBLIC,
    ("POST", "/chat/files"): PUBLIC, ("GET", "/survey/{token}"): PUBLIC,
    ("POST", "/survey/{token}"): PUBLIC, ("GET", "/login"): PUBLIC, ("POST", "/login"): PUBLIC,
    ("POST", "/logout"): PUBLIC, ("GET", "/socket.io/"): PUBLIC,
    ("GET", "/login/code"): PUBLIC, ("POST", "/login/code"): PUBLIC, ("GET", "/login/enrol"): PUBLIC,
    ("POST", "/login/enrol"): PUBLIC, ("GET", "/console/two-factor"): ANY, ("POST", "/console/two-factor/enrol"): ANY,
    ("POST", "/console/two-factor/disable"): ANY, ("POST", "/socket.io/"): PUBLIC,
    ("OPTIONS", "/socket.io/"): PUBLIC,
    # console pages
    ("GET", "/console"): DESK, ("GET", "/console/directory"): DESK, ("GET", "/console/tickets/{id}"): DESK,
    ("GET", "/console/wallboard"): SUP, ("GET", "/console/reports"): SUP,
    ("GET", "/console/knowledge"): ANY, ("GET", "/console/knowledge/{id}"): ANY, ("POST", "/console/locale"): ANY,
    # tickets and the console's state
    ("GET", "/api/v1/tickets"): DESK, ("GET", "/api/v1/tickets/{id}"): DESK, ("PATCH", "/api/v1/tickets/{id}"): DESK,
    ("POST", "/api/v1/tickets/{id}/replies"): DESK, ("POST", "/api/v1/tickets/bulk"): SUP,
    ("POST", "/api/v1/messages/{id}/retry"): DESK,
    ("POST", "/api/v1/tickets/{id}/offer"): DESK, ("GET", "/api/v1/console/inbox"): DESK,
    ("GET", "/api/v1/console/tickets/{id}"): DESK,
    ("GET", "/console/customers"): DESK, ("GET", "/console/customers/{id}"): DESK,
    ("GET", "/api/v1/console/customers/{id}"): DESK,
    ("POST", "/api/v1/tickets"): DESK, ("POST", "/api/v1/tickets/{id}/merge"): DESK,
    ("POST", "/api/v1/tickets/{id}/split"): DESK, ("GET", "/api/v1/tickets/{id}/links"): DESK,
    ("POST", "/api/v1/tickets/{id}/links"): DESK, ("DELETE", "/api/v1/tickets/{id}/links/{other_id}"): DESK,
    ("GET", "/api/v1/console/wallboard"): SUP, ("GET", "/api/v1/reports"): SUP,
    ("GET", "/console/messages/{id}/mail"): DESK, ("GET", "/api/v1/mail/notices"): DESK,
    ("GET", "/api/v1/macros"): DESK, ("POST", "/api/v1/macros"): DESK, ("PUT", "/api/v1/macros/{id}"): DESK,
    ("DELETE", "/api/v1/macros/{id}"): DESK, ("POST", "/api/v1/tickets/{id}/macros/{macro_id}"): DESK,
    # routing and yellow pages
    ("GET", "/api/v1/agents"): ANY, ("PUT", "/api/v1/agents/{id}/profile"): SUP, ("GET", "/api/v1/queues/stats"): SUP,
    ("PATCH", "/api/v1/agents/{id}/profile"): SUP,
    ("POST", "/api/v1/routing/reload"): SUP, ("PUT", "/api/v1/agents/me/limits"): DESK,
    ("GET", "/api/v1/me/preferences"): ANY, ("PATCH", "/api/v1/me/preferences"): ANY,
    # customers
    ("GET", "/api/v1/customers"): DESK,
    ("GET", "/api/v1/customers/{id}"): DESK, ("PATCH", "/api/v1/customers/{id}"): SUP,
    ("POST", "/api/v1/customers/{id}/link"): DESK, ("GET", "/api/v1/attachments/{key}"): DESK,
    ("POST", "/api/v1/attachments"): DESK,
    ("GET", "/api/v1/customers/at-risk"): SUP, ("POST", "/api/v1/customers/import"): SUP,
    ("POST", "/api/v1/customers/orders/import"): SUP, ("POST", "/api/v1/customers/{id}/merge"): DESK,
    ("POST", "/api/v1/customers/merges/{id}/undo"): DESK, ("GET", "/api/v1/customers/{id}/duplicates"): DESK,
    ("GET", "/api/v1/customers/{id}/export"): SUP, ("POST", "/api/v1/customers/{id}/erase"): SUP,
    ("GET", "/api/v1/surveys/stats"): SUP,
    # knowledge
    ("GET", "/api/v1/knowledge/articles"): KM_SUP | {"agent"}, ("POST", "/api/v1/knowledge/articles"): ANY,
    ("GET", "/api/v1/knowledge/articles/{id}"): ANY, ("PUT", "/api/v1/knowledge/articles/{id}"): ANY,
    ("POST", "/api/v1/knowledge/articles/{id}/{action}"): "by_action",
    ("GET", "/api/v1/knowledge/articles/{id}/versions"): ANY, ("GET", "/api/v1/knowledge/articles/{id}/diff"): ANY,
    ("PUT", "/api/v1/knowledge/articles/{id}/owner"): KM,
    ("POST", "/api/v1/knowledge/articles/{id}/restore"): KM, ("GET", "/api/v1/knowledge/suggest"): ANY,
    ("POST", "/api/v1/knowledge/articles/{id}/feedback"): ANY, ("GET", "/api/v1/knowledge/gaps"): KM_SUP,
    ("POST", "/api/v1/knowledge/import"): KM, ("GET", "/api/v1/knowledge/export"): KM,
    ("POST", "/api/v1/knowledge/preview"): ANY, ("GET", "/api/v1/knowledge/overview"): KM_SUP | {"agent"},
    # access administration
    ("GET", "/api/v1/tokens"): ADMIN, ("POST", "/api/v1/tokens"): ADMIN, ("POST", "/api/v1/tokens/{id}/revoke"): ADMIN,
    ("PATCH", "/api/v1/agents/{id}"): ADMIN, ("PUT", "/api/v1/agents/{id}/password"): ADMIN,
    ("GET", "/api/v1/audit"): ADMIN,
    # outbound webhooks
    ("GET", "/api/v1/webhooks"): ADMIN, ("POST", "/api/v1/webhooks"): ADMIN, ("GET", "/api/v1/webhooks/{id}"): ADMIN,
    ("PATCH", "/api/v1/webhooks/{id}"): ADMIN, ("DELETE", "/api/v1/webhooks/{id}"): ADMIN,
    ("GET", "/api/v1/webhooks/{id}/deliveries"): ADMIN,
    # queue administration
    ("GET", "/api/v1/queues"): ADMIN, ("POST", "/api/v1/queues"): ADMIN, ("PATCH", "/api/v1/queues/{name}"): ADMIN,
    ("PUT", "/api/v1/queues/{name}/members"): ADMIN,
    # admin pages
    ("GET", "/console/admin"): ADMIN, ("GET", "/console/admin/{page}"): ADMIN, ("POST", "/api/v1/agents"): ADMIN,
    ("GET", "/api/v1/agents/accounts"): ADMIN, ("GET", "/api/v1/calendars"): SUP,
    ("POST", "/api/v1/calendars"): ADMIN, ("PATCH", "/api/v1/calendars/{name}"): ADMIN,
    ("DELETE", "/api/v1/calendars/{name}"): ADMIN,
}  # fmt: skip
ROLES = ("anonymous", "agent", "supervisor", "knowledge_manager", "admin")


def canonical(path: str) -> str:
    return re.sub(r"\{(\w+)(:[^}]*)?\}", r"{\1}", path)


def concrete(path: str) -> str:
    """Path parameters that name nothing: allowed callers get 404 or 400, never 401 or 403."""
    return path.replace("{id}", "999999").replace("{macro_id}", "999999").replace("{token}", "nope") \
        .replace("{other_id}", "999998").replace("{key}", "ab/nothing").replace("{action}", "approve") \
        .replace("{name}", "nowhere").replace("{page}", "agents")  # fmt: skip


def routes(hub: Hub) -> list[tuple[str, str]]:
    found = set()
    for r in hub.app.router.routes():
        if r.method == "HEAD" or r.resource is None:
            continue
        found.add((r.method, canonical(r.resource.canonical)))
    return sorted(found)


def test_every_route_has_a_rule(hub: Hub) -> None:
    unruled = [r for r in routes(hub) if r not in POLICY and not r[1].startswith("/webhooks/")]
    assert unruled == [], f"decide who may use these routes (tests/api/test_role_walk.py POLICY): {unruled}"
    stale = [r for r in POLICY if r not in set(routes(hub))]
    assert stale == [], f"rules for routes that no longer exist: {stale}"


async def _call(c: Console | None, http: aiohttp.ClientSession, hub: Hub, method: str, path: str) -> int:
    headers = {"X-CSRF-Token": c.csrf} if c is not None else {}
    if path == "/console/locale":  # a form post from the page, with the page's token
        form = {"csrf": c.csrf if c else "", "locale": "en", "next": "/console/directory"}
        async with http.post(hub.url + path, data=form, allow_redirects=False) as r:
            return 200 if r.status == 302 and r.headers["Location"] == form["next"] else r.status
    body: dict[str, Any] | None = None if method in ("GET", "DELETE", "OPTIONS") else {}
    async with http.request(method, hub.url + concrete(path), json=body, headers=headers, allow_redirects=False) as r:
        return r.status


@pytest.mark.parametrize("role", ROLES)
async def test_role_walk_over_every_route(hub: Hub, db: Database, role: str) -> None:
    await contact(hub, "seed")

    async def walk(c: Console | None, http: aiohttp.ClientSession) -> list[str]:
        wrong = []
        for method, path in routes(hub):
            rule = POLICY.get((method, path), SIGNED if path.startswith("/webhooks/") else None)
            if rule in (PUBLIC, SIGNED) or path == "/static":
                continue
            roles = KM if rule == "by_action" else rule
            assert isinstance(roles, frozenset), (method, path)
            allowed = role != "anonymous" and role in roles
            status = await _call(c, http, hub, method, path)
            page = path.startswith("/console")
            if allowed:
                ok = status not in (401, 403) and not (page and status == 302)
            elif page:
                ok = status == 302  # to sign in, or to the user's own start page
            else:
                ok = status == (401 if role == "anonymous" else 403)
            if not ok:
                wrong.append(f"{method} {path}: {status} for {role} (allowed: {allowed})")
        return wrong

    if role == "anonymous":
        async with aiohttp.ClientSession() as http:
            wrong = await walk(None, http)
    else:
        async with console(hub, db, f"{role}@example.test", role) as c:
            wrong = await walk(c, c.http)
    assert wrong == []


async def test_webhooks_refuse_everyone_without_a_signature(hub: Hub, db: Database) -> None:
    async with console(hub, db, "admin@example.test", "admin") as c:
        hooks = [(m, p) for m, p in routes(hub) if p.startswith("/webhooks/") and m == "POST"]
        assert hooks, "the test hub has Twilio webhooks"
        for method, path in hooks:
            status = await _call(c, c.http, hub, method, path.replace("{account}", "nope"))
            assert status in (400, 403, 404), (path, status)


@pytest.mark.parametrize("role", ROLES)
async def test_role_walk_over_every_socket_event(hub: Hub, db: Database, role: str) -> None:
    """Who may open the console socket, and what each connected role may send and receive."""
    ticket_id = await contact(hub, "seed")
    probe = Probe("/agent")
    if role == "anonymous":
        with pytest.raises(Exception, match=r"(?i)connect"):
            await probe.connect(hub.url)
        return
    async with console(hub, db, f"{role}@example.test", role) as c:
        if role not in DESK:
            with pytest.raises(Exception, match=r"(?i)connect"):
                await probe.connect(hub.url, headers={"Cookie": f"hub_session={c.session_token}"})
            return
        await probe.connect(hub.url, headers={"Cookie": f"hub_session={c.session_token}"})
        try:
            hello = await probe.next("hello")
            assert hello["agent_id"] == c.agent.id
            assert (await probe.call("status", {"status": "away"}))["ok"]
            assert (await probe.call("status", {"status": "asleep"}))["ok"] is False
            assert (await probe.call("watch", {"ticket_id": ticket_id}))["ok"]
            assert (await probe.call("watch", {"ticket_id": "1; DROP"}))["ok"] is False
            await probe.emit("typing", {"ticket_id": ticket_id, "typing": True})
            await probe.emit("unwatch", {"ticket_id": ticket_id})
            # Supervisors' figures go to supervisors only.
            await contact(hub, "another", who="z@example.com")
            if role in SUP:
                stats = await probe.next("queue_stats", timeout=30)
                assert "queues" in stats and "staff" in stats
            else:
                with pytest.raises(TimeoutError):
                    await probe.next("queue_stats", timeout=2)
        finally:
            await probe.close()
