"""Ranking and calibrated confidence: two logistic models over the same signals of one candidate article.

RANKING orders the candidates (it was fitted for "is this the right article among the candidates").
COEFFICIENTS gives the confidence: the chance that the article the ranking put first answers the question
at all, fitted on the best suggestion of each question of the tune half of tests/knowledge/eval_set.json,
train2_set.json and fresh_set.json to fresh11_set.json, unanswerable questions included (bench/knowledge.py
--fit prints new ones, the threshold, and each set's figures with the model fitted without it). Two models
because the questions differ: which article is best needs relative signals (margin, phrase similarity),
whether any answers needs absolute ones (how much of the question the article covers, how many of its words
no article knows). THRESHOLD is where a suggestion is called confident; GAP_THRESHOLD, lower, is where a
question is reported as unanswered. docs/knowledge.md says how to tune all of them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# Bias, then one weight per Features.vector() entry.
RANKING = (-3.4, -1.31, 5.97, 2.58, 3.18, -1.0, -5.89, *(0.0,) * 13)
COEFFICIENTS = (
    *(-5.82, -4.99, 5.09, -0.28, -1.65, 1.19, -5.89, 0.34, -1.18, 6.16, 2.5, 3.66, -1.98),
    *(1.39, 0.67, 0.47, 1.75),  # rest, main, trouble_apart, trouble_shared
    *(3.33, -3.51, 1.07),  # unwanted, kind_unmet, kind_met
)
# At or above: "confident" (listed first, no "no confident answer"). Chosen on questions the model never saw:
# each fitted set left out in turn and scored by the model fitted on the others, the threshold whose pooled
# confident recall and abstain rate have the best lower of the two (bench/knowledge_fit.py).
THRESHOLD = 0.40
# Below, for the best suggestion: the question goes to the gap report. Lower than THRESHOLD, because a gap
# report must be mostly true gaps (agents write articles from it) while the panel may hedge.
GAP_THRESHOLD = 0.10


@dataclass(frozen=True, slots=True)
class Features:
    lexical: float  # 0-1: BM25 against a perfect match
    coverage: float  # 0-1: IDF share of the question's words the article contains
    margin: float  # -1-1: BM25 lead over the runner-up (negative: behind the best)
    match: float  # 0-1: phrase similarity to the closest title or variant
    unknown: float  # 0-1: share of the question's words no article contains (what nobody wrote about)
    foreign: bool  # the article is in another language than the question
    agree: bool = False  # best by BM25 and by phrase similarity alike
    service: float = 0.0  # 0-1: thesaurus concepts of the service the question touches (three or more: 1)
    asked: float = 1.0  # 0-1: rarity-weighted share of the question's whole words the article covers (focus.py)
    missing: float = 0.0  # 0-1: the rarest question word the article leaves out (1: no article has it)
    named: float = 0.0  # 0-1: the share of the article's gist (gist.py: what its phrasings repeat) the question names
    whether: bool = False  # the question asks whether something can be done, not how (focus.whether)
    rest: float = 1.0  # 0-1: share covered of the question's words that name none of the article's gist (focus.py)
    main: bool = False  # the question names the article's main concept (gist.names_main)
    trouble_apart: bool = False  # the question reports trouble, the article's phrasings none (trouble.py)
    trouble_shared: bool = False  # both report trouble
    # The question does not want something (trouble.unwanted) and the article is about giving back or stopping.
    unwanted: bool = False
    # The question asks for a kind of answer (an amount, a time, a reason) the article does not give (asks.py).
    kind_unmet: bool = False
    kind_met: bool = False  # it gives one of the kinds of answer the question asks for

    def vector(self) -> tuple[float, ...]:
        return (
            self.lexical,
            self.coverage,
            self.margin,
            self.match,
            self.unknown,
            float(self.foreign),
            float(self.agree),
            self.service,
            self.asked,
            self.missing,
            self.named,
            float(self.whether),
            self.rest,
            float(self.main),
            float(self.trouble_apart),
            float(self.trouble_shared),
            float(self.unwanted),
            float(self.kind_unmet),
            float(self.kind_met),
        )


# Features.vector()'s order, by name: a model reads only the signals it weighs (RANKING weighs 6 of 19).
VECTOR = (
    *("lexical", "coverage", "margin", "match", "unknown", "foreign", "agree", "service", "asked", "missing"),
    *("named", "whether", "rest", "main", "trouble_apart", "trouble_shared", "unwanted", "kind_unmet", "kind_met"),
)
_weighed: dict[int, tuple[tuple[float, ...], tuple[tuple[str, float], ...]]] = {}


def calibrated(features: Features, coefficients: tuple[float, ...] = COEFFICIENTS) -> float:
    # The same sum as over features.vector(), without its zero terms: the ranking scores 30 candidates a question.
    known = _weighed.get(id(coefficients))
    if known is None or known[0] is not coefficients:
        if len(_weighed) > 64:  # a fit tries many models; a server holds two
            _weighed.clear()
        known = _weighed[id(coefficients)] = (
            coefficients,
            tuple((name, c) for name, c in zip(VECTOR, coefficients[1:], strict=True) if c),
        )
    z = coefficients[0] + sum(c * getattr(features, name) for name, c in known[1])
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
