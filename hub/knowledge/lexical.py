"""BM25 over the suggestion index's postings, scored a whole posting at a time, and a query's best candidates.

The arithmetic is the plain per-posting loop's, operation for operation (factor * tf / (tf + norm), added to
the article's sum term by term in the same order), so every score is the same float; only the loop runs
inside the interpreter's C iterators (map, zip, dict.update) instead of one bytecode loop turn a posting.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Callable, Iterable, Mapping
from itertools import repeat
from operator import add, mul, truediv

K1 = 1.2
B = 0.5  # answers are short: length normalisation matters less than in web search
POSTINGS_BUDGET = 2000  # postings walked per query before common terms only re-score the leaders
COMMON_CANDIDATES = 300  # the lexical best few that the common terms re-score
DENOMINATOR_BUDGET = 1_000_000  # floats kept (8 MB): every term a 40k-article bench walks fits

Posting = dict[int, float]  # article id -> weighted term frequency


class Denominators:
    """tf + norm of each posting of a term (what BM25 divides by: the article's part), kept between queries
    as 8-byte floats, up to DENOMINATOR_BUDGET of them (the terms kept longest go first). The index drops a
    term's on an edit of one of its articles, and all of them when the norms are recomputed."""

    def __init__(self) -> None:
        self._of: dict[str, array[float]] = {}
        self._size = 0

    def of(self, term: str, posting: Posting, get_norm: Callable[[int], float]) -> array[float]:
        found = self._of.get(term)
        if found is None:
            found = array("d", map(add, posting.values(), map(get_norm, posting)))
            while self._of and self._size + len(found) > DENOMINATOR_BUDGET:
                self._size -= len(self._of.pop(next(iter(self._of))))
            self._of[term] = found
            self._size += len(found)
        return found

    def forget(self, terms: Iterable[str]) -> None:
        for term in terms:
            dropped = self._of.pop(term, None)
            if dropped is not None:
                self._size -= len(dropped)

    def clear(self) -> None:
        self._of.clear()
        self._size = 0


class Scored:
    """A query's BM25: the best candidates, best first, with their score and the IDF share they cover."""

    def __init__(self, candidates: list[int], scores: dict[int, float], ideal: tuple[float, float]) -> None:
        self.candidates = candidates
        self.scores = scores  # every scored article (candidates included)
        self.ideal = ideal  # the BM25 and IDF sum of a perfect match
        self.covered: dict[int, float] = {}


def bm25(
    weights: Mapping[str, float],
    postings: Mapping[str, Posting],
    norms: Mapping[int, float],
    denominators: Denominators,
    n: int,
    limit: int,
) -> Scored:
    """BM25 of the articles sharing a term with the query, the `limit` best of them (ties: the article
    scored first), and for those the IDF share of the query each covers."""
    scores: dict[int, float] = {}
    walked: list[tuple[float, Posting]] = []
    common: list[tuple[float, float, Posting]] = []
    ideal = idf_sum = 0.0
    visited = 0
    get_norm = norms.__getitem__
    # Words before helpers (characters, pinyin), rare before common: they find the candidates. Once
    # POSTINGS_BUDGET postings are walked, the rest only add to the leaders so far (a lookup each).
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
        weight = qw * idf
        walked.append((weight, posting))
        # factor * tf / (tf + norm) for the whole posting.
        gains = map(
            truediv, map(mul, repeat(weight * (K1 + 1)), posting.values()), denominators.of(term, posting, get_norm)
        )
        if scores:
            scores.update(zip(posting, map(add, map(scores.get, posting, repeat(0.0)), gains), strict=True))
        else:  # the first term: 0.0 + gain is gain
            scores = dict(zip(posting, gains, strict=True))
    if not scores:
        return Scored([], scores, (ideal or 1.0, idf_sum or 1.0))
    pool: list[int] | dict[int, float] = scores
    if common:
        best = set(sorted(scores, key=scores.__getitem__, reverse=True)[:COMMON_CANDIDATES])
        for qw, idf, posting in common:
            hits = list(filter(posting.get, best))  # the leaders with a (non-zero) frequency of the term
            found = list(map(posting.__getitem__, hits))
            # qw * idf * found * (K1 + 1) / (found + norm), added to each leader's score.
            gains = map(
                truediv,
                map(mul, map(mul, repeat(qw * idf), found), repeat(K1 + 1)),
                map(add, found, map(get_norm, hits)),
            )
            scores.update(zip(hits, map(add, map(scores.__getitem__, hits), gains), strict=True))
        # Scores only grew among the leaders, so the best `limit` are leaders; in scoring order for the ties.
        pool = list(filter(best.__contains__, scores))
    candidates = sorted(pool, key=scores.__getitem__, reverse=True)[:limit]
    scored = Scored(candidates, scores, (ideal or 1.0, idf_sum or 1.0))
    for article_id in candidates:  # the IDF share covered, summed in the order the loop above adds scores
        covered = 0.0
        for weight, posting in walked:
            if article_id in posting:
                covered += weight
        for qw, idf, posting in common:
            if posting.get(article_id):
                covered += qw * idf
        scored.covered[article_id] = covered
    return scored
