"""Calibrated confidence: the chance that a suggested article answers the question, from the ranker's signals.

A logistic model over four signals of one candidate: its BM25 share of a perfect match (``lexical``), its
BM25 against the best candidate's (``relative``), its phrase similarity to the closest title or variant
(``match``), and whether it is in another language than the question (``foreign``). The coefficients are
fitted on the tune half of tests/knowledge/eval_set.json (bench/knowledge.py --fit prints new ones);
THRESHOLD is where a suggestion is called confident. docs/knowledge.md says how to tune both.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# Fitted coefficients: bias, then one per Features.vector() entry.
COEFFICIENTS = (-3.4, -1.31, 5.97, 2.58, 3.18, -1.0, -5.89)
# At or above: "confident". Chosen on the tune half so that unanswerable questions mostly get no
# confident suggestion while answerable ones keep theirs (the trade-off is in docs/knowledge.md).
THRESHOLD = 0.45


@dataclass(frozen=True, slots=True)
class Features:
    lexical: float  # 0-1: BM25 against a perfect match
    coverage: float  # 0-1: IDF share of the question's words the article contains
    margin: float  # -1-1: BM25 lead over the runner-up (negative: behind the best)
    match: float  # 0-1: phrase similarity to the closest title or variant
    unknown: float  # 0-1: share of the question's words no article contains (what nobody wrote about)
    foreign: bool  # the article is in another language than the question

    def vector(self) -> tuple[float, ...]:
        return (self.lexical, self.coverage, self.margin, self.match, self.unknown, float(self.foreign))


def calibrated(features: Features, coefficients: tuple[float, ...] = COEFFICIENTS) -> float:
    z = coefficients[0] + sum(c * x for c, x in zip(coefficients[1:], features.vector(), strict=True))
    return 1.0 / (1.0 + math.exp(-z))
