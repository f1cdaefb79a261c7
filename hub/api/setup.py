"""The REST API's routes (/api/v1/..., /api/openapi.json) on the app; each area's handlers load on first use."""

from __future__ import annotations

from aiohttp import web

from hub.api.areas import route_defs


def setup(app: web.Application) -> None:
    app.router.add_routes(route_defs())
