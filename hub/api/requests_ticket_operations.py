"""The request bodies of ticket operations (create, merge, split, link), declared once for checks and docs."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from hub.api.validation import Body, Id
from hub.tickets.reply_rules import MAX_REPLY_CHARS
from hub.wording import BadValue

Tag = Annotated[str, StringConstraints(max_length=64)]


class IdentityBody(Body):
    """A way to reach the customer: a new one makes a customer."""

    kind: Annotated[str, StringConstraints(min_length=1, max_length=32)] = Field(
        description="email, phone, wechat, webchat..."
    )
    value: Annotated[str, StringConstraints(min_length=1, max_length=320)]


class NewTicketBody(Body):
    """POST /api/v1/tickets: a ticket for a customer (customer_id or identity), with a first message that is
    sent to the customer (send: true, checked by the reply rules) or kept as an internal note."""

    customer_id: Id | None = None
    identity: IdentityBody | None = None
    customer_name: Annotated[str, StringConstraints(max_length=200)] | None = Field(
        None, description="a new customer's name (with identity)"
    )
    channel: Annotated[str, StringConstraints(min_length=1, max_length=32)] = Field(
        description="a running channel: email, sms.twilio, wechat, webchat..."
    )
    subject: Annotated[str, StringConstraints(max_length=300)] | None = Field(
        None, description="the text's first line when left out"
    )
    text: Annotated[str, StringConstraints(min_length=1, max_length=MAX_REPLY_CHARS)]
    priority: Literal["urgent", "high", "normal", "low"] | None = Field(
        None, description="the customer's tier's priority when left out"
    )
    tags: Annotated[list[Tag], Field(max_length=20)] = Field(default_factory=list)
    queue: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = Field(
        None, description="the default queue when left out"
    )
    send: bool = Field(False, description="send the text to the customer now (an agent writing first)")

    @model_validator(mode="after")
    def _one_customer(self) -> NewTicketBody:
        if (self.customer_id is None) == (self.identity is None):
            raise BadValue("name the customer by customer_id or by identity, one of them")
        return self


class MergeBody(Body):
    """POST /api/v1/tickets/{id}/merge: this ticket goes into another of the same customer's."""

    into: Id = Field(description="the ticket that takes this one's messages; this one closes, pointing there")


class SplitBody(Body):
    """POST /api/v1/tickets/{id}/split: these messages move to a new ticket; at least one stays."""

    interaction_ids: Annotated[list[Id], Field(min_length=1, max_length=500)]
    subject: Annotated[str, StringConstraints(max_length=300)] | None = Field(
        None, description="the first moved customer message's first line when left out"
    )


class TicketLinkBody(Body):
    """POST /api/v1/tickets/{id}/links: link another ticket to this one."""

    ticket_id: Id
    kind: Literal["related", "parent", "child"] = Field("related", description="what the other ticket is to this one")
