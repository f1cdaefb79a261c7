"""The console's page routes and where each handler lives: registered at start, a page's module (with what it
imports: its strings, the request models, pydantic) on the page's first request (docs/performance.md, "Memory")."""

from __future__ import annotations

from aiohttp import web

from hub.api.areas import on_first_request

# (module under hub.agent_console, method, path, function), in the order the router matches them; each module's
# own RouteTableDef says the same (tests/agent_console/test_page_table.py holds the two together).
ROUTES: tuple[tuple[str, str, str, str], ...] = (
    ("routes", "GET", "/login", "login_page"),
    ("routes", "POST", "/logout", "logout"),
    ("routes", "POST", "/console/locale", "choose_locale"),
    ("inbox", "GET", "/console", "inbox_page"),
    ("inbox", "GET", "/api/v1/console/inbox", "inbox_state"),
    ("ticket_page", "GET", "/console/tickets/{id:\\d+}", "ticket_page"),
    ("ticket_page", "GET", "/api/v1/console/tickets/{id:\\d+}", "ticket_state"),
    ("customer_pages", "GET", "/console/customers", "customers_page"),
    ("customer_pages", "GET", "/console/customers/{id:\\d+}", "customer_page"),
    ("customer_pages", "GET", "/api/v1/console/customers/{id:\\d+}", "customer_state"),
    ("mail_view", "GET", "/console/messages/{id:\\d+}/mail", "mail_view"),
    ("directory", "GET", "/console/directory", "directory_page"),
    ("wallboard_page", "GET", "/console/wallboard", "wallboard_page"),
    ("wallboard_page", "GET", "/api/v1/console/wallboard", "wallboard_state"),
    ("reports_page", "GET", "/console/reports", "reports_page"),
    ("reports_page", "GET", "/api/v1/reports", "reports_api"),
    ("knowledge_pages", "GET", "/console/knowledge", "knowledge_page"),
    ("knowledge_pages", "GET", "/console/knowledge/{id:\\d+|new}", "article_page"),
    ("knowledge_pages", "POST", "/api/v1/knowledge/preview", "preview"),
    ("knowledge_list", "GET", "/api/v1/knowledge/overview", "overview"),
    ("admin_pages", "GET", "/console/admin", "admin_home"),
    ("admin_pages", "GET", "/console/admin/{page}", "admin_page"),
)


def route_defs() -> list[web.RouteDef]:
    """Every page route, as its module's RouteTableDef would give it (a GET also answers HEAD)."""
    return [
        web.RouteDef(method, path, on_first_request(module, function, "hub.agent_console"), {})
        for module, method, path, function in ROUTES
    ]
