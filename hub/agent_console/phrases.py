"""Sentences the server composed in English (routing reasons, timeline summaries, churn factors) as a message key
plus params, so the workspace shows them in the agent's language: the key is the English template, as in the catalog.

The stored sentences stay as they are (API clients and the audit log read them); each template here mirrors the
f-string that writes it, and tests/agent_console/test_phrases.py runs the real writers so the two cannot drift apart.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

Phrase = dict[str, Any]  # {"key": English template, "params": {name: str | Phrase | list[Phrase | str]}}


@dataclass(frozen=True, slots=True)
class Part:
    """How to read one param: as a phrase of `group`, or a list of them split at `sep`."""

    group: str
    sep: str | None = None


@dataclass(frozen=True, slots=True)
class Template:
    key: str
    parts: Mapping[str, Part]
    pattern: re.Pattern[str]


def _template(key: str, **parts: Part) -> Template:
    pieces = re.split(r"%\((\w+)\)s", key)  # literal, name, literal, name, ..., literal
    regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(pieces))
    return Template(key, parts, re.compile(f"^{regex}$", re.DOTALL))


REASON = Part("reason")
SKIPPED = Part("skipped", "; ")
GROUPS: dict[str, tuple[Template, ...]] = {
    "reason": (
        # routing.decide: what the ticket needs, the policy step, the pick or why nobody
        _template(
            "needs %(needs)s, language %(language)s on %(channel)s for a %(tier)s customer", needs=Part("need", ", ")
        ),
        _template("needs %(needs)s on %(channel)s for a %(tier)s customer", needs=Part("need", ", ")),
        _template(
            "policy %(policy)s, step %(step)s of %(steps)s: %(how)s for up to %(seconds)s s", how=Part("step", ", ")
        ),
        _template("policy %(policy)s, step %(step)s of %(steps)s: %(how)s", how=Part("step", ", ")),
        _template("holding up to %(seconds)s s more for the agent who served this customer last"),
        _template("nobody eligible (%(skipped)s); waiting in queue", skipped=SKIPPED),
        _template("%(agent)s served this customer last time and is available"),
        _template(
            "%(agent)s: fairest pick, %(share)s of capacity in use, idle since %(since)s (%(load)s/%(capacity)s "
            "%(channel)s; skill fit %(fit)s), first of %(count)s eligible",
            fit=Part("fit", ", "),
        ),
        _template(
            "%(agent)s: fairest pick, %(share)s of capacity in use (%(load)s/%(capacity)s %(channel)s; skill fit "
            "%(fit)s), first of %(count)s eligible",
            fit=Part("fit", ", "),
        ),
        _template("not eligible: %(skipped)s", skipped=SKIPPED),
        # routing.requests, routing.engine, routing.offers, routing.calls, tickets.changes, customers.retier
        _template("warning: tier %(tier)s is not in routing.toml; routed by the default filter"),
        _template("warning: no agent has %(skills)s; routed without it"),
        _template("warning: no agent has %(skills)s; routed without them"),
        _template("that agent's last place was taken meanwhile; waiting"),
        _template("agent %(agent_id)s declined the offer"),
        _template("agent %(agent_id)s did not answer within %(seconds)s s"),
        _template("agent %(agent_id)s did not answer the phone (%(status)s)"),
        _template("agent %(agent_id)s answered the call"),
        _template("assigned by %(actor)s (%(role)s)"),
        # tickets.splitting, merging, replies: where a split, merged or answered ticket's owner came from
        _template("split from ticket #%(ticket)s"),
        _template("kept from ticket #%(ticket)s when it was merged here"),
        _template("took it by answering (%(actor)s, %(role)s)"),
        _template(
            "customer tier %(tier_before)s → %(tier)s (%(why)s): priority %(priority)s, first response due %(due)s UTC",
            why=Part("retier"),
        ),
        _template("customer tier %(tier_before)s → %(tier)s (%(why)s): priority %(priority)s", why=Part("retier")),
    ),
    "summary": (
        # the customer's timeline (hub.customers.history rows written by routing and ticket changes)
        _template("offered to agent %(agent_id)s: %(reason)s", reason=REASON),
        _template("routed to agent %(agent_id)s: %(reason)s", reason=REASON),
        _template("offered to agent %(agent_id)s"),
        _template("routed to agent %(agent_id)s"),
        _template("to agent %(agent_id)s by %(actor)s"),
        _template("unassigned by %(actor)s"),
        _template("pending until %(due)s UTC (%(actor)s)"),
        _template("pending, no reminder (%(actor)s)"),
        _template("merged into #%(ticket)s by %(actor)s"),
        _template("#%(ticket)s merged into this ticket by %(actor)s"),
        _template("split into #%(ticket)s by %(actor)s"),
        _template("split from #%(ticket)s by %(actor)s"),
        _template("link to #%(ticket)s removed by %(actor)s"),
        _template("#%(ticket)s linked as %(link)s by %(actor)s"),
        _template("%(subject)s (opened by %(actor)s)"),
    ),
    "system": (  # system lines in the conversation (tickets.merging, tickets.splitting, tickets.mail_notices)
        _template("Merged into ticket #%(ticket)s by %(actor)s"),
        _template("Ticket #%(ticket)s merged into this one by %(actor)s (%(count)s messages moved)"),
        _template("%(count)s messages split off to ticket #%(ticket)s by %(actor)s"),
        _template("Split off from ticket #%(ticket)s by %(actor)s"),
        _template("Delivery failed: %(detail)s"),
        _template("Delivery delayed: %(detail)s"),
        _template("Delivered: %(detail)s"),
    ),
    "factor": (  # hub.customers.insight's churn factors
        _template("%(count)s complaint(s) in 90 days"),
        _template("waited past the first-response target %(count)s time(s)"),
        _template("poor satisfaction (%(rating)s/5 lately)"),
        _template("lukewarm satisfaction (%(rating)s/5 lately)"),
        _template("contact falling away (%(before)s then %(recent)s in 90 days)"),
    ),
    "retier": (  # why a customer's tier moved (customers.imports, customers.linking)
        _template("customer import, line %(line)s"),
        _template("orders import"),
        _template("merged from customer %(customer)s"),
        _template("merged with customer %(customer)s"),
        _template("set by %(actor)s"),
        _template("merge %(merge)s undone"),
    ),
    "need": (_template("no particular skill"),),
    "fit": (_template("no skill needed"),),
    "step": (
        _template("queue %(queue)s"),
        _template("%(count)s named agents"),
        _template("skills at level %(level)s+"),
        _template("any eligible agent"),
    ),
    "skipped": (_template("no agents"), _template("%(count)s %(why)s", why=Part("why"))),
    "why": (  # routing.decide.why_not
        _template("already offered this ticket"),
        _template("not available"),
        _template("outside this step"),
        _template("at %(channel)s capacity"),
        _template("%(skill)s below %(level)s"),
        _template("does not speak %(language)s"),
        _template("does not serve %(tier)s customers"),
    ),
}
# A summary may also be a routing reason (retier writes the same line to both); the loosest template goes last.
GROUPS["summary"] = (*GROUPS["summary"], *GROUPS["reason"], _template("%(status_before)s → %(status)s (%(actor)s)"))


def phrase(text: str, group: str = "reason") -> Phrase | str:
    """The sentence as key + params; text no template matches (what people wrote) comes back unchanged."""
    for template in GROUPS[group]:
        found = template.pattern.match(text)
        if found is None:
            continue
        params: dict[str, Any] = {}
        for name, value in found.groupdict().items():
            part = template.parts.get(name)
            if part is None:
                params[name] = value
            elif part.sep is None:
                params[name] = phrase(value, part.group)
            else:
                params[name] = [phrase(v, part.group) for v in value.split(part.sep)]
        return {"key": template.key, "params": params}
    return text


def phrases(texts: Iterable[str], group: str) -> dict[str, Phrase]:
    """Each sentence a template matches, by its English text (what the browser holds); the rest left out."""
    found = {}
    for text in texts:
        keyed = phrase(text, group)
        if isinstance(keyed, dict):
            found[text] = keyed
    return found


def catalog_keys() -> list[str]:
    """Every template, for the message catalog."""
    return [template.key for templates in GROUPS.values() for template in templates]
