"""The request bodies of agent, access and customer writes, declared once for checks and docs."""

from __future__ import annotations

from typing import Annotated, Literal, Self

from pydantic import ConfigDict, Field, RootModel, StringConstraints, model_validator

from hub.api.validation import Body, Id
from hub.signin.passwords import MAX_PASSWORD
from hub.wording import BadValue

Name = Annotated[str, StringConstraints(min_length=1, pattern=r"\S")]
Level = Annotated[int, Field(ge=1, le=5)]
Capacity = Annotated[int, Field(ge=0, le=50, description="0: never on that channel")]
Role = Literal["agent", "supervisor", "knowledge_manager", "admin"]


class Nothing(Body):
    """No fields: the path says it all (an empty body, or none)."""


class ProfileBody(Body):
    """PATCH (or PUT) /api/v1/agents/{id}/profile: each field sent replaces that part of the entry; fields left
    out stay; {} changes nothing."""

    display_name: Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"\S")] | None = None
    skills: dict[Name, Level] | None = Field(None, description="skill name to level 1-5")
    languages: list[str] | None = None
    channels: list[str] | None = Field(
        None, description="the channels the agent works: capacity 0 on the others, the routing default where 0"
    )
    capacity: dict[str, Capacity] | None = Field(None, description="channel to concurrent conversations")
    tiers: list[str] | None = None
    topics: list[str] | None = None
    voice_endpoint: str | None = Field(None, description="+E.164, sip:user@host or client:identity; null: no calls")


class OwnLimits(RootModel[dict[str, Annotated[int, Field(ge=0)]]]):
    """PUT /api/v1/agents/me/limits: channel to limit, at most the capacity allowed ({} lifts them)."""

    model_config = ConfigDict(strict=True)


class TokenBody(Body):
    """POST /api/v1/tokens."""

    role: Role
    name: Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"\S")] = "api"
    expires: Annotated[str, StringConstraints(max_length=20)] | None = Field(
        None, description="how long the token lasts: 90d, 12h, 30m or 2w; null or absent: until revoked"
    )


class AgentChangeBody(Body):
    """PATCH /api/v1/agents/{id}: deactivate, reactivate or re-role (at least one field)."""

    model_config = ConfigDict(json_schema_extra={"minProperties": 1})

    active: bool | None = None
    role: Role | None = None

    @model_validator(mode="after")
    def _something(self) -> Self:
        if self.active is None and self.role is None:
            raise BadValue('send "active" (true or false) and/or "role"')
        return self


class PasswordBody(Body):
    """PUT /api/v1/agents/{id}/password: {"password"} sets it, {"generate": true} makes one (answered once)."""

    password: Annotated[str, StringConstraints(max_length=MAX_PASSWORD)] | None = Field(
        None, description="at least 8 characters (422 otherwise)"
    )
    generate: bool | None = None

    @model_validator(mode="after")
    def _one_of_them(self) -> Self:
        if (self.generate is True) == (self.password is not None):
            raise BadValue('send {"password": "<at least 8 characters>"} or {"generate": true}')
        return self


class CustomerPatch(Body):
    """PATCH /api/v1/customers/{id}: the tier ("auto" lifts an override), the yearly margin, the name and/or
    the notes."""

    model_config = ConfigDict(json_schema_extra={"minProperties": 1})

    tier: str | None = Field(None, description='a tier of routing.toml, or "auto"')
    annual_margin: Annotated[int, Field(ge=0)] | Annotated[float, Field(ge=0)] | None = None
    display_name: Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"\S")] | None = None
    notes: Annotated[str, StringConstraints(max_length=4000)] | None = Field(
        None, description="what agents should know about the customer; an empty string clears them"
    )

    @model_validator(mode="after")
    def _something(self) -> Self:
        if all(v is None for v in (self.tier, self.annual_margin, self.display_name, self.notes)):
            raise BadValue('send "tier", "annual_margin", "display_name" and/or "notes"')
        return self


class LinkBody(Body):
    """POST /api/v1/customers/{id}/link: the identity of the customer this one is."""

    kind: str = Field(description="email, phone, wechat, ...")
    value: str


class MergeBody(Body):
    """POST /api/v1/customers/{id}/merge."""

    into: Id


class EraseBody(Body):
    """POST /api/v1/customers/{id}/erase."""

    close_open_tickets: bool = Field(False, description="required when the customer has open tickets (409)")
