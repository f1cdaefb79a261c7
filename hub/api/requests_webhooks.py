"""The request bodies of webhook writes, declared once for checks and docs."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from hub.api.validation import Body

EventName = Literal[
    "ticket.created", "ticket.updated", "ticket.assigned", "message.received", "message.created", "survey.answered"
]
Url = Annotated[str, StringConstraints(min_length=1, max_length=2000)]
Events = Annotated[list[EventName], Field(min_length=1, max_length=6)]
Secret = Annotated[str, StringConstraints(min_length=16, max_length=200)]
Description = Annotated[str, StringConstraints(max_length=200)]


class WebhookNew(Body):
    """POST /api/v1/webhooks: the secret is generated when left out, and shown in this answer only."""

    url: Url = Field(description="http(s) URL of a public host; redirects are not followed")
    events: Events = Field(description="the events to send")
    secret: Secret | None = Field(None, description="signs every delivery (X-Hub-Signature-256)")
    description: Description = ""
    active: bool = True


class WebhookPatch(Body):
    """PATCH /api/v1/webhooks/{id}: fields left out keep their values; active: true turns a disabled hook on."""

    url: Url | None = None
    events: Events | None = None
    secret: Secret | None = None
    description: Description | None = None
    active: bool | None = None
