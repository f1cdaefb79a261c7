"""In-process publish/subscribe for domain events (their base class too); handlers run in subscription order."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Event:
    """A fact published after its transaction commits (hub.events has them all); here, not there, because
    the events carry snapshots of the tables while the database layer's unit of work only collects them."""

    name: ClassVar[str] = "event"


E = TypeVar("E", bound=Event)
Handler = Callable[[Any], Awaitable[None]]


class EventBus:
    def __init__(self) -> None:
        self._handlers: defaultdict[type[Event], list[Handler]] = defaultdict(list)

    def subscribe(self, event_type: type[E], handler: Callable[[E], Awaitable[None]]) -> None:
        self._handlers[event_type].append(handler)

    async def publish(self, event: Event) -> None:
        # A failing subscriber must not undo a committed fact nor starve the others.
        for handler in self._handlers.get(type(event), ()):
            try:
                await handler(event)
            except Exception:
                log.exception("event handler %r failed for %s", handler, event.name)
