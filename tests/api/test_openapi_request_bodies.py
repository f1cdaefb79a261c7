"""Every write route the running hub serves documents its request body, and the server holds to the document."""

from __future__ import annotations

import re
from typing import Any

import aiohttp

from tests.conftest import Hub

WRITES = ("POST", "PUT", "PATCH")


def _writes(hub: Hub) -> list[tuple[str, str]]:
    """The API's write routes as the router holds them, path parameters named as the document names them."""
    found = {
        (r.method, re.sub(r"\{(\w+)(:[^}]*)?\}", r"{\1}", r.resource.canonical))
        for r in hub.app.router.routes()
        if r.resource is not None and r.method in WRITES and r.resource.canonical.startswith("/api/v1/")
    }
    return sorted(found)


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if not isinstance(ref, str):
        return schema
    resolved = spec["components"]["schemas"][ref.removeprefix("#/components/schemas/")]
    assert isinstance(resolved, dict)
    return resolved


async def _spec(hub: Hub) -> dict[str, Any]:
    async with aiohttp.ClientSession() as http, http.get(hub.url + "/api/openapi.json") as r:
        assert r.status == 200
        spec: dict[str, Any] = await r.json()
    return spec


async def test_every_write_route_has_a_request_body_schema(hub: Hub) -> None:
    spec = await _spec(hub)
    writes = _writes(hub)
    assert len(writes) > 40  # the walk found the API, not an empty router
    missing = []
    for method, path in writes:
        operation = spec["paths"].get(path, {}).get(method.lower())
        body = (operation or {}).get("requestBody", {})
        media = body.get("content", {})
        schemas = [_resolve(spec, m.get("schema", {})) for m in media.values()]
        if not media or not all(s.get("type") or s.get("properties") or s.get("allOf") for s in schemas):
            missing.append((method, path))
    assert missing == [], f"document these request bodies in hub/api/openapi*.py: {missing}"


async def test_a_field_the_document_does_not_name_is_refused(hub: Hub, admin_token: str) -> None:
    """Where the document closes a JSON body (additionalProperties false), the server refuses what it does not name."""
    spec = await _spec(hub)
    headers = {"Authorization": f"Bearer {admin_token}"}
    accepted = []
    checked = 0
    async with aiohttp.ClientSession(headers=headers) as http:
        for method, path in _writes(hub):
            json_body = spec["paths"][path][method.lower()]["requestBody"]["content"].get("application/json")
            if json_body is None or _resolve(spec, json_body["schema"]).get("additionalProperties") is not False:
                continue
            # Path parameters that name nothing: the answer is then a 404, never a success or a 500.
            concrete = path.replace("{name}", "nowhere").replace("{action}", "approve")
            concrete = re.sub(r"\{\w+\}", "999999", concrete)
            async with http.request(method, hub.url + concrete, json={"zz_undocumented": 1}) as r:
                status = r.status
                error = (await r.json())["error"]
            # A 422 names the field; a 400 or 404 refused the call for what it is before reading the body.
            named = status != 422 or "zz_undocumented" in error["message"] or "more" in error["message"]
            if not 400 <= status < 500 or not named:
                accepted.append((method, path, status, error["message"]))
            checked += 1
    assert checked > 30 and accepted == [], accepted
