"""The templates hub's code words its refusals and delivery problems with, read from the call sites."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import hub
from hub.api.validation import CTX_TEMPLATES
from hub.channels.twilio.sms import CAUSES as TWILIO_CAUSES
from hub.channels.wechat.api import CAUSES as WECHAT_CAUSES
from hub.tickets.calendar_admin import EXPECTED as CALENDAR_EXPECTED
from hub.wording import Worded

ROOT = Path(__file__).resolve().parents[2]
# Callables that take a template: the API's helper, a wording itself, and every worded error.
HELPERS = {"refuse", "Wording", "Worded"}


def worded_errors() -> set[str]:
    """Names of every Worded subclass in hub (each module imported, so none is missed)."""
    for module in pkgutil.walk_packages(hub.__path__, "hub."):
        if ".migrations" not in module.name and not module.name.endswith("__main__"):
            importlib.import_module(module.name)
    found: set[str] = set()
    todo: list[type[Worded]] = [Worded]
    while todo:
        for sub in todo.pop().__subclasses__():
            found.add(sub.__name__)
            todo.append(sub)
    return found


def template_sites() -> tuple[dict[str, list[str]], list[str]]:
    """Each literal template with where it is used; and the calls that build their template at run time from an
    f-string (a sentence no catalog can hold)."""
    names = HELPERS | worded_errors()
    templates: dict[str, list[str]] = {}
    composed: list[str] = []
    for path in sorted((ROOT / "hub").rglob("*.py")):
        where = path.relative_to(ROOT).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if name not in names:
                continue
            for arg in node.args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    templates.setdefault(arg.value, []).append(f"{where}:{node.lineno}")
                    break
                if isinstance(arg, ast.JoinedStr):
                    composed.append(f"{where}:{node.lineno}")
                    break
    # Tables of causes and rules, worded through a variable rather than at a call site.
    for where, table in (
        ("hub/api/validation.py", [t for t, _name, _key in CTX_TEMPLATES.values()]),
        ("hub/channels/twilio/sms.py", list(TWILIO_CAUSES.values())),
        ("hub/channels/wechat/api.py", list(WECHAT_CAUSES.values())),
        ("hub/tickets/calendar_admin.py", list(CALENDAR_EXPECTED.values())),
    ):
        for template in table:
            templates.setdefault(template, []).append(where)
    return templates, composed
