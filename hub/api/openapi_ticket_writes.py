"""OpenAPI request bodies of the ticket writes, generated from the models the handlers validate with."""

from __future__ import annotations

from hub.api.requests_tickets import BulkBody, OfferAnswer, ReplyBody, TicketChangeBody
from hub.api.validation import request_body

TICKET_CHANGE_BODY = request_body(TicketChangeBody)
BULK_BODY = request_body(BulkBody)
REPLY_BODY = request_body(ReplyBody)
OFFER_BODY = request_body(OfferAnswer)
