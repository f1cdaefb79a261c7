"""The suggestion index: inverted terms to pick candidates, rapidfuzz to rank them; updated per article.

Scoring every article for every query (brute force) costs O(articles); here a query touches only the
articles sharing a meaningful term with it, then scores those few with rapidfuzz's token_set_ratio over
the segmented title, question variants and tags (the measured best scorer for segmented Chinese).
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from hub.knowledge.text import key_terms, spaced

MAX_CANDIDATES = 100
MAX_QUERY_CHARS = 500


@dataclass(frozen=True, slots=True)
class IndexedArticle:
    article_id: int
    locale: str
    title: str
    variants: tuple[str, ...]
    tags: tuple[str, ...]
    phrases: tuple[str, ...] = field(default=())  # spaced forms of title + variants
    terms: frozenset[str] = field(default=frozenset())

    @classmethod
    def build(cls, article_id: int, locale: str, title: str, variants: list[str], tags: list[str]) -> IndexedArticle:
        texts = [title, *variants, *tags]
        terms: set[str] = set()
        for t in texts:
            terms |= key_terms(t)
        return cls(
            article_id,
            locale,
            title,
            tuple(variants),
            tuple(tags),
            tuple(p for p in (spaced(t) for t in texts) if p),
            frozenset(terms),
        )


@dataclass(frozen=True, slots=True)
class Hit:
    article_id: int
    score: float  # 0-100, after feedback and locale adjustments: the ranking
    match: float  # the raw text similarity
    # match weighted by the share of the query's key terms the article covers. token_set_ratio alone
    # gives 100 when a one-word tag ("payment") is a subset of the query, so it cannot say "answered".
    confidence: float = 0.0


class SuggestionIndex:
    def __init__(self) -> None:
        self._articles: dict[int, IndexedArticle] = {}
        self._postings: defaultdict[str, set[int]] = defaultdict(set)
        # Per-article multiplier from agents' feedback, 0.8-1.2; neutral until there is evidence.
        self._boost: dict[int, float] = {}

    def __len__(self) -> int:
        return len(self._articles)

    def upsert(self, article: IndexedArticle) -> None:
        """O(terms of this article): one edit never rebuilds the index."""
        self.remove(article.article_id)
        self._articles[article.article_id] = article
        for term in article.terms:
            self._postings[term].add(article.article_id)

    def remove(self, article_id: int) -> None:
        old = self._articles.pop(article_id, None)
        if old is None:
            return
        for term in old.terms:
            posting = self._postings.get(term)
            if posting is not None:
                posting.discard(article_id)
                if not posting:
                    del self._postings[term]

    def set_feedback(self, article_id: int, helpful: int, not_helpful: int) -> None:
        # Laplace-smoothed helpful share mapped to 0.8-1.2: ten votes move it, one vote barely.
        share = (helpful + 1) / (helpful + not_helpful + 2)
        self._boost[article_id] = 0.8 + 0.4 * share

    def search(self, query: str, locale: str | None = None, limit: int = 5) -> list[Hit]:
        query = query[:MAX_QUERY_CHARS]
        terms = key_terms(query)
        if not terms:
            return []
        # Candidates by the rarity of the terms they share with the query (IDF), so the few articles
        # that share the telling words are scored, not the many that share a common one.
        n = max(1, len(self._articles))
        weights: defaultdict[int, float] = defaultdict(float)
        for term in terms:
            posting = self._postings.get(term)
            if posting and (len(posting) <= n // 3 or n < 30):
                idf = math.log(1 + n / len(posting))
                for article_id in posting:
                    weights[article_id] += idf
        if not weights:
            return []
        candidates = heapq.nlargest(MAX_CANDIDATES, weights, key=weights.__getitem__)
        q = spaced(query)
        phrases: list[str] = []
        owners: list[int] = []
        for article_id in candidates:
            for phrase in self._articles[article_id].phrases:
                phrases.append(phrase)
                owners.append(article_id)
        best: dict[int, float] = {}
        # One call into rapidfuzz's C loop for all candidate phrases.
        for _phrase, value, i in process.extract(q, phrases, scorer=fuzz.token_set_ratio, limit=None):
            owner = owners[i]
            if value > best.get(owner, -1.0):
                best[owner] = value
        hits = []
        for article_id in candidates:
            article = self._articles[article_id]
            match = best.get(article_id, 0.0)
            coverage = len(terms & article.terms) / len(terms)
            confidence = match * (0.4 + 0.6 * coverage)
            score = confidence * self._boost.get(article_id, 1.0)
            if locale and article.locale != locale:
                score *= 0.85  # the customer's language first, others still findable
            hits.append(Hit(article_id, round(min(score, 100.0), 1), round(match, 1), round(confidence, 1)))
        hits.sort(key=lambda h: (-h.score, h.article_id))
        return hits[:limit]
