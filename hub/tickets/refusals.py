"""Why a ticket action was refused: typed reasons the API maps to its HTTP errors and automatic senders log."""

from __future__ import annotations

from enum import StrEnum

from hub.wording import Param, Worded


class TicketNotFound(Worded, LookupError):
    """No such ticket (404 over the API)."""


class NotAllowed(Worded, PermissionError):
    """The person's role or the ticket's owner does not allow this (403 over the API)."""


class ReplyError(Worded, ValueError):
    """A ticket action refused with a reason the person can act on (422 over the API): a catalog template and
    its parameters, so the console says it in the agent's language."""


class Refusal(StrEnum):
    """The rule a reply broke; each refusal's message says what to do instead."""

    EMPTY = "empty"
    TOO_LONG = "too_long"  # the hub's own limit or the channel's
    CLOSED = "closed"
    OPTED_OUT = "opted_out"
    OUTSIDE_WINDOW = "outside_window"  # the channel accepts replies only so long after the customer wrote
    UNREACHABLE = "unreachable"  # the customer has no identity on the channel asked for
    NO_FILES = "no_files"  # the channel cannot carry attachments
    UNKNOWN_MENTION = "unknown_mention"
    NOT_A_COACH = "not_a_coach"  # only supervisors coach: a matter of role, not of the reply (403)
    NOBODY_TO_COACH = "nobody_to_coach"


class ReplyRefused(ReplyError):
    def __init__(self, refusal: Refusal, template: str, /, **params: Param) -> None:
        super().__init__(template, **params)
        self.refusal = refusal
