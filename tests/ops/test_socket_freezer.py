"""Sockets' objects kept out of the collector's full passes, and nothing of a closed socket kept for good."""

from __future__ import annotations

import gc
import math
import weakref
from dataclasses import replace
from typing import Any

from hub import keys
from hub.ops.collector import Policy, SocketFreezer
from tests.conftest import Hub
from tests.sockets import Probe, visitor
from tests.waiting import until

WAIT_S = 30.0  # a ceiling for a busy machine, not a speed check


async def _now(value: bool) -> bool:
    return value


async def _thawed(freezer: SocketFreezer, thaws: int) -> bool:
    freezer.check()  # what each tick of a running freezer does
    return freezer.thaws >= thaws


async def _guests(hub: Hub, count: int) -> list[Probe]:
    guests = []
    for _ in range(count):
        guest = await visitor(hub.url)
        await guest.next("session")
        guests.append(guest)
    return guests


def _short_pings(hub: Hub) -> float:
    """engine.io pings every second here, so its tasks let a closed socket go within seconds (by default a minute);
    the settling time leaves a busy machine's loop several of those seconds more."""
    eio = hub.app[keys.SIO].eio
    eio.ping_interval, eio.ping_timeout = 1, 1
    return 6.0


async def test_a_wave_of_sockets_is_frozen_and_once_they_close_their_objects_are_freed(hub: Hub) -> None:
    eio = hub.app[keys.SIO].eio
    # The frozen objects' growth is left out (count_every_s): this is the closed sockets' thaw alone.
    policy = Policy(freeze_after=8, thaw_after=8, thaw_share=0.5, settle_s=_short_pings(hub), count_every_s=math.inf)
    freezer = SocketFreezer(eio.sockets.keys, policy)
    # One stays: engine.io's service task keeps the last socket it looked at until it looks at another.
    staying = await visitor(hub.url)
    guests = await _guests(hub, 10)
    try:
        closing = [weakref.ref(s) for sid, s in eio.sockets.items() if sid != _sid(staying)]
        assert len(closing) == 10
        frozen_before = gc.get_freeze_count()
        freezer.check()
        assert freezer.freezes == 1 and freezer.thaws == 0
        assert gc.get_freeze_count() > frozen_before  # the sockets' objects with the rest

        for guest in guests:
            await guest.close()
        await until(lambda: _now(len(eio.sockets) == 1), timeout=WAIT_S, what="the hub to drop the ten sockets")
        freezer.check()
        assert freezer.thaws == 0  # closed, but engine.io's tasks may still hold them: not yet
        await until(lambda: _thawed(freezer, 1), timeout=WAIT_S, what="a thaw once the ten are let go")
        # On a busy machine engine.io's tasks may let a socket go later than settle_s: it was frozen again, and a
        # later thaw (here the timed one, made short) frees it. Nothing of a closed socket is kept for good.
        freezer.policy = replace(policy, thaw_every_s=0.5)
        await until(lambda: _freed_after_thaws(freezer, closing), timeout=WAIT_S, what="every closed socket freed")
    finally:
        for guest in [*guests, staying]:
            await guest.close()


async def _freed_after_thaws(freezer: SocketFreezer, closing: list[weakref.ref[Any]]) -> bool:
    freezer.check()
    return all(ref() is None for ref in closing)  # every closed socket's engine.io object freed


def _sid(probe: Probe) -> str:
    """The engine.io id of a client's socket on the hub."""
    return str(probe.client.eio.sid)


async def test_a_few_closed_sockets_wait_for_the_timed_collection() -> None:
    # Far fewer closed than thaw_after: no thaw for them at once, but the timed one comes (what it frees is
    # the first test's matter).
    sockets = {"a", "b", "c", "d"}
    # No timed thaw yet (a busy machine may pause longer than any short period between two lines).
    policy = Policy(freeze_after=2, thaw_after=100, thaw_every_s=math.inf, settle_s=0, count_every_s=math.inf)
    freezer = SocketFreezer(lambda: set(sockets), policy)
    freezer.check()
    assert (freezer.freezes, freezer.thaws) == (1, 0)  # a wave of new sockets: frozen
    sockets -= {"b", "c", "d"}
    freezer.check()
    assert freezer.thaws == 0  # three closed of a hundred needed: no thaw for them at once
    freezer.policy = replace(policy, thaw_every_s=0.5)  # then the timed one comes
    await until(lambda: _thawed(freezer, 1), timeout=WAIT_S, what="the timed thaw and collection")
    assert freezer.freezes == 1  # the closed ones did not count as new


async def test_what_survives_a_full_pass_is_frozen_while_the_freezer_runs() -> None:
    freezer = SocketFreezer(lambda: ())  # no app here: nothing else freezes
    kept: list[Any] = [[n] for n in range(1000)]  # long-lived objects the collector tracks
    freezer.start()
    try:
        gc.collect()
        assert not gc.get_objects(generation=2)  # all frozen right after the pass, so later passes skip them
        assert kept[999] == [999]
    finally:
        await freezer.stop()
    gc.collect()
    assert gc.get_objects(generation=2)  # stopped: the collector's own behaviour again


class _Work:
    """What a finished request leaves: objects that refer to each other (a session and its handler, an exception
    and its traceback's frames), freed only by a collection."""

    def __init__(self) -> None:
        self.me = self


def _finished_work(share: float) -> list[weakref.ref[_Work]]:
    """Work in flight when a full pass froze it, as many objects as `share` of those frozen, then finished."""
    work = [_Work() for _ in range(int(share * gc.get_freeze_count()) + 1000)]
    gc.freeze()
    return [weakref.ref(w) for w in work[::100]]  # `work` goes now: the cycles alone hold each other


async def test_finished_work_frozen_in_flight_is_collected_once_the_frozen_objects_grow_by_a_quarter() -> None:
    gc.freeze()  # what the process holds now is the baseline
    freezer = SocketFreezer(lambda: (), Policy(thaw_every_s=math.inf, count_every_s=0))  # no socket ever closes
    try:
        finished = _finished_work(0.3)
        gc.collect()
        assert all(ref() is not None for ref in finished)  # frozen: a full pass alone does not free them
        freezer.check()
        assert freezer.thaws == 1
        assert all(ref() is None for ref in finished)
        assert gc.get_freeze_count() > 0  # what lives is frozen again
    finally:
        gc.unfreeze()


async def test_frozen_objects_grown_by_less_than_a_quarter_wait_for_a_later_thaw() -> None:
    gc.freeze()
    freezer = SocketFreezer(lambda: (), Policy(thaw_every_s=math.inf, count_every_s=0))
    try:
        finished = _finished_work(0.1)
        freezer.check()
        assert freezer.thaws == 0
        assert all(ref() is not None for ref in finished)
        more = _finished_work(0.2)  # now over a quarter of the baseline in all
        freezer.check()
        assert freezer.thaws == 1
        assert all(ref() is None for ref in [*finished, *more])
    finally:
        gc.unfreeze()


async def test_frozen_objects_are_counted_only_every_count_every_s() -> None:
    gc.freeze()
    freezer = SocketFreezer(lambda: (), Policy(thaw_every_s=math.inf, count_every_s=3600))
    try:
        finished = _finished_work(0.5)
        freezer.check()
        assert freezer.thaws == 0  # not counted yet: the count walks every frozen object, so it is rationed
        assert all(ref() is not None for ref in finished)
    finally:
        gc.unfreeze()
