"""Error bodies carry the sentence's template and parameters beside the English message, one refusal of each family."""

from __future__ import annotations

from typing import Any

import aiohttp

from hub.db.engine import Database
from tests.api.test_api import seed
from tests.conftest import Hub, make_agent, make_session


async def call(hub: Hub, token: str, method: str, path: str, body: Any = None) -> tuple[int, dict[str, Any]]:
    headers = {"Authorization": f"Bearer {token}"}
    async with aiohttp.ClientSession(headers=headers) as http, http.request(method, hub.url + path, json=body) as r:
        answer = await r.json()
        return r.status, answer.get("error", answer)


def filled(error: dict[str, Any]) -> str:
    """The key filled with its params, as the browser does it with the English catalog."""
    return str(str(error["key"]) % error["params"])


async def test_reply_refusals_carry_their_template(hub: Hub, admin_token: str) -> None:
    [ticket, *_] = await seed(hub)
    status, error = await call(hub, admin_token, "POST", f"/api/v1/tickets/{ticket}/replies", {"text": "   "})
    assert (status, error["code"], error["key"], error["params"]) == (422, "invalid", "a reply needs some text", {})
    assert error["message"] == "a reply needs some text"
    status, _ = await call(hub, admin_token, "PATCH", f"/api/v1/tickets/{ticket}", {"status": "closed"})
    assert status == 200
    status, error = await call(hub, admin_token, "POST", f"/api/v1/tickets/{ticket}/replies", {"text": "hello"})
    assert status == 422 and error["key"] == "this ticket is closed; the customer's next contact opens a new one"
    status, error = await call(hub, admin_token, "POST", f"/api/v1/tickets/{ticket}/replies", {"text": "x" * 65_537})
    assert status == 422 and error["key"] == "a reply is limited to %(max)s characters"
    assert error["params"] == {"max": 65_536} and error["message"] == filled(error)


async def test_ticket_operations_carry_their_template(hub: Hub, admin_token: str) -> None:
    first, sms, other = await seed(hub)
    status, error = await call(hub, admin_token, "POST", f"/api/v1/tickets/{first}/merge", {"into": first})
    assert (status, error["key"], error["params"]) == (422, "a ticket cannot be merged into itself", {})
    status, error = await call(hub, admin_token, "POST", f"/api/v1/tickets/{first}/split", {"interaction_ids": [99999]})
    assert status == 422 and error["key"] == "message %(message)s is not on ticket %(ticket)s"
    assert error["params"] == {"message": 99999, "ticket": first}
    assert error["message"] == f"message 99999 is not on ticket {first}" == filled(error)
    await call(hub, admin_token, "PATCH", f"/api/v1/tickets/{sms}", {"status": "closed"})
    status, error = await call(hub, admin_token, "PATCH", f"/api/v1/tickets/{sms}", {"status": "open"})
    assert status == 409 and error["key"] == "a %(current)s ticket cannot become %(target)s"
    assert error["params"] == {"current": "closed", "target": "open"}
    status, error = await call(hub, admin_token, "PATCH", f"/api/v1/tickets/{first}", {"assignee_id": 4242})
    assert status == 422 and (error["key"], error["params"]) == (
        "agent %(agent)s does not exist or is inactive",
        {"agent": 4242},
    )
    status, error = await call(hub, admin_token, "POST", f"/api/v1/tickets/{first}/links", {"ticket_id": other})
    assert status == 201, error
    status, error = await call(hub, admin_token, "POST", f"/api/v1/tickets/{first}/links", {"ticket_id": other})
    assert status == 409
    assert error["key"] == "tickets %(ticket)s and %(other)s are linked already; remove that link first"
    status, error = await call(hub, admin_token, "GET", "/api/v1/tickets/424242")
    assert status == 404 and error["key"] == "no such ticket"


async def test_admin_refusals_carry_their_template(hub: Hub, db: Database, admin_token: str) -> None:
    status, error = await call(hub, admin_token, "POST", "/api/v1/queues", {"name": "general"})
    assert (status, error["key"], error["params"]) == (409, "queue '%(queue)s' exists already", {"queue": "general"})
    assert error["message"] == "queue 'general' exists already"
    status, error = await call(hub, admin_token, "POST", "/api/v1/tokens", {"role": "agent", "expires": "soon"})
    assert status == 422 and error["params"] == {"text": "soon"}
    assert error["key"] == "expiry must be a number and a unit m, h, d or w (e.g. 90d), not '%(text)s'"
    status, error = await call(hub, admin_token, "POST", "/api/v1/tokens/4242/revoke")
    assert (status, error["key"], error["params"]) == (404, "no API token %(token)s", {"token": 4242})
    await make_agent(db, "taken@example.test")
    new = {"email": "taken@example.test", "display_name": "Taken", "role": "agent", "password": "long enough pw"}
    status, error = await call(hub, admin_token, "POST", "/api/v1/agents", new)
    assert status == 409 and error["key"] == "an agent with email %(email)s exists already"
    assert error["params"] == {"email": "taken@example.test"}
    hook = {"url": "http://10.1.2.3/h", "events": ["ticket.created"]}
    status, error = await call(hub, admin_token, "POST", "/api/v1/webhooks", hook)
    assert (status, error["key"], error["params"]) == (
        422,
        "url: %(address)s is not a public address",
        {"address": "10.1.2.3"},
    )


async def test_sign_in_and_session_refusals_carry_their_template(hub: Hub, db: Database) -> None:
    async with aiohttp.ClientSession() as http, http.get(hub.url + "/api/v1/tickets") as r:
        error = (await r.json())["error"]
    assert r.status == 401 and error["key"].startswith("missing or invalid credentials")
    agent = await make_agent(db, "desk@example.test")
    cookies = {"hub_session": await make_session(db, agent)}
    async with aiohttp.ClientSession(cookies=cookies) as http, http.post(hub.url + "/api/v1/tickets", json={}) as r:
        error = (await r.json())["error"]
    assert r.status == 403 and error["key"] == "missing or wrong X-CSRF-Token header"
    async with aiohttp.ClientSession(cookies=cookies) as http, http.get(hub.url + "/api/v1/queues") as r:
        error = (await r.json())["error"]
    assert r.status == 403 and (error["key"], error["params"]) == (
        "this needs one of the roles: %(roles)s",
        {"roles": "admin"},
    )


async def test_schema_and_parameter_refusals_name_the_field(hub: Hub, admin_token: str) -> None:
    [ticket, *_] = await seed(hub)
    status, error = await call(hub, admin_token, "PATCH", f"/api/v1/tickets/{ticket}", {"colour": "red"})
    assert (status, error["key"], error["params"]) == (422, "%(field)s: unknown field", {"field": "colour"})
    assert error["message"].startswith("colour: unknown field")
    status, error = await call(hub, admin_token, "POST", f"/api/v1/tickets/{ticket}/split", {})
    assert (error["key"], error["params"]) == ("%(field)s: required", {"field": "interaction_ids"})
    status, error = await call(hub, admin_token, "GET", "/api/v1/tickets?limit=lots")
    assert (status, error["key"], error["params"]) == (400, "%(name)s must be an integer", {"name": "limit"})
    status, error = await call(hub, admin_token, "GET", "/api/v1/tickets?limit=5000")
    assert error["params"] == {"name": "limit", "low": 1, "high": 200}
    assert error["message"] == "limit must be between 1 and 200" == filled(error)
    status, error = await call(hub, admin_token, "GET", "/api/v1/tickets?assignee=abc")
    assert status == 400 and error["key"] == "%(name)s must be an id (a whole number from 1 to %(max)s)"
    assert error["params"]["name"] == "assignee"
    status, error = await call(hub, admin_token, "GET", "/api/v1/tickets?order=sideways")
    assert (error["key"], error["params"]["order"]) == ("unknown order '%(order)s'; use %(choices)s", "sideways")


async def test_a_path_no_route_takes_is_worded(hub: Hub, admin_token: str) -> None:
    status, error = await call(hub, admin_token, "GET", "/api/v1/nothing-here")
    assert status == 404 and set(error) == {"code", "message", "key", "params"}
    assert error["message"] == "no such API endpoint: GET /api/v1/nothing-here"
