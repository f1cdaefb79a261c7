"""Request bodies checked against declared models: strict types, no unknown fields, 422 naming the field and why."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import ErrorDetails

from hub.api.refusal import refuse_as, said
from hub.bodies import MAX_JSON_BYTES, parse_json_object, read_body, read_json_object
from hub.db.ids import MAX_ID
from hub.wording import Param, Worded, Wording

M = TypeVar("M", bound=BaseModel)

# A row id in JSON: a number (never true/false, "7" or 1.5), positive and within the id columns' range.
Id = Annotated[int, Field(ge=1, le=MAX_ID, description="an id: a JSON number, never true/false or a string")]
# Components every request schema refers to (nested models), gathered for the OpenAPI document.
SHARED_SCHEMAS: dict[str, Any] = {}


class Body(BaseModel):
    """A JSON request body: strict JSON types (true is not 1, "7" is not 7) and only the fields declared."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    def given(self) -> dict[str, Any]:
        """The fields the client sent, as sent (missing ones are not defaults: a PUT replaces only what it names)."""
        return self.model_dump(exclude_unset=True)


def parse_as(model: type[M], data: object) -> M:
    """`data` (parsed JSON) as `model`; 422 naming each bad field and why."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        # The message names up to three problems; the key says the first in the reader's language.
        raise _refusal(model, exc) from None


async def read_as(request: web.Request, model: type[M], max_bytes: int = MAX_JSON_BYTES) -> M:
    """The request's JSON object as `model`: 400 when it is not JSON, 413 when too big, 422 when it does not fit."""
    return parse_as(model, await read_json_object(request, max_bytes))


async def read_optional_as(request: web.Request, model: type[M]) -> M:
    """read_as for a body that may be left out altogether (then every field takes its default)."""
    if not request.can_read_body:
        return parse_as(model, {})
    if not (raw := await read_body(request, MAX_JSON_BYTES)).strip():
        return parse_as(model, {})
    return parse_as(model, parse_json_object(raw))


def explain(model: type[BaseModel], exc: ValidationError) -> str:
    """At most three problems, each `field: why`; never the value itself (it may be a password)."""
    problems = [_one(model, e) for e in exc.errors(include_url=False)[:3]]
    more = exc.error_count() - len(problems)
    return "; ".join(problems) + (f"; and {more} more" if more > 0 else "")


def _one(model: type[BaseModel], error: ErrorDetails) -> str:
    where = _where(_loc(error))
    kind = error["type"]
    if kind == "extra_forbidden":
        top = ", ".join(model.model_fields) if len(error["loc"]) == 1 else ""
        return f"{where}: unknown field" + (f" (this body takes {top})" if top else "")
    if kind == "missing":
        return f"{where}: required"
    if isinstance((error.get("ctx") or {}).get("error"), Worded):
        return str(error["ctx"]["error"])
    got = _json_type(error.get("input"))
    message = error["msg"][:1].lower() + error["msg"][1:]
    if kind.endswith("_type") and got:
        message += f", not {got}"
    return f"{where}: {message}" if where else message


def _refusal(model: type[BaseModel], exc: ValidationError) -> web.HTTPException:
    error = exc.errors(include_url=False)[0]
    return refuse_as(422, _worded(_where(_loc(error)), error), message=said(explain(model, exc)))


# Pydantic's kinds of problem the console says in the agent's language; the field's name stays as sent.
CTX_TEMPLATES: dict[str, tuple[str, str, str]] = {
    "string_too_long": ("%(field)s: at most %(max)s characters", "max", "max_length"),
    "string_too_short": ("%(field)s: at least %(min)s characters", "min", "min_length"),
    "too_long": ("%(field)s: at most %(max)s items", "max", "max_length"),
    "too_short": ("%(field)s: at least %(min)s items", "min", "min_length"),
    "greater_than_equal": ("%(field)s: at least %(min)s", "min", "ge"),
    "greater_than": ("%(field)s: more than %(min)s", "min", "gt"),
    "less_than_equal": ("%(field)s: at most %(max)s", "max", "le"),
    "less_than": ("%(field)s: less than %(max)s", "max", "lt"),
    "literal_error": ("%(field)s: one of %(choices)s", "choices", "expected"),
    "enum": ("%(field)s: one of %(choices)s", "choices", "expected"),
    "string_pattern_mismatch": ("%(field)s: must match %(pattern)s", "pattern", "pattern"),
}


def _worded(field: str, error: ErrorDetails) -> Wording:
    """The first problem as a template: the field is a parameter, and so is any limit the rule names."""
    kind, ctx = error["type"], error.get("ctx") or {}
    if isinstance(own := ctx.get("error"), Worded):  # a body's own check (hub.wording.BadValue) words itself
        return own.wording
    params: dict[str, Param] = {"field": field}
    if kind == "extra_forbidden":
        return Wording("%(field)s: unknown field", params)
    if kind == "missing":
        return Wording("%(field)s: required", params)
    if kind in CTX_TEMPLATES and CTX_TEMPLATES[kind][2] in ctx:
        template, name, key = CTX_TEMPLATES[kind]
        value = ctx[key]
        params[name] = value if isinstance(value, int | float) else str(value)
        return Wording(template, params)
    if kind.endswith("_type"):
        params["got"] = _json_type(error.get("input")) or "?"
        return Wording("%(field)s: not of the expected type (this is %(got)s)", params)
    params["problem"] = error["msg"]
    return Wording("%(field)s: %(problem)s", params)


def _loc(error: ErrorDetails) -> list[int | str]:
    # Union members add their type to the location ("int", "constrained-int"): not a field a client sent.
    return [p for p in error["loc"] if not (isinstance(p, str) and (p[:1].islower() and "-" in p))]


def _where(loc: list[int | str]) -> str:
    text = ""
    for part in loc:
        # A key the client made up is named, but cut short: it is their text, not ours.
        name = part if len(part := str(part)) <= 60 else part[:57] + "..."
        text += f"[{name}]" if name.isdecimal() else (f".{name}" if text else name)
    return text or "body"


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    for kind, name in ((int, "an integer"), (float, "a fraction"), (str, "a string"), (list, "a list")):
        if isinstance(value, kind):
            return name
    return "an object" if isinstance(value, dict) else ""


def schema_of(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON Schema, with nested models moved to components (shared by every operation)."""
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    SHARED_SCHEMAS.update(schema.pop("$defs", {}))
    return schema


def request_body(model: type[BaseModel], required: bool = True) -> dict[str, Any]:
    """An OpenAPI requestBody generated from the model the handler validates with: the two cannot drift."""
    return {"required": required, "content": {"application/json": {"schema": schema_of(model)}}}
