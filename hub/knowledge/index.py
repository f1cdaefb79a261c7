"""The suggestion index: BM25 over weighted fields fused with rapidfuzz phrase similarity; updated per article.

Each article's title, question variants, tags, short answer and body become weighted term frequencies
(BM25F: a word in the title counts more than one in the body). A query touches only the postings of its
own terms, so the work is proportional to the articles sharing a word with it, never to the whole base.
The best lexical candidates are then compared phrase to phrase with rapidfuzz's token_set_ratio (it
forgives word order and typos the terms miss), and hub.knowledge.confidence turns the two into a
calibrated probability that the article answers the question.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Container
from dataclasses import dataclass, field, replace

from rapidfuzz import fuzz, process

from hub.knowledge.asks import asked_kinds, given_kinds
from hub.knowledge.confidence import COEFFICIENTS, GAP_THRESHOLD, RANKING, THRESHOLD, Features, calibrated
from hub.knowledge.expand import Expander
from hub.knowledge.focus import Focus, units, whether
from hub.knowledge.gist import Concept, gist, named, names_main
from hub.knowledge.lexical import K1, B, Denominators, bm25
from hub.knowledge.simplified import simplified
from hub.knowledge.synonyms import SYNONYM_WEIGHT, particles, related
from hub.knowledge.terms import asking_weights, weighted_terms
from hub.knowledge.text import spaced
from hub.knowledge.trouble import give_back_terms, reports_trouble, unwanted

MAX_QUERY_CHARS = 500
FUZZY_CANDIDATES = 30  # the lexical best few that phrase similarity re-scores
ORDERED = 5  # the best few whose confidence is computed and that are ordered by ranking and confidence together
# BM25F field weights: what a word is worth in each part of an article.
FIELD_WEIGHTS = {"title": 3.0, "variant": 2.5, "tag": 2.0, "short": 1.0, "body": 0.6}
HELPED = ("title", "variant", "tag")  # the short fields that also get pinyin pairs and single characters


@dataclass(frozen=True, slots=True)
class IndexedArticle:
    article_id: int
    locale: str
    title: str
    phrases: tuple[str, ...] = field(default=())  # spaced title and variants, for rapidfuzz
    terms: dict[str, float] = field(default_factory=dict)  # term -> weighted frequency
    length: float = 0.0
    # What the article is about: the concepts its phrasings repeat, which a question it answers names.
    gist: tuple[Concept, ...] = ()
    trouble: bool = False  # its title, variants or tags report something wrong (trouble.py)
    gives_back: bool = False  # its main concept is giving something back or stopping it (trouble.py)
    gives: frozenset[str] = frozenset()  # the kinds of answer it gives: an amount, a time, a reason (asks.py)
    gist_terms: frozenset[str] = frozenset()  # the gist's concepts' terms together (focus: what names none of it)

    @classmethod
    def build(
        cls,
        article_id: int,
        locale: str,
        title: str,
        variants: list[str],
        tags: list[str],
        short_answer: str = "",
        body: str = "",
    ) -> IndexedArticle:
        title, short_answer, body = simplified(title), simplified(short_answer), simplified(body)
        variants, tags = [simplified(v) for v in variants], [simplified(t) for t in tags]
        fields = [("title", title), *(("variant", v) for v in variants), *(("tag", t) for t in tags)]
        fields += [("short", short_answer), ("body", body)]
        terms: defaultdict[str, float] = defaultdict(float)
        for name, text in fields:
            for term, weight in weighted_terms(text, False, name in HELPED).items():
                terms[term] += FIELD_WEIGHTS[name] * weight
        phrases = tuple(p for p in (spaced(t) for t in (title, *variants)) if p)
        concepts = gist(title, variants, tags)
        trouble = any(reports_trouble(p) for p in (title, *variants, *tags))
        top = max((c.weight for c in concepts), default=0.0)
        back = give_back_terms()
        gives_back = any(c.weight == top and not c.terms.isdisjoint(back) for c in concepts)
        gives = given_kinds([title, *variants, *tags], short_answer + "\n" + body, trouble)
        length = sum(terms.values())
        gist_terms = frozenset().union(*(c.terms for c in concepts))
        return cls(
            article_id, locale, title, phrases, dict(terms), length, concepts, trouble, gives_back, gives, gist_terms
        )


@dataclass(frozen=True, slots=True)
class Hit:
    article_id: int
    score: float  # 0-100: the ranking, after feedback and locale adjustments
    match: float  # 0-100: rapidfuzz phrase similarity to the closest title or variant
    confidence: float = 0.0  # 0-1: calibrated chance that this article answers the question
    confident: bool = False  # confidence at or above the index's threshold (confidence.THRESHOLD)


class SuggestionIndex:
    def __init__(self) -> None:
        self._articles: dict[int, IndexedArticle] = {}
        self._postings: defaultdict[str, dict[int, float]] = defaultdict(dict)
        self._total_length = 0.0
        # Per-article multiplier from agents' feedback, 0.8-1.2; neutral until there is evidence.
        self._boost: dict[int, float] = {}
        self._expander = Expander()
        self._norm_cache: tuple[float, dict[int, float]] | None = None
        self._denominators = Denominators()  # tf + norm per posting of the terms queries walk
        # The confidence model (hub.knowledge.confidence); per index so a bench can try others.
        self.ranking: tuple[float, ...] = RANKING
        self.coefficients: tuple[float, ...] = COEFFICIENTS
        self.threshold = THRESHOLD
        self.gap_threshold = GAP_THRESHOLD

    def __len__(self) -> int:
        return len(self._articles)

    def upsert(self, article: IndexedArticle) -> None:
        """O(terms of this article): one edit never rebuilds the index."""
        self.remove(article.article_id)
        self._articles[article.article_id] = article
        if self._norm_cache is not None:  # this article's own norm; the rest wait for the average to drift
            avgdl = self._norm_cache[0]
            self._norm_cache[1][article.article_id] = K1 * (1 - B) + K1 * B * article.length / avgdl
        self._total_length += article.length
        self._denominators.forget(article.terms)
        for term, tf in article.terms.items():
            if term not in self._postings:
                self._expander.forget()
            self._postings[term][article.article_id] = tf

    def remove(self, article_id: int) -> None:
        old = self._articles.pop(article_id, None)
        if old is None:
            return
        self._total_length -= old.length
        if self._norm_cache is not None:
            self._norm_cache[1].pop(article_id, None)
        self._denominators.forget(old.terms)
        for term in old.terms:
            posting = self._postings.get(term)
            if posting is not None:
                posting.pop(article_id, None)
                if not posting:
                    del self._postings[term]

    def set_feedback(self, article_id: int, helpful: int, inserted: int = 0, not_helpful: int = 0) -> None:
        """Agents' votes move an article's ranking, never its confidence (that stays calibrated)."""
        # Laplace-smoothed useful share mapped to 0.8-1.2: ten votes move it, one vote barely. An insert
        # is half a "helpful": the agent used it, without saying it answered.
        useful = helpful + 0.5 * inserted
        share = (useful + 1) / (useful + not_helpful + 2)
        self._boost[article_id] = 0.8 + 0.4 * share

    def vocabulary(self) -> Container[str]:
        """Every term some article contains."""
        return self._postings.keys()

    def idf(self, term: str) -> float:
        n = len(self._articles)
        df = len(self._postings.get(term, ()))
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def search(self, query: str, locale: str | None = None, limit: int = 5) -> list[Hit]:
        hits = self._ranked(query, locale, max(limit, ORDERED))
        # The ranking sees the signals every candidate has; the confidence also what each of the best few
        # covers of the question (focus.py). Each puts the wrong article first where the other is right,
        # for different questions: ordered by their mean, the answer comes first more often on every
        # labelled set (docs/knowledge.md, "Two models, one order"). Each article keeps its own confidence.
        hits.sort(key=lambda h: (-(h.confidence + h.score / 100), h.article_id))
        return hits[:limit]

    def _ranked(self, query: str, locale: str | None, limit: int) -> list[Hit]:
        """The best few in the ranking's order, each with its confidence."""
        candidates, focus = self._features(query, locale)
        ranked = [
            (round(min(100 * calibrated(f, self.ranking) * self._boost.get(a, 1.0), 100.0), 1), a, f)
            for a, f in candidates
        ]
        ranked.sort(key=lambda r: (-r[0], r[1]))
        hits = []
        for score, article_id, features in ranked[:limit]:  # confidence for the best few only
            features = self._focused(features, article_id, focus)
            confidence = calibrated(features, self.coefficients)
            hits.append(
                Hit(
                    article_id,
                    score,
                    round(100 * features.match, 1),
                    round(confidence, 3),
                    confidence >= self.threshold,
                )
            )
        return hits

    def explain(self, query: str, locale: str | None = None, limit: int = 5) -> list[tuple[Features, int]]:
        """The signals behind the best few suggestions in the ranking's order (for fitting the confidence
        model: it learns how often the ranking's first answers, whatever the order shown)."""
        ranked = {h.article_id: i for i, h in enumerate(self._ranked(query, locale, limit))}
        candidates, focus = self._features(query, locale)
        found = [(self._focused(f, a, focus), a) for a, f in candidates if a in ranked]
        return sorted(found, key=lambda fa: ranked[fa[1]])

    def _focused(self, features: Features, article_id: int, focus: Focus | None) -> Features:
        """What the article covers of the question (focus.py), for the suggestions shown only: RANKING gives
        these signals no weight, so the ranking never needs them for the other candidates."""
        if focus is None:
            return features
        article = self._articles[article_id]
        covered = focus.covers(article.terms, article.gist_terms)
        # `named` looks the other way from `asked`: "How do I change the email I use to log in" covers the
        # password article's words (it sends an email, it is about logging in) but never names a password.
        return replace(
            features,
            asked=covered.asked,
            missing=covered.missing,
            named=named(article.gist, focus.query_terms),
            rest=covered.rest,
            main=names_main(article.gist, focus.query_terms),
            trouble_apart=focus.trouble and not article.trouble,
            trouble_shared=focus.trouble and article.trouble,
            unwanted=focus.unwanted and article.gives_back,
            kind_unmet=bool(focus.asks) and focus.asks.isdisjoint(article.gives),
            kind_met=not focus.asks.isdisjoint(article.gives),
        )

    def _features(self, query: str, locale: str | None) -> tuple[list[tuple[int, Features]], Focus | None]:
        query = simplified(query[:MAX_QUERY_CHARS])[:MAX_QUERY_CHARS]  # the rest of the method reads this text
        weights = self._expand(asking_weights(query))
        if not weights or not self._articles:
            return [], None
        offered, concepts, phrased = related(query, weights, self._postings)
        for term in [t for t, w in offered.items() if not w and t in weights]:
            del weights[term]  # understood through the thesaurus: not an unknown word
        # Only words count as unknown (single characters and pinyin pairs are helpers), and only the customer's
        # own: the thesaurus' additions would dilute it.
        words = {t: w for t, w in weights.items() if len(t) > 1 and not t.startswith("py:")}
        unknown = sum(w for t, w in words.items() if t not in self._postings) / sum(words.values()) if words else 0.0
        for term in phrased.intersection(weights):  # a phrase's word is its concept's (synonyms.related)
            weights[term] = min(weights[term], SYNONYM_WEIGHT)
        # A particle shared by two concepts' phrases ("back" of "send them back", the return's) does not search:
        # alone it met the refund's "money back" first. It still names what the question is about (`named`).
        particled = phrased.intersection(particles(), weights)
        for term in particled:
            del weights[term]
        for term, weight in offered.items():
            if weight:
                weights[term] = max(weights.get(term, 0.0), weight)
        if not weights:
            return [], None
        n = len(self._articles)
        norms = self._norms(self._total_length / n)
        scored = bm25(weights, self._postings, norms, self._denominators, n, FUZZY_CANDIDATES)
        candidates, lexical, covered, ideal = scored.candidates, scored.scores, scored.covered, scored.ideal
        if not candidates:
            return [], None
        match = self._phrase_match(query, candidates)
        top = lexical[candidates[0]]
        second = lexical[candidates[1]] if len(candidates) > 1 else 0.0
        # A question typed in pinyin is guessed English by its letters; its words are Chinese.
        latin = any(t.isascii() and not t.startswith("py:") for t in weights)
        best_match = max(match.values(), default=0.0)
        focus = Focus(units(query, self._fix), self._postings, len(self._articles))
        focus.query_terms = frozenset(weights) | particled
        focus.trouble = reports_trouble(query, wanting=False)
        focus.unwanted = unwanted(query)
        focus.asks = asked_kinds(query)
        asks_whether = whether(query)
        features = [
            (
                article_id,
                Features(
                    lexical=lexical[article_id] / ideal[0],
                    coverage=covered[article_id] / ideal[1],
                    margin=(lexical[article_id] - (second if article_id == candidates[0] else top)) / top,
                    match=match.get(article_id, 0.0) / 100,
                    unknown=unknown,
                    foreign=bool(locale) and self._articles[article_id].locale != locale and (latin or locale != "en"),
                    agree=article_id == candidates[0] and match.get(article_id, 0.0) >= best_match,
                    service=min(concepts, 3) / 3,
                    whether=asks_whether,
                ),
            )
            for article_id in candidates
        ]
        return features, focus

    def _norms(self, avgdl: float) -> dict[int, float]:
        """BM25's length normalisation per article, recomputed only when the average length has moved
        by more than 5% (or articles changed), not for every posting of every query."""
        if self._norm_cache is None or abs(self._norm_cache[0] - avgdl) > 0.05 * avgdl:
            k = K1 * B / avgdl
            base = K1 * (1 - B)
            self._norm_cache = (avgdl, {a: base + k * doc.length for a, doc in self._articles.items()})
            self._denominators.clear()
        return self._norm_cache[1]

    def _fix(self, term: str) -> str | None:
        return self._expander.nearest(term, self._postings)

    def _expand(self, weights: dict[str, float]) -> dict[str, float]:
        return self._expander.expand(weights, self._postings)

    def _phrase_match(self, query: str, candidates: list[int]) -> dict[int, float]:
        phrases: list[str] = []
        owners: list[int] = []
        for article_id in candidates:
            for phrase in self._articles[article_id].phrases:
                phrases.append(phrase)
                owners.append(article_id)
        best: dict[int, float] = {}
        # One call into rapidfuzz's C loop for all candidate phrases.
        for _phrase, value, i in process.extract(spaced(query), phrases, scorer=fuzz.token_set_ratio, limit=None):
            if value > best.get(owners[i], -1.0):
                best[owners[i]] = value
        return best
