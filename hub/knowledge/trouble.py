"""Whether a text reports something wrong: a negation, or a fault the service thesaurus names.

A near miss often reports a fault with a thing an article only explains how to get or use: "my invoice
shows the wrong company name" against "Get an invoice for your order", "the tracking number doesn't work on
the courier website" against "Track your delivery", 发票抬头开错了 against 开具发票. An article about a
fault says so in its own phrasings ("my card was declined", "order not sent", 东西坏了), so a question that
reports trouble to an article whose title, variants and tags report none is likely asking something else,
and one that reports trouble to an article that does is likely where it belongs. The confidence weighs
both (hub/knowledge/confidence.py: ``trouble_apart`` and ``trouble_shared``).
"""

from __future__ import annotations

import re
from functools import lru_cache

from hub.knowledge.concepts import GROUPS

# The thesaurus concepts that are faults (by their first member): what customers report as gone wrong.
FAULT_CONCEPTS = ("damaged", "locked", "failed", "missing", "crash", "twice")
_NEGATION = re.compile(
    r"\b(not|no|never|cannot|wrong|nothing)\b|n't\b|\b(cant|wont|doesnt|didnt|isnt|hasnt|havent|wasnt)\b|不|没|错"
)
# Saying one does not want, like or need something ("don't like it, can I send it back", 不想要了): a customer
# giving a thing back, not a fault; read before the negations, which it would otherwise trip.
_UNWANTED = re.compile(
    r"\b(don'?t|do not|didn'?t|did not|no longer|never) (really )?(want|like|need|use)\b|\bchanged my mind\b"
    r"|不想要|不要了|不喜欢|不想用|不需要|不想买|用不上了|不用了"
)
# The thesaurus concepts of giving something back or stopping it (by their first member): what an article
# answers for a customer who no longer wants a thing.
GIVE_BACK_CONCEPTS = ("refund", "return", "exchange", "cancel", "delete", "unsubscribe")
# Chinese questions ask with a negation ("能不能", "有没有": can you, do you have); those say nothing is wrong.
# So does a clause ending in 不 after 能, 可以, 行 ("能退不", "可以换不": can I?).
_ASKING_FORMS = re.compile(
    r"(能|可|行|是|要|有|会|好|对|用)[不没]\1|可不可以|(?<=[能以行])([^，。！？?!,\s不没]{0,6})不(?=[？?。！!，,\s]|$)"
)


@lru_cache(maxsize=1)
def _faults() -> re.Pattern[str]:
    members = [m for g in GROUPS if g.split("|")[0] in FAULT_CONCEPTS for m in g.split("|")]
    # Longest first, so "won't go through" wins over a shorter member inside it; English as whole words.
    members.sort(key=len, reverse=True)
    return re.compile("|".join(rf"\b{re.escape(m)}\b" if m.isascii() else re.escape(m) for m in members))


@lru_cache(maxsize=1024)
def reports_trouble(text: str, wanting: bool = True) -> bool:
    """Whether the text says something is wrong: a negation (not the Chinese "能不能" kind) or a fault.
    ``wanting`` False: not wanting something does not count (a question's, which `unwanted` weighs; an
    article's phrasings that say it, 我不想要了 of cancelling, describe the customer's situation as trouble)."""
    lowered = _ASKING_FORMS.sub(" ", text.lower().replace("’", "'"))
    if not wanting:
        lowered = _UNWANTED.sub(" ", lowered)
    return bool(_NEGATION.search(lowered) or _faults().search(lowered))


@lru_cache(maxsize=1024)
def unwanted(text: str) -> bool:
    """Whether the text says the customer does not want, like or need something (any more)."""
    return bool(_UNWANTED.search(text.lower().replace("’", "'")))


@lru_cache(maxsize=1)
def give_back_terms() -> frozenset[str]:
    """The index terms of the give-back concepts (English single words as stems, Chinese entries)."""
    from hub.knowledge.terms import stem

    out: set[str] = set()
    for group in GROUPS:
        members = group.split("|")
        if members[0] in GIVE_BACK_CONCEPTS:
            out.update(m if not m.isascii() else stem(m) for m in members if not m.isascii() or m.isalpha())
    return frozenset(out)
