"""socket.io namespaces and room names: one place, so whoever emits to a room and whoever joins it agree."""

from __future__ import annotations

AGENT_NAMESPACE = "/agent"  # the agent console
VISITOR_NAMESPACE = "/visitor"  # the web chat widget

SUPERVISORS_ROOM = "supervisors"  # live queue statistics and coaching notes


def queue_room(queue: str) -> str:
    return f"queue:{queue}"


def agent_room(agent_id: int) -> str:
    """One agent's sockets, all tabs: offers, mentions, coaching and their own presence changes go here."""
    return f"agent:{agent_id}"


def ticket_room(ticket_id: int) -> str:
    """A ticket's viewers in the console and, in the visitor namespace, its web chat visitor."""
    return f"ticket:{ticket_id}"


def visitor_room(key: str) -> str:
    """One web chat visitor's sockets, by the digest of their token."""
    return f"visitor:{key}"
