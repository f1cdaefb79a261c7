"""The REST API's routes and where each handler lives: registered at start, a handler's module imported on its first
request (docs/performance.md, "Memory": an idle server holds none of the API's handlers and request models)."""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Awaitable, Callable

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

# (module under hub.api, method, path, function), in the order the router matches them: a fixed path before the
# pattern that would also take it (/api/v1/customers/at-risk before /api/v1/customers/{id}). Each module's own
# RouteTableDef says the same (tests/api/test_api_areas.py holds the two together).
ROUTES: tuple[tuple[str, str, str, str], ...] = (
    ("openapi", "GET", "/api/openapi.json", "openapi"),
    ("routes", "GET", "/api/v1/tickets", "get_tickets"),
    ("routes", "GET", "/api/v1/tickets/{id}", "get_ticket"),
    ("routes", "POST", "/api/v1/tickets/{id}/replies", "post_ticket_reply"),
    ("routes", "PATCH", "/api/v1/tickets/{id}", "patch_ticket"),
    ("routes", "POST", "/api/v1/tickets/bulk", "bulk_change"),
    ("ticket_operations", "POST", "/api/v1/tickets", "post_ticket"),
    ("ticket_operations", "POST", "/api/v1/tickets/{id}/merge", "post_merge"),
    ("ticket_operations", "POST", "/api/v1/tickets/{id}/split", "post_split"),
    ("ticket_operations", "GET", "/api/v1/tickets/{id}/links", "get_links"),
    ("ticket_operations", "POST", "/api/v1/tickets/{id}/links", "post_link"),
    ("ticket_operations", "DELETE", "/api/v1/tickets/{id}/links/{other_id}", "delete_link"),
    ("customer_imports", "POST", "/api/v1/customers/import", "customers_csv"),
    ("customer_imports", "POST", "/api/v1/customers/orders/import", "orders_csv"),
    ("customers", "GET", "/api/v1/customers/at-risk", "customers_at_risk"),
    ("customers", "GET", "/api/v1/customers", "list_customers"),
    ("customers", "GET", "/api/v1/customers/{id}", "get_customer"),
    ("customers", "POST", "/api/v1/customers/{id}/link", "link_customer"),
    ("customers", "GET", "/api/v1/attachments/{key:[0-9a-f]{2}/[^/]+}", "get_attachment"),
    ("customers", "PATCH", "/api/v1/customers/{id}", "patch_customer"),
    ("customer_merges", "POST", "/api/v1/customers/{id}/merge", "merge_customer"),
    ("customer_merges", "POST", "/api/v1/customers/merges/{id}/undo", "undo_merge"),
    ("customer_merges", "GET", "/api/v1/customers/{id}/duplicates", "duplicates"),
    ("customer_privacy", "GET", "/api/v1/customers/{id}/export", "export_customer"),
    ("customer_privacy", "POST", "/api/v1/customers/{id}/erase", "erase_customer"),
    ("surveys", "GET", "/survey/{token}", "survey_page"),
    ("surveys", "POST", "/survey/{token}", "answer"),
    ("surveys", "GET", "/api/v1/surveys/stats", "survey_stats"),
    ("agents", "GET", "/api/v1/agents", "search_agents"),
    ("agents", "PUT", "/api/v1/agents/{id}/profile", "edit_agent_profile"),
    ("agents", "PATCH", "/api/v1/agents/{id}/profile", "edit_agent_profile"),
    ("agents", "GET", "/api/v1/queues/stats", "stats"),
    ("agents", "POST", "/api/v1/routing/reload", "reload_policy"),
    ("agents", "POST", "/api/v1/tickets/{id}/offer", "answer_offer"),
    ("agents", "PUT", "/api/v1/agents/me/limits", "set_own_limits"),
    ("knowledge", "POST", "/api/v1/knowledge/articles", "create_article"),
    ("knowledge", "GET", "/api/v1/knowledge/articles", "list_articles"),
    ("knowledge", "GET", "/api/v1/knowledge/articles/{id}", "get_article"),
    ("knowledge", "PUT", "/api/v1/knowledge/articles/{id}", "edit_article"),
    ("knowledge", "PUT", "/api/v1/knowledge/articles/{id}/owner", "change_owner"),
    ("knowledge", "POST", "/api/v1/knowledge/articles/{id}/{action:submit|approve|reject|archive}", "transition"),
    ("knowledge", "GET", "/api/v1/knowledge/articles/{id}/versions", "list_versions"),
    ("knowledge", "GET", "/api/v1/knowledge/articles/{id}/diff", "diff"),
    ("knowledge", "POST", "/api/v1/knowledge/articles/{id}/restore", "restore"),
    ("knowledge", "GET", "/api/v1/knowledge/suggest", "suggest"),
    ("knowledge", "POST", "/api/v1/knowledge/articles/{id}/feedback", "feedback"),
    ("knowledge", "GET", "/api/v1/knowledge/gaps", "gaps"),
    ("knowledge", "POST", "/api/v1/knowledge/import", "import_articles"),
    ("knowledge", "GET", "/api/v1/knowledge/export", "export"),
    ("macros", "GET", "/api/v1/macros", "list_macros"),
    ("macros", "POST", "/api/v1/macros", "create_macro"),
    ("macros", "PUT", "/api/v1/macros/{id}", "edit_macro"),
    ("macros", "DELETE", "/api/v1/macros/{id}", "delete_macro"),
    ("macros", "POST", "/api/v1/tickets/{id}/macros/{macro_id}", "use_macro"),
    ("uploads", "POST", "/api/v1/attachments", "upload"),
    ("mail_notices", "GET", "/api/v1/mail/notices", "list_notices"),
    ("deliveries", "POST", "/api/v1/messages/{id}/retry", "retry_message"),
    ("access", "GET", "/api/v1/tokens", "list_tokens"),
    ("access", "POST", "/api/v1/tokens", "create_token"),
    ("access", "POST", "/api/v1/tokens/{id}/revoke", "revoke_token"),
    ("access", "PATCH", "/api/v1/agents/{id}", "change_agent"),
    ("access", "PUT", "/api/v1/agents/{id}/password", "set_password"),
    ("audit", "GET", "/api/v1/audit", "audit_log"),
    ("webhooks", "GET", "/api/v1/webhooks", "list_webhooks"),
    ("webhooks", "POST", "/api/v1/webhooks", "create_webhook"),
    ("webhooks", "GET", "/api/v1/webhooks/{id}", "get_webhook"),
    ("webhooks", "PATCH", "/api/v1/webhooks/{id}", "change_webhook"),
    ("webhooks", "DELETE", "/api/v1/webhooks/{id}", "delete_webhook"),
    ("webhooks", "GET", "/api/v1/webhooks/{id}/deliveries", "list_deliveries"),
    ("queues", "GET", "/api/v1/queues", "list_queues"),
    ("queues", "POST", "/api/v1/queues", "create_queue"),
    ("queues", "PATCH", "/api/v1/queues/{name}", "change_queue"),
    ("queues", "PUT", "/api/v1/queues/{name}/members", "put_members"),
    ("agent_accounts", "GET", "/api/v1/agents/accounts", "list_accounts"),
    ("agent_accounts", "POST", "/api/v1/agents", "create_account"),
    ("calendars", "GET", "/api/v1/calendars", "list_calendars"),
    ("calendars", "POST", "/api/v1/calendars", "create_calendar"),
    ("calendars", "PATCH", "/api/v1/calendars/{name}", "change_calendar"),
    ("calendars", "DELETE", "/api/v1/calendars/{name}", "delete_calendar"),
    ("preferences", "GET", "/api/v1/me/preferences", "get_preferences"),
    ("preferences", "PATCH", "/api/v1/me/preferences", "patch_preferences"),
)


def on_first_request(module: str, function: str, package: str = "hub.api") -> Handler:
    """A handler that imports <package>.<module> when first asked (in a thread, so the event loop keeps answering
    meanwhile: 1-130 ms on the busy machine), then hands each request to the module's function. The console's
    pages load the same way (hub/agent_console/page_table.py)."""
    found: list[Handler] = []

    async def handler(request: web.Request) -> web.StreamResponse:
        if not found:
            loaded = await asyncio.to_thread(importlib.import_module, f"{package}.{module}")
            found.append(getattr(loaded, function))
        return await found[0](request)

    handler.__name__ = handler.__qualname__ = function
    handler.__module__ = f"{package}.{module}"
    return handler


def route_defs() -> list[web.RouteDef]:
    """Every route of the API, as its module's RouteTableDef would give it (a GET also answers HEAD)."""
    return [
        web.RouteDef(method, path, on_first_request(module, function), {}) for module, method, path, function in ROUTES
    ]
