"""`hub routing simulate`: replay a day of arrivals against a policy and a roster, before the policy goes live.

A discrete-event simulation around the live router's own pieces: decide() with the policy's steps and
the fairness rule, urgency() to order waiting contacts, the roster semantics of floor.py (full agents
present, wrap-up from [after_contact], away after a missed offer), offers on the [offers] channels that
are declined or missed with given probabilities and then passed over for reoffer_after_seconds. When
capacity frees, waiting contacts the freed agent may take are routed most urgent first (live drains
the 50 most urgent; the report's max_waiting says whether that limit could bind). A contact whose real
needs (trace `needs`) exceed what its agent holds is transferred half-way through and routed again.
Trace lines (JSONL): {"t", "channel", "tier", "skills", "needs", "language", "handle_s", "patience_s"}.
Roster (JSON list): {"id", "name", "skills", "languages", "capacity", "tiers", "queues", "email"}.
Not modelled: breaks, shift changes, agents' own limits.
"""

from __future__ import annotations

import heapq
import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hub.routing.config import RoutingConfig
from hub.routing.decide import ANY_STEP, decide, why_not
from hub.routing.fairness import fit
from hub.routing.floor import AVAILABLE, AWAY, WRAP_UP, Contact, Floor, at
from hub.routing.model import AgentProfile
from hub.routing.policy import choose_filter
from hub.routing.report import report
from hub.routing.urgency import urgency

# Event kinds, in the order they run at equal times: capacity frees before new work arrives.
DONE, TRANSFER, BACK, DECLINE, MISS, ANSWER, ARRIVE, RECHECK, ABANDON = range(9)


__all__ = [
    "Contact",
    "Options",
    "Simulation",
    "TraceError",
    "contacts",
    "load_roster_file",
    "load_trace",
    "profiles",
    "simulate",
]


class TraceError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Options:
    sl_s: float = 20.0  # service-level threshold
    decline: float = 0.0  # chance an offered agent declines (after decline_s)
    miss: float = 0.0  # chance an offer goes unanswered until its [offers] timeout
    accept_s: float = 3.0  # how long an accepted offer takes to be accepted
    decline_s: float = 5.0
    away_s: float = 120.0  # how long an agent who missed an offer stays away
    seed: int = 1
    day_s: float | None = None  # the staffed day; None: until the last arrival


def load_trace(path: Path) -> list[Contact]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except ValueError as exc:
                raise TraceError(f"{path}:{n}: {exc}") from None
    return contacts(rows, str(path))


def contacts(rows: list[dict[str, Any]], source: str = "trace") -> list[Contact]:
    out = []
    for n, raw in enumerate(rows, 1):
        try:
            skills = {str(k): int(v) for k, v in (raw.get("skills") or {}).items()}
            needs = {str(k): int(v) for k, v in raw["needs"].items()} if raw.get("needs") else None
            patience = float(raw["patience_s"]) if raw.get("patience_s") is not None else None
            out.append(
                Contact(n, float(raw["t"]), str(raw["channel"]), str(raw.get("tier", "general")), skills,
                        raw.get("language"), float(raw["handle_s"]), patience, needs)
            )  # fmt: skip
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise TraceError(f"{source}:{n}: {exc.__class__.__name__}: {exc}") from None
    return sorted(out, key=lambda c: (c.t, c.id))


def load_roster_file(path: Path) -> list[AgentProfile]:
    try:
        return profiles(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise TraceError(f"{path}: {exc.__class__.__name__}: {exc}") from None


def profiles(rows: list[dict[str, Any]]) -> list[AgentProfile]:
    """Roster rows (as in roster.json) to yellow-pages entries."""
    return [
        AgentProfile(
            int(r["id"]),
            str(r.get("name", r["id"])),
            {str(k): int(v) for k, v in (r.get("skills") or {}).items()},
            frozenset(r.get("languages") or ()),
            {str(k): int(v) for k, v in (r.get("capacity") or {}).items()},
            frozenset(r.get("tiers") or ()),
            email=str(r.get("email", "")).lower(),
            queues=frozenset(r.get("queues") or ()),
        )
        for r in rows
    ]


class Simulation:
    def __init__(self, config: RoutingConfig, roster: list[AgentProfile], trace: list[Contact], opts: Options) -> None:
        self.config, self.opts, self.trace = config, opts, trace
        day = opts.day_s if opts.day_s is not None else max((c.t for c in trace), default=0.0)
        self.floor = Floor(roster, config.capacity, max(1.0, day))
        self.rng = random.Random(opts.seed)  # noqa: S311 - reproducible runs, not secrets
        self.events: list[tuple[float, int, int, int]] = []
        self.seq = 0
        self.by_id = {c.id: c for c in trace}
        self.waiting: dict[str, dict[int, Contact]] = {}
        self.offers = {"made": 0, "declined": 0, "missed": 0}
        self.max_waiting = 0
        flt = {c.id: choose_filter(config.filters, {"tier": c.tier, "channel": c.channel, "skill": set(c.skills)})
               for c in trace}  # fmt: skip
        self.filters = flt
        self.steps_skip = {cid for cid, f in flt.items() if any(s.skip_if_none for s in f.steps)}

    def push(self, t: float, kind: int, ref: int) -> None:
        self.seq += 1
        heapq.heappush(self.events, (t, kind, self.seq, ref))

    def run(self) -> dict[str, Any]:
        for c in self.trace:
            self.push(c.t, ARRIVE, c.id)
        now = 0.0
        while self.events:
            now, kind, _, ref = heapq.heappop(self.events)
            self.step(now, kind, ref)
        self.floor.close(max(now, self.floor.day_s))
        return report(self)

    def step(self, now: float, kind: int, ref: int) -> None:
        if kind == BACK:
            agent = self.floor.agents[ref]
            if agent.status != AVAILABLE:
                self.floor.change(ref, now, status=AVAILABLE)
                self.drain(ref, now)
            return
        c = self.by_id[ref]
        if kind == ARRIVE:
            c.waiting_since = c.t
            self.wait(c)
            if c.patience_s is not None:
                self.push(c.t + c.patience_s, ABANDON, c.id)
            edge = c.t
            for s in self.filters[c.id].steps[:-1]:  # a timed step ends: look again with the next step's agents
                edge += s.timeout_s or 0
                self.push(edge, RECHECK, c.id)
            self.route(c, now)
        elif kind in (RECHECK, ABANDON):
            if self.is_waiting(c) and kind == ABANDON and c.answered_at is None:
                c.abandoned = True
                del self.waiting[c.channel][c.id]
            elif self.is_waiting(c):
                self.route(c, now)
        elif kind == ANSWER:
            assert c.agent is not None
            if c.answered_at is None:
                c.answered_at = now
            elif c.transfers:
                c.transfer_waits.append(now - c.waiting_since)
            lacks = any(self.floor.agents[c.agent].profile.skills.get(s, 0) < lvl for s, lvl in (c.needs or {}).items())
            self.push(now + c.handle_s / 2, TRANSFER, c.id) if lacks else self.push(now + c.handle_s, DONE, c.id)
        elif kind in (DONE, TRANSFER):
            self.finish(c, now, transfer=kind == TRANSFER)
        elif kind in (DECLINE, MISS):
            self.passed(c, now, missed=kind == MISS)

    def is_waiting(self, c: Contact) -> bool:
        return c.id in self.waiting.get(c.channel, {})

    def wait(self, c: Contact) -> None:
        self.waiting.setdefault(c.channel, {})[c.id] = c
        self.max_waiting = max(self.max_waiting, sum(len(w) for w in self.waiting.values()))

    def route(self, c: Contact, now: float) -> bool:
        req = c.request(now)
        config = self.config
        d = decide(req, self.floor.roster(), config.capacity, config.filters, config.fairness)
        if d.agent_id is None:
            if req.exclude and not d.ranked:  # everyone eligible passed on it: offer again when the first may
                self.push(min(u for a, u in c.excluded.items() if a in req.exclude), RECHECK, c.id)
            return False
        if c.answered_at is None and c.transfers == 0 and c.skills:
            fits = [fit(self.floor.agents[a].profile, c.skills) for a in d.ranked]
            c.best_skilled = fit(self.floor.agents[d.agent_id].profile, c.skills) >= max(fits)
        del self.waiting[c.channel][c.id]
        c.agent = d.agent_id
        self.floor.change(d.agent_id, now, c.channel, +1)
        offer_s = config.offers.get(c.channel)
        if not offer_s:
            self.step(now, ANSWER, c.id)
            return True
        self.offers["made"] += 1
        draw = self.rng.random()
        if draw < self.opts.decline:
            self.push(now + min(self.opts.decline_s, offer_s), DECLINE, c.id)
        elif draw < self.opts.decline + self.opts.miss:
            self.push(now + offer_s, MISS, c.id)
        else:
            self.push(now + min(self.opts.accept_s, offer_s), ANSWER, c.id)
        return True

    def passed(self, c: Contact, now: float, missed: bool) -> None:
        """A declined or missed offer: the agent is passed over for reoffer_after_s and the contact waits again."""
        assert c.agent is not None
        agent, c.agent = c.agent, None
        self.offers["missed" if missed else "declined"] += 1
        away = missed and self.config.away_after_missed_offer and self.floor.agents[agent].status == AVAILABLE
        self.floor.change(agent, now, c.channel, -1, status=AWAY if away else "")
        c.excluded[agent] = now + self.config.reoffer_after_s
        if c.patience_s is not None and now >= c.t + c.patience_s and c.answered_at is None:
            c.abandoned = True  # the customer gave up while it rang
        else:
            self.wait(c)
            self.route(c, now)
        if away:
            self.push(now + self.opts.away_s, BACK, agent)
            self.presence_lost(now)
        else:
            self.drain(agent, now)

    def finish(self, c: Contact, now: float, transfer: bool) -> None:
        assert c.agent is not None
        agent, c.agent = c.agent, None
        wrap = self.config.after_contact.get(c.channel, 0)
        wrapping = wrap > 0 and self.floor.agents[agent].status == AVAILABLE  # as presence.wrap_up does live
        self.floor.change(agent, now, c.channel, -1, status=WRAP_UP if wrapping else "")
        if transfer:
            c.transfers += 1
            c.skills, c.waiting_since = dict(c.needs or c.skills), now
            self.wait(c)
            self.route(c, now)
        if wrapping:
            self.push(now + wrap, BACK, agent)
            self.presence_lost(now)
        else:
            self.drain(agent, now)

    def presence_lost(self, now: float) -> None:
        # Someone left the roster: a desk may now be unstaffed, and skip_if_none moves its tickets on.
        for c in [c for w in self.waiting.values() for c in w.values() if c.id in self.steps_skip]:
            if self.is_waiting(c):
                self.route(c, now)

    def drain(self, agent_id: int, now: float) -> None:
        """Capacity freed: waiting contacts this agent may take, most urgent first, each routed by decide()."""
        floor, config = self.floor, self.config
        profile, fallback = floor.agents[agent_id].profile, config.capacity
        candidates: list[tuple[float, int, Contact]] = []
        for channel, waiting in self.waiting.items():
            if not floor.room(agent_id, channel):
                continue
            state = floor.state(agent_id)
            for c in waiting.values():
                if c.excluded.get(agent_id, 0) > now:
                    continue
                if why_not(profile, state, c.request(now), ANY_STEP, fallback.get(channel, 1)) is None:
                    due_min = config.sla_minutes(c.tier, c.channel)[0]
                    due = at(c.waiting_since + due_min * 60) if due_min else None
                    score = urgency(config.tier_weight(c.tier), due, at(c.waiting_since), at(now), config.urgency)
                    candidates.append((-score, c.id, c))
        for _, _, c in sorted(candidates, key=lambda x: (x[0], x[1])):
            if not any(floor.room(agent_id, ch) for ch in self.waiting):
                break
            if self.is_waiting(c):
                self.route(c, now)


def simulate(
    config: RoutingConfig, roster: list[AgentProfile], trace: list[Contact], sl_s: float = 20.0, **kw: Any
) -> dict[str, Any]:
    return Simulation(config, roster, trace, Options(sl_s=sl_s, **kw)).run()
