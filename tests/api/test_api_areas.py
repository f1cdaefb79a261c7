"""The API's route table (hub/api/areas.py, registered at start) says what each handler module's own routes say."""

from __future__ import annotations

import importlib
import pkgutil

from aiohttp import web

import hub.api
from hub.api.areas import ROUTES


def _declared(module: str) -> list[tuple[str, str, str, str]]:
    """A module's routes as its RouteTableDef declares them."""
    table = getattr(importlib.import_module(f"hub.api.{module}"), "routes", None)
    if not isinstance(table, web.RouteTableDef):
        return []
    found = []
    for route in table:
        assert isinstance(route, web.RouteDef)
        assert route.kwargs == {}, f"{module}: the area table registers routes without options"
        found.append((module, route.method, route.path, route.handler.__name__))
    return found


def test_the_table_lists_every_route_of_every_handler_module_in_its_order() -> None:
    modules = [info.name for info in pkgutil.iter_modules(hub.api.__path__)]
    declared = {module: _declared(module) for module in modules}
    declared = {module: rows for module, rows in declared.items() if rows}
    assert len(declared) > 15  # the walk found the API's handler modules
    listed = {module: [row for row in ROUTES if row[0] == module] for module in declared}
    wrong = {module: rows for module, rows in declared.items() if listed[module] != rows}
    assert wrong == {}, f"hub/api/areas.py ROUTES must list these modules' routes, in this order: {wrong}"
    unknown = {row[0] for row in ROUTES} - set(declared) - {"openapi"}
    assert unknown == set()


def test_each_listed_function_is_a_handler_of_its_module() -> None:
    for module, _method, _path, function in ROUTES:
        handler = getattr(importlib.import_module(f"hub.api.{module}"), function)
        assert callable(handler), f"hub.api.{module}.{function}"


def test_a_fixed_path_comes_before_the_pattern_that_would_also_take_it() -> None:
    paths = [(method, path) for _module, method, path, _function in ROUTES]
    assert paths.index(("GET", "/api/v1/customers/at-risk")) < paths.index(("GET", "/api/v1/customers/{id}"))
