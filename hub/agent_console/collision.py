"""Who has a ticket open, and who is typing on it: so two agents do not answer the same customer at once.

Kept per process, by socket: O(1) per open, close or keystroke pause, and the list pushed to the ticket's
room is as long as its viewers.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass


@dataclass(slots=True)
class Viewer:
    agent_id: int | None
    name: str
    typing: bool = False


class Collision:
    def __init__(self) -> None:
        self._by_ticket: defaultdict[int, dict[str, Viewer]] = defaultdict(dict)
        self._by_sid: defaultdict[str, set[int]] = defaultdict(set)

    def opened(self, ticket_id: int, sid: str, agent_id: int | None, name: str) -> None:
        self._by_ticket[ticket_id][sid] = Viewer(agent_id, name)
        self._by_sid[sid].add(ticket_id)

    def closed(self, ticket_id: int, sid: str) -> bool:
        """False when this socket did not have the ticket open (nothing to announce)."""
        viewers = self._by_ticket.get(ticket_id)
        if viewers is None or viewers.pop(sid, None) is None:
            return False
        if not viewers:
            del self._by_ticket[ticket_id]
        self._by_sid[sid].discard(ticket_id)
        return True

    def gone(self, sid: str) -> list[int]:
        """A socket closed: the tickets whose viewer lists changed."""
        tickets = self._by_sid.pop(sid, set())
        for ticket_id in tickets:
            viewers = self._by_ticket.get(ticket_id, {})
            viewers.pop(sid, None)
            if not viewers:
                self._by_ticket.pop(ticket_id, None)
        return sorted(tickets)

    def typing(self, ticket_id: int, sid: str, typing: bool) -> bool:
        viewer = self._by_ticket.get(ticket_id, {}).get(sid)
        if viewer is None or viewer.typing == typing:
            return False
        viewer.typing = typing
        return True

    def viewers(self, ticket_id: int) -> list[dict[str, object]]:
        """One entry per person (an agent with two tabs open is one viewer, typing if either tab is)."""
        people: dict[object, dict[str, object]] = {}
        for sid, v in self._by_ticket.get(ticket_id, {}).items():
            key = v.agent_id if v.agent_id is not None else sid
            entry = people.setdefault(key, {"agent_id": v.agent_id, "name": v.name, "typing": False})
            entry["typing"] = bool(entry["typing"]) or v.typing
        return sorted(people.values(), key=lambda p: str(p["name"]))
