"""The bulk BM25 gives the plain per-posting loop's scores bit for bit, and the same candidates in the same order."""

from __future__ import annotations

import heapq
import math
import random
from collections import defaultdict

import pytest

from hub.knowledge import lexical
from hub.knowledge.index import FUZZY_CANDIDATES, IndexedArticle, SuggestionIndex
from hub.knowledge.lexical import COMMON_CANDIDATES, K1, POSTINGS_BUDGET, bm25

WORDS = [f"w{i}" for i in range(40)]


def reference(
    weights: dict[str, float], postings: dict[str, dict[int, float]], norms: dict[int, float], n: int
) -> tuple[list[int], dict[int, float], dict[int, float], tuple[float, float]]:
    """The loop the index used before scoring postings in bulk: one Python turn per posting."""
    scores: defaultdict[int, float] = defaultdict(float)
    covered: defaultdict[int, float] = defaultdict(float)
    ideal = idf_sum = 0.0
    common = []
    visited = 0
    for term, qw in sorted(weights.items(), key=lambda tw: (tw[1] < 1.0, len(postings.get(tw[0], ())))):
        posting = postings.get(term)
        df = len(posting) if posting else 0
        idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
        ideal += qw * idf * (K1 + 1)
        idf_sum += qw * idf
        if not posting:
            continue
        if scores and visited + df > POSTINGS_BUDGET:
            common.append((qw, idf, posting))
            continue
        visited += df
        for article_id, tf in posting.items():
            scores[article_id] += qw * idf * (K1 + 1) * tf / (tf + norms[article_id])
            covered[article_id] += qw * idf
    if common:
        best = heapq.nlargest(COMMON_CANDIDATES, scores, key=scores.__getitem__)
        for qw, idf, posting in common:
            for article_id in best:
                found = posting.get(article_id)
                if found:
                    scores[article_id] += qw * idf * found * (K1 + 1) / (found + norms[article_id])
                    covered[article_id] += qw * idf
    candidates = heapq.nlargest(FUZZY_CANDIDATES, scores, key=scores.__getitem__)
    return candidates, dict(scores), dict(covered), (ideal or 1.0, idf_sum or 1.0)


def build(rng: random.Random, n: int) -> SuggestionIndex:
    index = SuggestionIndex()
    for i in range(n):
        # Few distinct articles, so many score exactly alike: the ties must break as the loop broke them.
        words = rng.sample(WORDS[:12], 3) if i % 3 else rng.sample(WORDS, 6)
        index.upsert(IndexedArticle.build(i, "en", " ".join(words[:3]), [" ".join(words[2:])], [], "", ""))
    return index


def check(index: SuggestionIndex, rng: random.Random) -> None:
    n = len(index)
    norms = index._norms(index._total_length / n)
    for _ in range(60):
        weights = {w: rng.choice((1.0, 0.8, 0.6, 0.3)) for w in rng.sample(WORDS, rng.randint(1, 8))}
        got = bm25(weights, index._postings, norms, index._denominators, n, FUZZY_CANDIDATES)
        candidates, scores, covered, ideal = reference(weights, index._postings, norms, n)
        assert got.candidates == candidates
        assert [got.scores[a] for a in candidates] == [scores[a] for a in candidates]
        assert got.covered == {a: covered[a] for a in candidates}
        assert got.ideal == ideal


def test_bulk_scores_are_the_loops_scores_ties_included() -> None:
    rng = random.Random(3)
    index = build(rng, 3000)  # postings of about a thousand: common terms only re-score the leaders
    check(index, rng)
    for i in rng.sample(range(3000), 300):  # edits and removals: the kept denominators must follow
        index.upsert(IndexedArticle.build(i, "en", " ".join(rng.sample(WORDS, 4)), [], [], "", ""))
    for i in rng.sample(range(3000), 200):
        index.remove(i)
    check(index, rng)


def test_small_base_scores_every_article() -> None:
    rng = random.Random(5)
    check(build(rng, 120), rng)


def test_denominators_past_their_budget_are_dropped_not_wrong(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lexical, "DENOMINATOR_BUDGET", 1500)  # about one posting: most terms are recomputed
    rng = random.Random(7)
    index = build(rng, 3000)
    check(index, rng)
    assert index._denominators._size <= 1500 or len(index._denominators._of) == 1
