"""The REST API's routes (/api/v1/..., /api/openapi.json) on the app."""

from __future__ import annotations

from aiohttp import web

from hub.api import (
    access,
    agent_accounts,
    agents,
    audit,
    calendars,
    customer_imports,
    customer_merges,
    customer_privacy,
    customers,
    deliveries,
    knowledge,
    macros,
    mail_notices,
    preferences,
    queues,
    routes,
    surveys,
    ticket_operations,
    uploads,
    webhooks,
)
from hub.api.openapi import openapi

TABLES = (
    routes.routes,
    ticket_operations.routes,
    customer_imports.routes,
    customers.routes,
    customer_merges.routes,
    customer_privacy.routes,
    surveys.routes,
    agents.routes,
    knowledge.routes,
    macros.routes,
    uploads.routes,
    mail_notices.routes,
    deliveries.routes,
    access.routes,
    audit.routes,
    webhooks.routes,
    queues.routes,
    agent_accounts.routes,
    calendars.routes,
    preferences.routes,
)


def setup(app: web.Application) -> None:
    app.router.add_get("/api/openapi.json", openapi)
    for table in TABLES:
        app.router.add_routes(table)
