"""The console's page table (hub/agent_console/page_table.py, registered at start) says what each page module's own
routes say."""

from __future__ import annotations

import importlib
import pkgutil

from aiohttp import web

import hub.agent_console
from hub.agent_console.page_table import ROUTES

# Modules with routes of their own that the set-up registers directly: sign-in, needed by every first visit.
SIGNIN = {"signin", "signin_steps", "two_factor_pages"}


def _declared(module: str) -> list[tuple[str, str, str, str]]:
    """A module's routes as its RouteTableDef declares them."""
    table = getattr(importlib.import_module(f"hub.agent_console.{module}"), "routes", None)
    if not isinstance(table, web.RouteTableDef):
        return []
    found = []
    for route in table:
        assert isinstance(route, web.RouteDef)
        assert route.kwargs == {}, f"{module}: the page table registers routes without options"
        found.append((module, route.method, route.path, route.handler.__name__))
    return found


def test_the_table_lists_every_route_of_every_page_module_in_its_order() -> None:
    modules = [info.name for info in pkgutil.iter_modules(hub.agent_console.__path__)]
    declared = {module: _declared(module) for module in modules}
    declared = {module: rows for module, rows in declared.items() if rows}
    assert set(declared) >= SIGNIN | {"inbox", "knowledge_pages", "admin_pages"}  # the walk found the pages
    pages = {module: rows for module, rows in declared.items() if module not in SIGNIN}
    listed = {module: [row for row in ROUTES if row[0] == module] for module in pages}
    wrong = {module: rows for module, rows in pages.items() if listed[module] != rows}
    assert wrong == {}, f"hub/agent_console/page_table.py ROUTES must list these modules' routes, in order: {wrong}"
    assert {row[0] for row in ROUTES} == set(pages)
    assert len(ROUTES) == len(set(ROUTES))


def test_each_listed_function_is_a_handler_of_its_module() -> None:
    for module, _method, _path, function in ROUTES:
        handler = getattr(importlib.import_module(f"hub.agent_console.{module}"), function)
        assert callable(handler), f"hub.agent_console.{module}.{function}"
